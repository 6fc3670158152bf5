package dev.lorehub.node.core;

/**
 * One row of the capture table: a change some writer ({@code lh}, or the node's own CLI) made to
 * one row of {@code realms}, {@code lores} or {@code lore_relations}. It names the row, not its
 * values: read the row's current state from the table (absent after a delete).
 *
 * <p>A change of a row's key ({@code lores.id} or {@code lores.realm_id}; any of a relation's
 * three key columns) arrives as {@link #DELETE} of the old key followed by {@link #INSERT} of the
 * new one, so a reader that treats keys independently loses nothing. An {@link #INSERT} may also
 * name a row the reader already knows (for example after {@code INSERT OR REPLACE}): treat it as
 * "this row now exists with its current values".
 *
 * @param seq     position in the capture table, strictly increasing in commit order
 * @param table   {@code "realms"}, {@code "lores"} or {@code "lore_relations"}
 * @param op      {@link #INSERT}, {@link #UPDATE} or {@link #DELETE}
 * @param id      realms.id, lores.id, or lore_relations.from_lore_id
 * @param id2     lore_relations.to_lore_id; null for the other tables
 * @param id3     lore_relations.type; null for the other tables
 * @param realmId for lores, the realm the row is in after the change (before it, for a delete);
 *                null for the other tables
 * @param at      when the writer made the change (ms since the epoch, from SQLite's clock in the writer's
 *                transaction); 0 when unknown (captured by an older version of the triggers)
 */
public record CapturedChange(long seq, String table, char op, String id, String id2, String id3, String realmId, long at) {

    /** A change whose time is not known (the node's own adoption of existing rows). */
    public CapturedChange(long seq, String table, char op, String id, String id2, String id3, String realmId) {
        this(seq, table, op, id, id2, id3, realmId, 0);
    }

    public static final char INSERT = 'I';
    public static final char UPDATE = 'U';
    public static final char DELETE = 'D';

    public static final String REALMS = "realms";
    public static final String LORES = "lores";
    public static final String LORE_RELATIONS = "lore_relations";
}
