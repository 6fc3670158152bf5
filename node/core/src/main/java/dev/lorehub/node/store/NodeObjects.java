package dev.lorehub.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The node's own schema objects in the LoreHub database: everything named {@code lhsync_…}.
 * Knows how to remove them all without touching lh's tables.
 */
final class NodeObjects {

    /** Every table, index, trigger and view of the node is named with this prefix. */
    static final String PREFIX = "lhsync_";

    private NodeObjects() {
    }

    /**
     * Drops every node object. Order matters: first every trigger that is ours or mentions one of
     * our tables (a trigger left on {@code lores} that inserts into a dropped table would make
     * every lh write fail), then views, then tables (their indexes go with them). Foreign-key
     * checks are deferred to commit so our tables can be dropped in any order. Must run inside
     * the caller's write transaction.
     */
    static void dropAll(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA defer_foreign_keys = ON");
            for (String trigger : names(connection,
                "type = 'trigger' AND (substr(name, 1, 7) = 'lhsync_' OR instr(sql, 'lhsync_') > 0)")) {
                statement.execute("DROP TRIGGER IF EXISTS \"" + trigger + "\"");
            }
            for (String view : names(connection, "type = 'view' AND substr(name, 1, 7) = 'lhsync_'")) {
                statement.execute("DROP VIEW IF EXISTS \"" + view + "\"");
            }
            List<String> tables = names(connection, "type = 'table' AND substr(name, 1, 7) = 'lhsync_'");
            for (String table : tables) {
                statement.execute("DROP TABLE IF EXISTS \"" + table + "\"");
            }
            forgetSequences(connection, tables);
        }
    }

    /**
     * Removes AUTOINCREMENT counters of dropped node tables. SQLite's {@code sqlite_sequence} itself
     * cannot be dropped (lh's sqlite-vec helper tables use it too), only our rows in it.
     */
    static void forgetSequences(Connection connection, Collection<String> tables) throws SQLException {
        if (tables.isEmpty() || !tableExists(connection, "sqlite_sequence")) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM sqlite_sequence WHERE name = ?")) {
            for (String table : tables) {
                delete.setString(1, table);
                delete.executeUpdate();
            }
        }
    }

    /** A row when the table named by the one parameter exists, none otherwise. */
    static final String TABLE_EXISTS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";

    static boolean tableExists(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(TABLE_EXISTS)) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    static boolean columnExists(Connection connection, String table, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA table_info(\"" + table + "\")")) {
            while (rows.next()) {
                if (column.equalsIgnoreCase(rows.getString("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> names(Connection connection, String where) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_master WHERE " + where + " ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
