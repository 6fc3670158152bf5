package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Suppresses change capture for the node's own writes (applies of remote events), so that they
 * never come back as local changes.
 *
 * <p>{@link #hold(Connection)} inserts a row into {@code lhsync_guard}; every capture trigger is
 * {@code WHEN NOT EXISTS (SELECT 1 FROM lhsync_guard)}; {@link #close()} deletes the row again,
 * before the transaction commits. The row is never visible to another connection: it exists only
 * inside the node's uncommitted write transaction, and while that transaction holds SQLite's
 * write lock nobody else can write. A crash rolls back the row together with the writes it
 * guarded. {@link LoreHubDatabase} refuses to commit while the row is still there, because a
 * committed guard row would silence capture of every later {@code lh} change.
 *
 * <p>Use it inside a transaction of {@link LoreHubDatabase}, or let
 * {@link LoreHubDatabase#applyingRemote(TransactionWork)} do it for the whole transaction:
 * <pre>{@code
 * db.runInTransaction(c -> {
 *     List<CapturedChange> local = ChangeCapture.readPending(c, 500);   // captured lh writes
 *     ... turn them into events, ChangeCapture.deleteThrough(c, lastSeq) ...
 *     EchoGuard guard = EchoGuard.hold(c);
 *     ... materialise remote events into lores ...                    // not captured
 *     guard.close();                     // on an exception the rollback removes the row anyway
 * });
 * }</pre>
 */
public final class EchoGuard implements AutoCloseable {

    /** The guard table; empty except inside the node's own apply. */
    public static final String TABLE = "lhsync_guard";

    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE + " (held INTEGER NOT NULL)";

    private static final String INSERT = "INSERT INTO " + TABLE + " (held) VALUES (1)";
    private static final String EXISTS = "SELECT EXISTS (SELECT 1 FROM " + TABLE + ")";
    private static final String DELETE = "DELETE FROM " + TABLE;

    /** How many times {@link #hold} was called in this process (by any thread, on any connection). */
    private static final AtomicLong HELD_BY_HAND = new AtomicLong();

    private final Connection connection;
    /** The connection's prepared statements, or null (each statement is prepared when run). */
    private final PreparedStatements statements;
    private boolean released;

    private EchoGuard(Connection connection, PreparedStatements statements) {
        this.connection = connection;
        this.statements = statements;
    }

    /**
     * Starts suppressing capture on this connection. Call only inside a write transaction (the
     * row must never be committed); nested holds are refused.
     *
     * @throws LoreHubDatabaseException if capture is not installed or the guard is already held
     */
    public static EchoGuard hold(Connection connection) throws SQLException {
        HELD_BY_HAND.incrementAndGet();
        requireInstalled(connection, true);
        if (isHeld(connection, null)) {
            throw new LoreHubDatabaseException("The echo guard is already held on this connection; "
                + "holds do not nest. Release the outer guard first.");
        }
        update(connection, null, INSERT);
        return new EchoGuard(connection, null);
    }

    /**
     * Holds the guard for a whole transaction of {@link LoreHubDatabase#applyingRemote}, without asking first
     * whether a guard row is there: its release deletes every guard row (so none survives it), and every other
     * transaction refuses to commit one, so the only row there could be is one another program committed, which
     * this transaction's release then removes instead of refusing to write.
     */
    static EchoGuard holdForTransaction(Connection connection, PreparedStatements statements, boolean checkInstalled)
        throws SQLException {
        requireInstalled(connection, checkInstalled);
        update(connection, statements, INSERT);
        return new EchoGuard(connection, statements);
    }

    private static void requireInstalled(Connection connection, boolean check) throws SQLException {
        if (check && !ChangeCapture.isInstalled(connection)) {
            throw new LoreHubDatabaseException("Cannot suppress change capture: it is not installed in this "
                + "database. Call LoreHubDatabase.installCapture() when the node starts.");
        }
    }

    /**
     * How many times {@link #hold} has been called in this process, on any connection. A transaction
     * of {@link LoreHubDatabase} in which this did not change cannot have left a guard row that it must
     * refuse to commit (the only other guard, an apply's own, {@link LoreHubDatabase#applyingRemote}'s or
     * {@link LoreHubDatabase#applyingRemoteFromFirstWrite}'s, is always released before its commit).
     */
    static long holdsByHand() {
        return HELD_BY_HAND.get();
    }

    /** Whether a guard row is visible on this connection (capture is currently suppressed). */
    public static boolean isHeld(Connection connection) throws SQLException {
        return isHeld(connection, null);
    }

    /** {@link #isHeld(Connection)} with the connection's prepared statements (null: none). */
    static boolean isHeld(Connection connection, PreparedStatements statements) throws SQLException {
        if (statements != null) {
            try (ResultSet rows = statements.get(EXISTS).executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(EXISTS)) {
            return rows.next() && rows.getBoolean(1);
        }
    }

    /** Resumes capture: deletes the guard row. Idempotent. */
    @Override
    public void close() throws SQLException {
        if (released) {
            return;
        }
        released = true;
        update(connection, statements, DELETE);
    }

    /** Deletes any guard row; also used to repair a database where one was committed by mistake. */
    static int clear(Connection connection) throws SQLException {
        return update(connection, null, DELETE);
    }

    private static int update(Connection connection, PreparedStatements statements, String sql) throws SQLException {
        if (statements != null) {
            PreparedStatement prepared = statements.get(sql);
            return prepared.executeUpdate();
        }
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }
}
