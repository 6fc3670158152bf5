package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import java.util.ArrayList;
import java.util.List;

/**
 * The capture triggers, generated from one description per captured table so that all nine are
 * built the same way. Plain SQL only: {@code lh}'s connection runs them and has none of the
 * node's functions.
 *
 * <p>Every trigger carries {@code WHEN NOT EXISTS (SELECT 1 FROM lhsync_guard)}: the guard table
 * holds a row only inside the node's own apply transaction (see {@link EchoGuard}), which no
 * other connection can see, so other writers are always captured and the node's applies never.
 */
final class CaptureTriggers {

    /** Every capture trigger's name starts with this; any other trigger so named is obsolete. */
    static final String NAME_PREFIX = "lhsync_capture_";

    private static final String GUARD = "WHEN NOT EXISTS (SELECT 1 FROM " + EchoGuard.TABLE + ")";
    private static final String INSERT_INTO =
        "INSERT INTO " + ChangeCapture.TABLE + " (tbl, op, id, id2, id3, realm_id, at)";
    /**
     * When the writer made the change, in ms since the epoch, from plain SQL (julianday is in every
     * SQLite, lh's included): a change made while the node was not running keeps its time.
     */
    private static final String NOW_MILLIS = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    /**
     * A captured table: its key columns as they map to the capture columns id, id2, id3, and the
     * column copied to realm_id (null where the capture column stays NULL).
     */
    private record Captured(String table, String id, String id2, String id3, String realmId) {

        /** The capture column values for the OLD or NEW row. */
        String values(String row) {
            return "'" + table + "', %s, " + column(row, id) + ", " + column(row, id2) + ", "
                + column(row, id3) + ", " + column(row, realmId) + ", " + NOW_MILLIS;
        }

        /** True when an UPDATE changed what identifies the row to a reader (key or realm). */
        String keyChanged() {
            List<String> parts = new ArrayList<>();
            for (String column : new String[] {id, id2, id3, realmId}) {
                if (column != null) {
                    parts.add("OLD.\"" + column + "\" IS NOT NEW.\"" + column + "\"");
                }
            }
            return String.join(" OR ", parts);
        }

        private static String column(String row, String name) {
            return name == null ? "NULL" : row + ".\"" + name + "\"";
        }
    }

    private static final List<Captured> CAPTURED = List.of(
        new Captured(CapturedChange.REALMS, "id", null, null, null),
        new Captured(CapturedChange.LORES, "id", null, null, "realm_id"),
        new Captured(CapturedChange.LORE_RELATIONS, "from_lore_id", "to_lore_id", "type", null));

    /**
     * A trigger: its name and its text after {@code CREATE TRIGGER}, which is exactly what SQLite
     * keeps in {@code sqlite_master.sql} (it drops {@code IF NOT EXISTS}), so an installed trigger
     * can be compared with its definition to detect one from an older version of the node.
     */
    record Definition(String name, String body) {

        String createSql() {
            return "CREATE TRIGGER IF NOT EXISTS " + body;
        }

        String storedSql() {
            return "CREATE TRIGGER " + body;
        }
    }

    private CaptureTriggers() {
    }

    /** All capture triggers, in the order they are installed. */
    static List<Definition> all() {
        List<Definition> all = new ArrayList<>();
        for (Captured t : CAPTURED) {
            all.add(trigger(t, "insert", "AFTER INSERT",
                "  " + INSERT_INTO + " VALUES (" + t.values("NEW").formatted("'I'") + ");\n"));
            // A key change is a delete of the old key and an insert of the new one: a reader that
            // keys its state by (table, id, id2, id3) or by realm never misses the old key.
            all.add(trigger(t, "update", "AFTER UPDATE",
                "  " + INSERT_INTO + " SELECT " + t.values("OLD").formatted("'D'")
                    + " WHERE " + t.keyChanged() + ";\n"
                    + "  " + INSERT_INTO + " VALUES ("
                    + t.values("NEW").formatted("CASE WHEN " + t.keyChanged() + " THEN 'I' ELSE 'U' END") + ");\n"));
            all.add(trigger(t, "delete", "AFTER DELETE",
                "  " + INSERT_INTO + " VALUES (" + t.values("OLD").formatted("'D'") + ");\n"));
        }
        return List.copyOf(all);
    }

    private static Definition trigger(Captured t, String event, String timing, String statements) {
        String name = NAME_PREFIX + t.table() + "_" + event;
        String body = name + " " + timing + " ON \"" + t.table() + "\"\n"
            + GUARD + "\n"
            + "BEGIN\n"
            + statements
            + "END";
        return new Definition(name, body);
    }
}
