package dev.lorehub.node.e2e;

import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a node's {@code lorehub.db} directly (read-only JDBC, beside the running daemon: WAL lets
 * readers and its writer work side by side). Cheaper than starting a CLI JVM for each poll, and it
 * sees the tables themselves: {@code lores} as lh sees them, and the node's {@code lhsync_*} tables.
 */
final class LoreDbProbe {
    private final Path file;

    LoreDbProbe(Path file) {
        this.file = file;
    }

    /** Lore id → content of the realm whose directory is {@code project} (empty if there is none). */
    Map<String, String> lores(Path project) {
        return query(c -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement s = c.prepareStatement(
                "SELECT l.id, l.content FROM lores l JOIN realms r ON r.id = l.realm_id WHERE r.path = ?")) {
                s.setString(1, project.toAbsolutePath().normalize().toString());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    /** A lore's content, if this node has the lore. */
    Optional<String> content(String lore) {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT content FROM lores WHERE id = ?")) {
                s.setString(1, lore);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Whether this node has heard of a synced realm. */
    boolean knowsRealm(String realm) {
        return count("SELECT count(*) FROM lhsync_realms WHERE realm = ?", HexFormat.of().parseHex(realm)) > 0;
    }

    /** Events this node holds for a realm, readable or not. */
    long events(String realm) {
        return count("SELECT count(*) FROM lhsync_events WHERE realm = ?", HexFormat.of().parseHex(realm));
    }

    /** Every event this node holds. */
    long allEvents() {
        return count("SELECT count(*) FROM lhsync_events");
    }

    /** Events of a realm this node holds only as ciphertext (it has no key for them). */
    long opaqueEvents(String realm) {
        return count("SELECT count(*) FROM lhsync_events WHERE realm = ? AND kind IS NULL", HexFormat.of().parseHex(realm));
    }

    /** Events about {@code entity} this node could decrypt. */
    long readableEventsAbout(String entity) {
        return count("SELECT count(*) FROM lhsync_events WHERE entity = ? AND kind IS NOT NULL", entity);
    }

    /** Recorded conflicts about {@code entity}. */
    long conflictsAbout(String entity) {
        return count("SELECT count(*) FROM lhsync_conflicts WHERE entity = ?", entity);
    }

    /** Display names of the devices this node has paired with. */
    java.util.Set<String> peerNames() {
        return query(c -> {
            java.util.Set<String> out = new java.util.TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT display_name FROM lhsync_peers");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private long count(String sql, Object... args) {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T query(Query<T> q) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file)) {
            return q.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
