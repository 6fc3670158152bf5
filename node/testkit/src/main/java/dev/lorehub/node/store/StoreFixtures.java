package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Shared set-up and inspection helpers for the store tests. */
final class StoreFixtures {

    private StoreFixtures() {
    }

    /** A database lh created (with lores_vec), opened by the node with capture installed. */
    static LoreHubDatabase lhDatabaseWithCapture(Path dir) throws SQLException {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file);
        LoreHubDatabase db = LoreHubDatabase.open(file);
        db.installCapture();
        return db;
    }

    /** Every schema object as "type name on tbl_name: sql", in sqlite_master order. */
    static List<String> schema(Connection connection) throws SQLException {
        return rows(connection, "SELECT type || ' ' || name || ' on ' || tbl_name || ': ' || coalesce(sql, '<auto>') "
            + "FROM sqlite_master");
    }

    /** The schema objects that belong to lh (everything but the node's lhsync_ objects). */
    static List<String> lhSchema(Connection connection) throws SQLException {
        return rows(connection, "SELECT type || ' ' || name || ' on ' || tbl_name || ': ' || coalesce(sql, '<auto>') "
            + "FROM sqlite_master WHERE substr(name, 1, 7) <> 'lhsync_' AND name <> 'sqlite_sequence'");
    }

    /** The captured changes, rendered compactly as "tbl op id [id2 id3] [@realm]". */
    static List<String> captured(Connection connection) throws SQLException {
        List<String> result = new ArrayList<>();
        for (CapturedChange c : ChangeCapture.readPending(connection, 100_000)) {
            result.add(render(c));
        }
        return result;
    }

    static String render(CapturedChange c) {
        StringBuilder b = new StringBuilder(c.table()).append(' ').append(c.op()).append(' ').append(c.id());
        if (c.id2() != null) {
            b.append(' ').append(c.id2()).append(' ').append(c.id3());
        }
        if (c.realmId() != null) {
            b.append(" @").append(c.realmId());
        }
        return b.toString();
    }

    /** The first column of every row of {@code sql}, as text. */
    static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return result;
    }

    /** All rows of {@code sql} with every column, "|"-joined, for whole-table comparisons. */
    static List<String> table(Connection connection, String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rows.getString(i));
                }
                result.add(row.toString());
            }
        }
        return result;
    }

    /** Every row of lh's three synced tables, for "data intact" comparisons. */
    static List<String> lhData(Connection connection) throws SQLException {
        List<String> all = new ArrayList<>();
        all.addAll(table(connection, "SELECT 'realm', * FROM realms ORDER BY id"));
        all.addAll(table(connection, "SELECT 'lore', * FROM lores ORDER BY id"));
        all.addAll(table(connection, "SELECT 'relation', * FROM lore_relations ORDER BY 2, 3, 4"));
        return all;
    }

    static String one(Connection connection, String sql) throws SQLException {
        List<String> rows = rows(connection, sql);
        return rows.isEmpty() ? null : rows.get(0);
    }
}
