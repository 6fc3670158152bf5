package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A PostgreSQL hub: one table of sealed events keyed by event id (insert if absent), numbered per
 * realm without gaps, and LISTEN/NOTIFY so that connected devices hear of new events at once. The
 * database holds ciphertext and public headers only (realm, event id, the device that pushed it).
 *
 * <pre>
 *   lorehub_sync_realms (realm bytea PRIMARY KEY, last_seq bigint)   -- the per-realm counter
 *   lorehub_sync_events (id bytea PRIMARY KEY, realm bytea, seq bigint, writer bytea, sealed bytea,
 *                        pushed_at timestamptz, UNIQUE (realm, seq))
 * </pre>
 * A push numbers the realm's new events while it holds the realm's counter row locked, in the
 * same transaction, so readers never see a number that an earlier one later fills in: reading
 * "after my position" misses nothing, and a gap means a row was deleted.
 */
public final class PostgresRemote implements Remote, Remote.Notifying {
    /** The channel pushes notify on; the payload is {@code <realm hex>:<writer hex>}. */
    public static final String CHANNEL = "lorehub_sync";
    private static final List<String> SCHEMA = List.of(
        "CREATE TABLE IF NOT EXISTS lorehub_sync_realms (realm bytea PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS lorehub_sync_events (id bytea PRIMARY KEY, realm bytea NOT NULL, seq bigint NOT NULL, "
            + "writer bytea NOT NULL, sealed bytea NOT NULL, pushed_at timestamptz NOT NULL DEFAULT now(), UNIQUE (realm, seq))");
    private static final String INSERT = "WITH input AS (SELECT i.id, i.sealed, i.ord FROM unnest(?::bytea[], ?::bytea[]) "
        + "WITH ORDINALITY AS i(id, sealed, ord)), "
        + "fresh AS (SELECT DISTINCT ON (id) id, sealed, ord FROM input "
        + "WHERE NOT EXISTS (SELECT 1 FROM lorehub_sync_events e WHERE e.id = input.id) ORDER BY id, ord), "
        + "numbered AS (SELECT id, sealed, row_number() OVER (ORDER BY ord) AS n FROM fresh) "
        + "INSERT INTO lorehub_sync_events (id, realm, seq, writer, sealed) SELECT id, ?, ? + n, ?, sealed FROM numbered";

    private final String name;
    private final String url;
    private final Properties properties;
    private final DeviceId self;
    private final RemoteMetrics metrics = new RemoteMetrics();
    private Connection connection;
    private Connection listener;
    /** Each realm's last row number as {@link #changed} saw it: a page cut by size below it means more to read. */
    private final Map<RealmId, Long> lastSeen = new java.util.HashMap<>();

    /**
     * @param properties connection properties (user, password, ...); pgjdbc also reads ~/.pgpass
     */
    public PostgresRemote(String name, String url, Properties properties, DeviceId self) {
        this.name = name;
        this.url = url;
        this.properties = (Properties) properties.clone();
        // -1: always server-prepared statements with binary results; else bytea comes back hex-encoded (twice the bytes).
        this.properties.putIfAbsent("prepareThreshold", "-1");
        this.self = self;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return url.replaceAll("(?i)password=[^&]*", "password=***");
    }

    private Connection db() throws SQLException {
        if (connection != null && !connection.isClosed()) {
            return connection;
        }
        Connection c = DriverManager.getConnection(url, properties);
        try (Statement s = c.createStatement()) {
            // Two devices creating the tables at once must not trip over each other.
            s.execute("SELECT pg_advisory_lock(7465001)");
            try {
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            } finally {
                s.execute("SELECT pg_advisory_unlock(7465001)");
            }
        }
        metrics.request(0, 0);
        connection = c;
        return c;
    }

    private RemoteException failure(String what, SQLException e) {
        closeQuietly();
        String state = e.getSQLState() == null ? "" : " [" + e.getSQLState() + "]";
        String hint = e.getSQLState() != null && e.getSQLState().startsWith("28")
            ? " Check \"user\" and the password (\"passwordEnv\" names the environment variable holding it, or ~/.pgpass)." : "";
        return new RemoteException("Cannot " + what + " " + describe() + ": " + e.getMessage() + state + "." + hint, e);
    }

    @Override
    public Set<RealmId> changed(Set<RealmId> realms, Map<RealmId, Map<String, Position>> positions) {
        if (realms.isEmpty()) {
            return Set.of();
        }
        try {
            Connection c = db();
            Set<RealmId> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT realm, last_seq FROM lorehub_sync_realms WHERE realm = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("bytea", realms.stream().map(RealmId::toBytes).toArray(byte[][]::new)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        RealmId realm = RealmId.fromBytes(rs.getBytes(1));
                        lastSeen.put(realm, rs.getLong(2));
                        Position at = positions.getOrDefault(realm, Map.of()).getOrDefault("", Position.START);
                        if (rs.getLong(2) != at.seq()) {
                            out.add(realm);
                        }
                    }
                }
            }
            metrics.request(0, 0);
            return out;
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public Pull pull(RealmId realm, Map<String, Position> positions, DeviceId self, int maxEvents) {
        Position at = positions.getOrDefault("", Position.START);
        List<Unit> units = new ArrayList<>();
        List<RemoteIntegrityException> refused = new ArrayList<>();
        long reached = at.seq();
        int rows = 0;
        // The server adds up sizes, so a page stops at PAGE_BYTES however large the rows someone stored;
        // a row above the envelope limit is never sent at all.
        try (PreparedStatement ps = db().prepareStatement("SELECT seq, id, len, CASE WHEN writer = ? OR len > ? THEN NULL "
            + "ELSE sealed END FROM (SELECT seq, id, writer, sealed, octet_length(sealed) AS len, "
            + "sum(octet_length(sealed)) OVER (ORDER BY seq) AS total FROM lorehub_sync_events WHERE realm = ? AND seq > ? "
            + "ORDER BY seq LIMIT ?) page WHERE total - len < ? ORDER BY seq")) {
            ps.setBytes(1, self.toBytes());
            ps.setInt(2, SealedEnvelope.MAX_SEALED);
            ps.setBytes(3, realm.toBytes());
            ps.setLong(4, at.seq());
            ps.setInt(5, maxEvents);
            ps.setLong(6, PAGE_BYTES);
            long down = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long seq = rs.getLong(1);
                    byte[] id = rs.getBytes(2);
                    long len = rs.getLong(3);
                    byte[] sealed = rs.getBytes(4);
                    String place = "lorehub_sync_events row " + seq + " of realm " + realm;
                    if (seq != reached + 1) {
                        refused.add(new RemoteIntegrityException(Reason.MISSING, place, "row " + (reached + 1)
                            + " of the realm is missing before it"));
                        break;
                    }
                    if (len > SealedEnvelope.MAX_SEALED) {
                        refused.add(new RemoteIntegrityException(Reason.OVERSIZED, place, len + " bytes exceeds "
                            + SealedEnvelope.MAX_SEALED));
                        break;
                    }
                    if (sealed != null) {
                        down += sealed.length;
                        if (id == null || id.length != EventId.LENGTH
                            || !MessageDigest.isEqual(id, EventId.of(sealed).toBytes())) {
                            refused.add(new RemoteIntegrityException(Reason.CORRUPT, place,
                                "its bytes do not hash to the event id it is stored under"));
                            break;
                        }
                    }
                    // One unit per row, so that a refused row stops the realm exactly there.
                    units.add(new Unit("", new Position(seq, null), sealed == null ? List.of() : List.of(sealed), place));
                    reached = seq;
                }
            }
            metrics.request(0, down);
        } catch (SQLException e) {
            throw failure("read from", e);
        }
        return new Pull(units, refused, refused.isEmpty() && (rows >= maxEvents || rows > 0 && reached < lastSeen.getOrDefault(realm, 0L)));
    }

    @Override
    public Optional<Position> lastWritten(RealmId realm, DeviceId self) {
        return Optional.empty(); // rows are numbered by the hub, not by writers
    }

    @Override
    public void push(List<Segment> segments) {
        Map<RealmId, List<byte[]>> byRealm = new LinkedHashMap<>();
        for (Segment s : segments) {
            byRealm.computeIfAbsent(s.realm(), r -> new ArrayList<>()).addAll(s.events());
        }
        try {
            Connection c = db();
            c.setAutoCommit(false);
            try {
                for (Map.Entry<RealmId, List<byte[]>> e : byRealm.entrySet()) {
                    append(c, e.getKey(), e.getValue());
                }
                c.commit();
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("write to", e);
        }
    }

    private void append(Connection c, RealmId realm, List<byte[]> events) throws SQLException {
        byte[] r = realm.toBytes();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lorehub_sync_realms (realm) VALUES (?) ON CONFLICT DO NOTHING")) {
            ps.setBytes(1, r);
            ps.executeUpdate();
        }
        long last;
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM lorehub_sync_realms WHERE realm = ? FOR UPDATE")) {
            ps.setBytes(1, r);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
        }
        long up = 0;
        int inserted = 0;
        for (int from = 0; from < events.size(); from += 1000) {
            List<byte[]> chunk = events.subList(from, Math.min(events.size(), from + 1000));
            byte[][] ids = new byte[chunk.size()][];
            byte[][] bodies = new byte[chunk.size()][];
            for (int i = 0; i < chunk.size(); i++) {
                ids[i] = EventId.of(chunk.get(i)).toBytes();
                bodies[i] = chunk.get(i);
                up += chunk.get(i).length;
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                Array idArray = c.createArrayOf("bytea", ids);
                Array bodyArray = c.createArrayOf("bytea", bodies);
                ps.setArray(1, idArray);
                ps.setArray(2, bodyArray);
                ps.setBytes(3, r);
                ps.setLong(4, last + inserted);
                ps.setBytes(5, self.toBytes());
                inserted += ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE lorehub_sync_realms SET last_seq = ? WHERE realm = ?")) {
            ps.setLong(1, last + inserted);
            ps.setBytes(2, r);
            ps.executeUpdate();
        }
        if (inserted > 0) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, CHANNEL);
                ps.setString(2, realm + ":" + RemoteSync.stream(self));
                ps.execute();
            }
        }
        metrics.request(up, 0);
    }

    @Override
    public Set<RealmId> awaitChange(long timeoutMillis) {
        try {
            if (listener == null || listener.isClosed()) {
                listener = DriverManager.getConnection(url, properties);
                try (Statement s = listener.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
            }
            PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications((int) Math.max(1, timeoutMillis));
            Set<RealmId> out = new HashSet<>();
            String mine = ":" + RemoteSync.stream(self);
            if (got != null) {
                for (PGNotification n : got) {
                    String p = n.getParameter();
                    if (p != null && !p.endsWith(mine) && p.indexOf(':') == 2 * RealmId.LENGTH) {
                        try {
                            out.add(RealmId.parse(p.substring(0, 2 * RealmId.LENGTH)));
                        } catch (IllegalArgumentException e) {
                            // not ours: ignored
                        }
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            try {
                if (listener != null) {
                    listener.close();
                }
            } catch (SQLException ignored) {
                // reopened next time
            }
            listener = null;
            throw new RemoteException("Cannot listen for changes on " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RemoteMetrics metrics() {
        return metrics;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // reconnect next time
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (SQLException e) {
            // closing anyway
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
