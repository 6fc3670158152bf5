package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Change capture: triggers on {@code realms}, {@code lores} and {@code lore_relations} append one
 * row per inserted, updated or deleted row (cascaded deletes included) to {@code lhsync_capture},
 * whoever the writer is, except the node's own guarded applies (see {@link EchoGuard}).
 *
 * <p>Every method works on the connection it is given and never begins or commits: call
 * {@link #install} and {@link #uninstall} inside one write transaction (or use
 * {@link LoreHubDatabase#installCapture()}), and call {@link #readPending} and
 * {@link #deleteThrough} inside the same transaction as the ingest that consumes the rows, so a
 * crash either keeps both the rows and the unrecorded events, or neither.
 */
public final class ChangeCapture {

    /** The capture table; the node's ingest reads and deletes its rows. */
    public static final String TABLE = "lhsync_capture";

    /** The number of captured changes waiting. */
    static final String COUNT = "SELECT count(*) FROM " + TABLE;

    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE + " (\n"
        + "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        + "  tbl TEXT NOT NULL,\n"
        + "  op TEXT NOT NULL,\n"
        + "  id TEXT NOT NULL,\n"
        + "  id2 TEXT,\n"
        + "  id3 TEXT,\n"
        + "  realm_id TEXT,\n"
        + "  at INTEGER)";

    private static final String SELECT =
        "SELECT seq, tbl, op, id, id2, id3, realm_id, at FROM " + TABLE + " WHERE seq > ? ORDER BY seq" + SqlLimit.PARAMETER;

    private static final String DELETE_THROUGH = "DELETE FROM " + TABLE + " WHERE seq <= ?";

    private ChangeCapture() {
    }

    /**
     * Installs or upgrades capture: creates the capture and guard tables if absent, creates each
     * trigger that is missing, replaces each whose text differs from this version's definition,
     * and drops capture triggers this version no longer defines. Running it again changes nothing.
     * Never touches lh's table definitions or data.
     *
     * @throws LoreHubDatabaseException if lh's tables are missing
     */
    public static void install(Connection connection) throws SQLException {
        List<String> missing = LoreHubSchema.missingParts(connection);
        if (!missing.isEmpty()) {
            throw new LoreHubDatabaseException("Cannot install change capture: the database lacks "
                + String.join(", ", missing) + ". Open it with LoreHubDatabase first.");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_TABLE);
            if (!NodeObjects.columnExists(connection, TABLE, "at")) {
                statement.execute("ALTER TABLE " + TABLE + " ADD COLUMN at INTEGER"); // capture tables of older versions
            }
            statement.execute(EchoGuard.CREATE_TABLE);
            Map<String, String> installed = installedTriggers(connection);
            for (CaptureTriggers.Definition trigger : CaptureTriggers.all()) {
                String current = installed.remove(trigger.name());
                if (trigger.storedSql().equals(current)) {
                    continue;
                }
                if (current != null) {
                    statement.execute("DROP TRIGGER IF EXISTS \"" + trigger.name() + "\"");
                }
                statement.execute(trigger.createSql());
            }
            for (String obsolete : installed.keySet()) {
                statement.execute("DROP TRIGGER IF EXISTS \"" + obsolete + "\"");
            }
        }
    }

    /**
     * Removes capture: its triggers first (so no lh write can ever hit a missing table), then
     * the capture and guard tables. Leaves lh's tables and data untouched, and the node's other
     * tables too (see {@link LoreHubDatabase#uninstallNode()} to remove everything).
     */
    public static void uninstall(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String trigger : installedTriggers(connection).keySet()) {
                statement.execute("DROP TRIGGER IF EXISTS \"" + trigger + "\"");
            }
            statement.execute("DROP TABLE IF EXISTS " + TABLE);
            statement.execute("DROP TABLE IF EXISTS " + EchoGuard.TABLE);
            NodeObjects.forgetSequences(connection, Set.of(TABLE));
        }
    }

    /** Whether the capture and guard tables and every capture trigger of this version exist. */
    public static boolean isInstalled(Connection connection) throws SQLException {
        Map<String, String> installed = installedTriggers(connection);
        for (CaptureTriggers.Definition trigger : CaptureTriggers.all()) {
            if (!trigger.storedSql().equals(installed.get(trigger.name()))) {
                return false;
            }
        }
        return NodeObjects.tableExists(connection, TABLE) && NodeObjects.tableExists(connection, EchoGuard.TABLE);
    }

    /** Whether the capture table exists (it may have been dropped behind the node's back). */
    public static boolean hasTable(Connection connection) throws SQLException {
        return NodeObjects.tableExists(connection, TABLE);
    }

    /** The oldest {@code limit} captured changes, in seq (commit) order. */
    public static List<CapturedChange> readPending(Connection connection, int limit) throws SQLException {
        return readAfter(connection, 0, limit);
    }

    /**
     * Up to {@code limit} captured changes with seq greater than {@code afterSeq}, in seq order.
     * Seq order is commit order: SQLite has one writer at a time and seq only grows, so once a
     * seq is visible every smaller one is visible too.
     */
    public static List<CapturedChange> readAfter(Connection connection, long afterSeq, int limit) throws SQLException {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            return readAfter(select, afterSeq, limit);
        }
    }

    /**
     * {@link #readPending} through the connection's prepared statements: the node reads at the start
     * of every ingest and capture transaction, and preparing the select cost more than running it.
     */
    static List<CapturedChange> readPending(PreparedStatements statements, int limit) throws SQLException {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return readAfter(statements.get(SELECT), 0, limit);
    }

    private static List<CapturedChange> readAfter(PreparedStatement select, long afterSeq, int limit) throws SQLException {
        List<CapturedChange> changes = new ArrayList<>(Math.min(limit, 1024));
        select.setLong(1, afterSeq);
        select.setInt(2, limit);
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                changes.add(new CapturedChange(rows.getLong(1), rows.getString(2), rows.getString(3).charAt(0),
                    rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7), rows.getLong(8)));
            }
        }
        return changes;
    }

    /**
     * Deletes every captured change with seq ≤ {@code seq} (the ones the caller has turned into
     * events) and returns how many. Seqs are never reused (AUTOINCREMENT), so a later change can
     * never be deleted by mistake.
     */
    public static int deleteThrough(Connection connection, long seq) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_THROUGH)) {
            delete.setLong(1, seq);
            return delete.executeUpdate();
        }
    }

    /** {@link #deleteThrough(Connection, long)} through the connection's prepared statements. */
    static int deleteThrough(PreparedStatements statements, long seq) throws SQLException {
        PreparedStatement delete = statements.get(DELETE_THROUGH);
        delete.setLong(1, seq);
        return delete.executeUpdate();
    }

    /** How many captured changes wait to be turned into events. */
    public static long pendingCount(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(COUNT)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Name → stored SQL of every trigger in the capture namespace. */
    private static Map<String, String> installedTriggers(Connection connection) throws SQLException {
        Map<String, String> triggers = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ?")) {
            select.setInt(1, CaptureTriggers.NAME_PREFIX.length());
            select.setString(2, CaptureTriggers.NAME_PREFIX);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    triggers.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return triggers;
    }
}
