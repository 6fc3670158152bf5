package dev.lorehub.node.store;

/**
 * One row (or schema fact) in the LoreHub database that breaks a rule {@code lh} depends on
 * (LOREHUB_SCHEMA.md, "Rules a writer must keep").
 *
 * @param table   the table, e.g. {@code "lores"}
 * @param key     the row's key, e.g. a lore id or {@code "from -> to (type)"}; empty for schema facts
 * @param column  the offending column, or empty when the problem concerns the whole row
 * @param problem what is wrong and what lh does with it, in words
 */
public record LhViolation(String table, String key, String column, String problem) {

    /** One line a human can act on, e.g. {@code lores[3f2c…].sigils: not a JSON array: {"a":1}}. */
    public String describe() {
        String where = table + (key.isEmpty() ? "" : "[" + key + "]") + (column.isEmpty() ? "" : "." + column);
        return where + ": " + problem;
    }

    @Override
    public String toString() {
        return describe();
    }
}
