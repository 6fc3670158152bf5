package dev.lorehub.node.remote;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What this device remembers about its remotes, in {@code lhsync_remote_*} tables of the LoreHub
 * database file (its own connection; SQLite's WAL lets it work beside the replica's):
 * <ul>
 *   <li>{@code positions}: per remote, realm and stream, how far this device has read (and, for its
 *       own stream, the last segment it wrote);</li>
 *   <li>{@code known}: ids of the events known to be on a remote or queued for it (pushed or
 *       pulled), so a push sends only what the remote lacks;</li>
 *   <li>{@code outbox}: segments packed but not yet confirmed by the remote, the offline queue: a
 *       crashed or failed push sends exactly the same bytes again;</li>
 *   <li>{@code parked}: pulled events the node could not accept yet (membership not known yet);</li>
 *   <li>{@code status}: last push and pull, last error, failures and the next attempt (backoff
 *       survives a restart).</li>
 * </ul>
 * Thread-safe (every method is synchronised on the connection).
 */
public final class RemoteState implements AutoCloseable {
    private static final List<String> SCHEMA = List.of(
        "CREATE TABLE IF NOT EXISTS lhsync_remote_positions (remote TEXT NOT NULL, realm BLOB NOT NULL, stream TEXT NOT NULL, "
            + "seq INTEGER NOT NULL, hash BLOB, PRIMARY KEY (remote, realm, stream)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS lhsync_remote_known (remote TEXT NOT NULL, realm BLOB NOT NULL, id BLOB NOT NULL, "
            + "PRIMARY KEY (remote, realm, id)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS lhsync_remote_outbox (remote TEXT NOT NULL, realm BLOB NOT NULL, seq INTEGER NOT NULL, "
            + "name TEXT NOT NULL, body BLOB NOT NULL, queued_at INTEGER NOT NULL, PRIMARY KEY (remote, realm, seq))",
        "CREATE TABLE IF NOT EXISTS lhsync_remote_parked (remote TEXT NOT NULL, realm BLOB NOT NULL, id BLOB NOT NULL, "
            + "sealed BLOB NOT NULL, PRIMARY KEY (remote, realm, id)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS lhsync_remote_status (remote TEXT PRIMARY KEY, last_push INTEGER, last_pull INTEGER, "
            + "last_error TEXT, failures INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL DEFAULT 0)");
    /** Parked events kept per remote and realm at most (the oldest beyond are dropped: peers still carry them). */
    static final int MAX_PARKED = 100_000;

    private final Connection c;

    private RemoteState(Connection c) {
        this.c = c;
    }

    /** Opens the tables in a LoreHub database file, creating them if needed. */
    public static RemoteState open(Path database) {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            }
            return new RemoteState(c);
        } catch (SQLException e) {
            throw new RemoteException("Cannot open the remote positions in " + database + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run() throws SQLException;
    }

    private <T> T sql(Sql<T> work) {
        synchronized (c) {
            try {
                return work.run();
            } catch (SQLException e) {
                throw new RemoteException("Cannot update the remote positions: " + e.getMessage(), e);
            }
        }
    }

    private <T> T tx(Sql<T> work) {
        return sql(() -> {
            c.setAutoCommit(false);
            try {
                T r = work.run();
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    // ---- positions

    /** Every stream position of a realm on a remote. */
    public Map<String, Position> positions(String remote, RealmId realm) {
        return sql(() -> {
            Map<String, Position> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                "SELECT stream, seq, hash FROM lhsync_remote_positions WHERE remote = ? AND realm = ?")) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Position(rs.getLong(2), rs.getBytes(3)));
                    }
                }
            }
            return out;
        });
    }

    /** Records positions reached (after what they cover was ingested). */
    public void savePositions(String remote, RealmId realm, Map<String, Position> positions) {
        tx(() -> {
            putPositions(remote, realm, positions);
            return null;
        });
    }

    private void putPositions(String remote, RealmId realm, Map<String, Position> positions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lhsync_remote_positions (remote, realm, stream, seq, hash) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (remote, realm, stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")) {
            for (Map.Entry<String, Position> e : positions.entrySet()) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                ps.setString(3, e.getKey());
                ps.setLong(4, e.getValue().seq());
                if (e.getValue().hash() == null) {
                    ps.setNull(5, Types.BLOB);
                } else {
                    ps.setBytes(5, e.getValue().hash());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- known ids

    /** Ids known to be on the remote or queued for it. */
    public Set<EventId> known(String remote, RealmId realm) {
        return sql(() -> {
            Set<EventId> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM lhsync_remote_known WHERE remote = ? AND realm = ?")) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(EventId.fromBytes(rs.getBytes(1)));
                    }
                }
            }
            return out;
        });
    }

    /** Notes ids seen on the remote (pulled) together with the positions that cover them. */
    public void pulled(String remote, RealmId realm, List<EventId> ids, Map<String, Position> positions) {
        tx(() -> {
            addKnown(remote, realm, ids);
            putPositions(remote, realm, positions);
            return null;
        });
    }

    private void addKnown(String remote, RealmId realm, List<EventId> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO lhsync_remote_known (remote, realm, id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (EventId id : ids) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                ps.setBytes(3, id.toBytes());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ---- outbox

    /**
     * Queues a segment of this device for a remote, in one transaction with the ids it carries
     * (known from now on) and this device's own stream position (its last segment).
     */
    public void enqueue(String remote, Segment segment, List<EventId> ids, String ownStream, long now) {
        tx(() -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lhsync_remote_outbox (remote, realm, seq, name, body, "
                + "queued_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, remote);
                ps.setBytes(2, segment.realm().toBytes());
                ps.setLong(3, segment.seq());
                ps.setString(4, segment.name().toString());
                ps.setBytes(5, segment.bytes());
                ps.setLong(6, now);
                ps.executeUpdate();
            }
            addKnown(remote, segment.realm(), ids);
            putPositions(remote, segment.realm(), Map.of(ownStream, new Position(segment.seq(), segment.hash())));
            return null;
        });
    }

    /** A queued segment. */
    public record Queued(RealmId realm, long seq, String name, byte[] body) {
    }

    /** Queued segments of a remote, oldest first, up to about {@code maxBytes} (at least one). */
    public List<Queued> outbox(String remote, long maxBytes) {
        return sql(() -> {
            List<Queued> out = new ArrayList<>();
            long bytes = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT realm, seq, name, body FROM lhsync_remote_outbox "
                + "WHERE remote = ? ORDER BY queued_at, realm, seq")) {
                ps.setString(1, remote);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] body = rs.getBytes(4);
                        if (!out.isEmpty() && bytes + body.length > maxBytes) {
                            break;
                        }
                        bytes += body.length;
                        out.add(new Queued(RealmId.fromBytes(rs.getBytes(1)), rs.getLong(2), rs.getString(3), body));
                    }
                }
            }
            return out;
        });
    }

    /** Segments waiting for a remote. */
    public int outboxSize(String remote) {
        return sql(() -> count("SELECT count(*) FROM lhsync_remote_outbox WHERE remote = ?", remote));
    }

    /** Removes segments the remote confirmed. */
    public void delivered(String remote, List<Queued> segments, long now) {
        tx(() -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM lhsync_remote_outbox WHERE remote = ? AND realm = ? "
                + "AND seq = ?")) {
                for (Queued q : segments) {
                    ps.setString(1, remote);
                    ps.setBytes(2, q.realm().toBytes());
                    ps.setLong(3, q.seq());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            status(remote);
            try (PreparedStatement ps = c.prepareStatement("UPDATE lhsync_remote_status SET last_push = ? WHERE remote = ?")) {
                ps.setLong(1, now);
                ps.setString(2, remote);
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---- parked

    /** Keeps events the node could not accept yet, to offer them again later. */
    public void park(String remote, RealmId realm, List<byte[]> events) {
        if (events.isEmpty()) {
            return;
        }
        tx(() -> {
            int have = count("SELECT count(*) FROM lhsync_remote_parked WHERE remote = ?", remote);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lhsync_remote_parked (remote, realm, id, sealed) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (byte[] e : events) {
                    if (have++ >= MAX_PARKED) {
                        break;
                    }
                    ps.setString(1, remote);
                    ps.setBytes(2, realm.toBytes());
                    ps.setBytes(3, EventId.of(e).toBytes());
                    ps.setBytes(4, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Takes every parked event of a realm (the caller parks again what is still not accepted). */
    public List<byte[]> unpark(String remote, RealmId realm) {
        return tx(() -> {
            List<byte[]> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sealed FROM lhsync_remote_parked WHERE remote = ? AND realm = ?")) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getBytes(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM lhsync_remote_parked WHERE remote = ? AND realm = ?")) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                ps.executeUpdate();
            }
            return out;
        });
    }

    /** Parked events of a remote. */
    public int parkedCount(String remote) {
        return sql(() -> count("SELECT count(*) FROM lhsync_remote_parked WHERE remote = ?", remote));
    }

    // ---- status

    /** A remote's sync status, for {@code status} and for backoff. */
    public record Status(String remote, Long lastPush, Long lastPull, String lastError, int failures, long nextAttempt) {
    }

    /** The status of a remote (a fresh one if none was recorded). */
    public Status status(String remote) {
        return sql(() -> {
            // Read first: a driver asks every second, and a read costs the disk nothing.
            for (int attempt = 0; attempt < 2; attempt++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT last_push, last_pull, last_error, failures, next_attempt "
                    + "FROM lhsync_remote_status WHERE remote = ?")) {
                    ps.setString(1, remote);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return status(remote, rs);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO lhsync_remote_status (remote) VALUES (?) ON CONFLICT DO NOTHING")) {
                    ps.setString(1, remote);
                    ps.executeUpdate();
                }
            }
            throw new SQLException("the status row of " + remote + " cannot be created");
        });
    }

    private static Status status(String remote, ResultSet rs) throws SQLException {
        long push = rs.getLong(1);
        Long lastPush = rs.wasNull() ? null : push;
        long pull = rs.getLong(2);
        Long lastPull = rs.wasNull() ? null : pull;
        return new Status(remote, lastPush, lastPull, rs.getString(3), rs.getInt(4), rs.getLong(5));
    }

    /** Records a completed round. */
    public void succeeded(String remote, long now, long nextAttempt) {
        sql(() -> {
            status(remote);
            try (PreparedStatement ps = c.prepareStatement("UPDATE lhsync_remote_status SET last_pull = ?, last_error = NULL, "
                + "failures = 0, next_attempt = ? WHERE remote = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, nextAttempt);
                ps.setString(3, remote);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Records a failed round and when to try again. */
    public void failed(String remote, String error, int failures, long nextAttempt) {
        sql(() -> {
            status(remote);
            try (PreparedStatement ps = c.prepareStatement("UPDATE lhsync_remote_status SET last_error = ?, failures = ?, "
                + "next_attempt = ? WHERE remote = ?")) {
                ps.setString(1, error);
                ps.setInt(2, failures);
                ps.setLong(3, nextAttempt);
                ps.setString(4, remote);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets everything about a remote (after {@code remote remove}). */
    public void forget(String remote) {
        tx(() -> {
            for (String t : List.of("positions", "known", "outbox", "parked", "status")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM lhsync_remote_" + t + " WHERE remote = ?")) {
                    ps.setString(1, remote);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The number of events known to be on a remote for a realm. */
    public int knownCount(String remote, RealmId realm) {
        return sql(() -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM lhsync_remote_known WHERE remote = ? AND realm = ?")) {
                ps.setString(1, remote);
                ps.setBytes(2, realm.toBytes());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private int count(String sql, String remote) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, remote);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The last error recorded for a remote, if any. */
    public Optional<String> lastError(String remote) {
        return Optional.ofNullable(status(remote).lastError());
    }

    @Override
    public void close() {
        synchronized (c) {
            try {
                c.close();
            } catch (SQLException e) {
                // nothing to keep
            }
        }
    }
}
