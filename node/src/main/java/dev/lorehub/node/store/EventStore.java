package dev.lorehub.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes the node's tables ({@link SyncTables}) on the node's connection. Callers run
 * writes inside {@link LoreHubDatabase} transactions, so that recording events, materialising
 * them and recording conflicts commit together. Statements are prepared once and reused.
 * Not thread-safe (neither is the connection).
 */
public final class EventStore {
    private final PreparedStatements statements;

    public EventStore(Connection connection) {
        this.statements = new PreparedStatements(connection);
    }

    private PreparedStatement sql(String sql) throws SQLException {
        return statements.get(sql);
    }

    // ---- events

    /** Inserts an event; returns false (and changes nothing) if its id is already stored. */
    public boolean insert(StoredEvent e, long receivedAtMillis) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_events (id, realm, hlc, author, kind, entity, sealed, received_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
        ps.setBytes(1, e.id());
        ps.setBytes(2, e.realm());
        ps.setLong(3, e.hlc());
        ps.setBytes(4, e.author());
        if (e.kind() == null) {
            ps.setNull(5, Types.INTEGER);
        } else {
            ps.setInt(5, e.kind());
        }
        ps.setString(6, e.entity());
        ps.setBytes(7, e.sealed());
        ps.setLong(8, receivedAtMillis);
        return ps.executeUpdate() == 1;
    }

    public boolean contains(byte[] id) throws SQLException {
        PreparedStatement ps = sql("SELECT 1 FROM lhsync_events WHERE id = ?");
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** The sealed bytes of an event. */
    public Optional<byte[]> sealed(byte[] id) throws SQLException {
        PreparedStatement ps = sql("SELECT sealed FROM lhsync_events WHERE id = ?");
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    /** The sealed bytes of an event if it is stored in {@code realm} (empty for another realm's event). */
    public Optional<byte[]> sealed(byte[] realm, byte[] id) throws SQLException {
        PreparedStatement ps = sql("SELECT sealed FROM lhsync_events WHERE id = ? AND realm = ?");
        ps.setBytes(1, id);
        ps.setBytes(2, realm);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    public Optional<StoredEvent> get(byte[] id) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE id = ?");
        ps.setBytes(1, id);
        List<StoredEvent> found = read(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Every readable event of one entity (any realm it has lived in). */
    public List<StoredEvent> eventsOf(int kind, String entity) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE kind = ? AND entity = ?");
        ps.setInt(1, kind);
        ps.setString(2, entity);
        return read(ps);
    }

    /** The realms that hold readable events of this entity (an index scan; no bodies read). */
    public List<byte[]> realmsOf(int kind, String entity) throws SQLException {
        PreparedStatement ps = sql("SELECT DISTINCT realm FROM lhsync_events WHERE kind = ? AND entity = ?");
        ps.setInt(1, kind);
        ps.setString(2, entity);
        List<byte[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getBytes(1));
            }
        }
        return out;
    }

    /** Lores of a local realm that have no event yet (to adopt into a synced realm), at most {@code limit}. */
    public List<String> unadoptedLores(String localRealmId, int limit) throws SQLException {
        PreparedStatement ps = sql("SELECT l.id FROM lores l WHERE l.realm_id = ? AND NOT EXISTS "
            + "(SELECT 1 FROM lhsync_events e WHERE e.kind = 2 AND e.entity = l.id) ORDER BY l.id LIMIT ?");
        ps.setString(1, localRealmId);
        ps.setInt(2, limit);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Relations starting in a local realm that have no event yet, as (from, to, type), at most {@code limit}. */
    public List<String[]> unadoptedRelations(String localRealmId, int limit) throws SQLException {
        PreparedStatement ps = sql("SELECT r.from_lore_id, r.to_lore_id, r.type FROM lore_relations r "
            + "JOIN lores l ON l.id = r.from_lore_id WHERE l.realm_id = ? AND NOT EXISTS (SELECT 1 FROM lhsync_events e "
            + "WHERE e.kind = 3 AND e.entity = r.from_lore_id || char(10) || r.to_lore_id || char(10) || r.type) "
            + "ORDER BY 1, 2, 3 LIMIT ?");
        ps.setString(1, localRealmId);
        ps.setInt(2, limit);
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        return out;
    }

    /** Kind and entity of every entity with recorded conflicts. */
    public List<String[]> conflictedEntities() throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT DISTINCT kind, entity FROM lhsync_conflicts").executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {Integer.toString(rs.getInt(1)), rs.getString(2)});
            }
        }
        return out;
    }

    /** True if any event of this entity is stored (cheap: an index probe). */
    public boolean hasEventsOf(int kind, String entity) throws SQLException {
        PreparedStatement ps = sql("SELECT 1 FROM lhsync_events WHERE kind = ? AND entity = ? LIMIT 1");
        ps.setInt(1, kind);
        ps.setString(2, entity);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** Every readable event of a kind in a realm (membership events, for instance). */
    public List<StoredEvent> eventsOfKind(byte[] realm, int kind) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE kind = ? AND realm = ?");
        ps.setInt(1, kind);
        ps.setBytes(2, realm);
        return read(ps);
    }

    /** Events of a realm this device could not decrypt when they arrived. */
    public List<StoredEvent> opaqueEvents(byte[] realm) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE realm = ? AND kind IS NULL");
        ps.setBytes(1, realm);
        return read(ps);
    }

    /** Records that an event which arrived opaque can now be read. */
    public void reveal(byte[] id, int kind, String entity) throws SQLException {
        PreparedStatement ps = sql("UPDATE lhsync_events SET kind = ?, entity = ? WHERE id = ?");
        ps.setInt(1, kind);
        ps.setString(2, entity);
        ps.setBytes(3, id);
        ps.executeUpdate();
    }

    /** Visits (hlc, id) of every event of a realm. */
    public void forEachKey(byte[] realm, KeyVisitor visitor) throws SQLException {
        PreparedStatement ps = sql("SELECT hlc, id FROM lhsync_events WHERE realm = ?");
        ps.setBytes(1, realm);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                visitor.visit(rs.getLong(1), rs.getBytes(2));
            }
        }
    }

    /** Visits the authorship of every readable entity event of a realm (not membership events). */
    public void forEachAuthorship(byte[] realm, int membershipKind, AuthorshipVisitor visitor) throws SQLException {
        PreparedStatement ps = sql("SELECT kind, entity, author, hlc, id FROM lhsync_events "
            + "WHERE realm = ? AND kind IS NOT NULL AND kind <> ?");
        ps.setBytes(1, realm);
        ps.setInt(2, membershipKind);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                visitor.visit(rs.getInt(1), rs.getString(2), rs.getBytes(3), rs.getLong(4), rs.getBytes(5));
            }
        }
    }

    /** Receives who wrote one event. */
    @FunctionalInterface
    public interface AuthorshipVisitor {
        void visit(int kind, String entity, byte[] author, long hlc, byte[] id) throws SQLException;
    }

    /** Receives one event key. */
    @FunctionalInterface
    public interface KeyVisitor {
        void visit(long hlc, byte[] id);
    }

    /** The events of a realm in (HLC, id) order, starting after a position, at most {@code limit}. */
    public List<StoredEvent> page(byte[] realm, long afterHlc, int limit) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE realm = ? AND hlc > ? ORDER BY hlc, id LIMIT ?");
        ps.setBytes(1, realm);
        ps.setLong(2, afterHlc);
        ps.setInt(3, limit);
        return read(ps);
    }

    /** The newest events of all realms, newest first (the audit trail). */
    public List<StoredEvent> newest(int limit) throws SQLException {
        PreparedStatement ps = sql(SELECT + " ORDER BY hlc DESC, id DESC LIMIT ?");
        ps.setInt(1, limit);
        return read(ps);
    }

    public long count(byte[] realm) throws SQLException {
        PreparedStatement ps = sql("SELECT count(*) FROM lhsync_events WHERE realm = ?");
        ps.setBytes(1, realm);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The largest HLC among a realm's events (0 when none). */
    public long maxHlc(byte[] realm) throws SQLException {
        PreparedStatement ps = sql("SELECT coalesce(max(hlc), 0) FROM lhsync_events WHERE realm = ?");
        ps.setBytes(1, realm);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The largest HLC in the log (0 when empty): the clock starts above it after a restart. */
    public long maxHlc() throws SQLException {
        try (ResultSet rs = sql("SELECT coalesce(max(hlc), 0) FROM lhsync_events").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static final String SELECT = "SELECT id, realm, hlc, author, kind, entity, sealed FROM lhsync_events";

    private static List<StoredEvent> read(PreparedStatement ps) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int kind = rs.getInt(5);
                Integer k = rs.wasNull() ? null : kind;
                out.add(new StoredEvent(rs.getBytes(1), rs.getBytes(2), rs.getLong(3), rs.getBytes(4), k, rs.getString(6),
                    rs.getBytes(7)));
            }
        }
        return out;
    }

    // ---- relation ends

    /** Remembers that a relation entity touches a lore (idempotent). */
    public void indexRelationEnd(String lore, String relation) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_relation_ends (lore, relation) VALUES (?, ?) ON CONFLICT DO NOTHING");
        ps.setString(1, lore);
        ps.setString(2, relation);
        ps.executeUpdate();
    }

    /** Relation entities that start or end at a lore. */
    public List<String> relationsTouching(String lore) throws SQLException {
        PreparedStatement ps = sql("SELECT relation FROM lhsync_relation_ends WHERE lore = ? ORDER BY relation");
        ps.setString(1, lore);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    // ---- conflicts

    /** A stored conflict row; {@code versionsJson} lists every version. */
    public record ConflictRow(byte[] realm, int kind, String entity, int field, String type, String winner,
                              String versionsJson) {
    }

    /** Replaces the conflicts recorded for one entity of one realm. */
    public void replaceConflicts(byte[] realm, int kind, String entity, List<ConflictRow> rows) throws SQLException {
        PreparedStatement del = sql("DELETE FROM lhsync_conflicts WHERE realm = ? AND kind = ? AND entity = ?");
        del.setBytes(1, realm);
        del.setInt(2, kind);
        del.setString(3, entity);
        del.executeUpdate();
        PreparedStatement ins = sql("INSERT OR REPLACE INTO lhsync_conflicts (realm, kind, entity, field, type, winner, versions) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (ConflictRow r : rows) {
            ins.setBytes(1, r.realm());
            ins.setInt(2, r.kind());
            ins.setString(3, r.entity());
            ins.setInt(4, r.field());
            ins.setString(5, r.type());
            ins.setString(6, r.winner());
            ins.setString(7, r.versionsJson());
            ins.executeUpdate();
        }
    }

    /** All recorded conflicts, ordered by realm, kind, entity. */
    public List<ConflictRow> conflicts() throws SQLException {
        List<ConflictRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT realm, kind, entity, field, type, winner, versions FROM lhsync_conflicts "
            + "ORDER BY realm, kind, entity, field, type").executeQuery()) {
            while (rs.next()) {
                out.add(new ConflictRow(rs.getBytes(1), rs.getInt(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                    rs.getString(6), rs.getString(7)));
            }
        }
        return out;
    }

    // ---- realms

    /** A synced realm known to this device. */
    public record RealmRow(byte[] realm, byte[] founder, String localRealmId, String nameHint) {
    }

    /** Adds a synced realm, or leaves an existing row alone. */
    public void addRealm(byte[] realm, byte[] founder, String nameHint, long nowMillis) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_realms (realm, founder, name_hint, added_at) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (realm) DO NOTHING");
        ps.setBytes(1, realm);
        ps.setBytes(2, founder);
        ps.setString(3, nameHint);
        ps.setLong(4, nowMillis);
        ps.executeUpdate();
    }

    /** Maps a synced realm to a local {@code realms} row (null unmaps). */
    public void mapRealm(byte[] realm, String localRealmId) throws SQLException {
        PreparedStatement ps = sql("UPDATE lhsync_realms SET local_realm_id = ? WHERE realm = ?");
        ps.setString(1, localRealmId);
        ps.setBytes(2, realm);
        ps.executeUpdate();
    }

    public void removeRealm(byte[] realm) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lhsync_realms WHERE realm = ?");
        ps.setBytes(1, realm);
        ps.executeUpdate();
    }

    public List<RealmRow> realms() throws SQLException {
        List<RealmRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT realm, founder, local_realm_id, name_hint FROM lhsync_realms ORDER BY realm")
            .executeQuery()) {
            while (rs.next()) {
                out.add(new RealmRow(rs.getBytes(1), rs.getBytes(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    // ---- peers

    /** A paired device. */
    public record PeerRow(byte[] device, byte[] keys, String displayName, long pairedAt, String lastAddress,
                          Long lastSyncAt) {
    }

    public void putPeer(byte[] device, byte[] keys, String displayName, long pairedAt) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_peers (device, keys, display_name, paired_at) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (device) DO UPDATE SET keys = excluded.keys, display_name = excluded.display_name");
        ps.setBytes(1, device);
        ps.setBytes(2, keys);
        ps.setString(3, displayName);
        ps.setLong(4, pairedAt);
        ps.executeUpdate();
    }

    public void removePeer(byte[] device) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lhsync_peers WHERE device = ?");
        ps.setBytes(1, device);
        ps.executeUpdate();
    }

    public void touchPeer(byte[] device, String address, Long lastSyncAt) throws SQLException {
        PreparedStatement ps = sql("UPDATE lhsync_peers SET last_address = coalesce(?, last_address), "
            + "last_sync_at = coalesce(?, last_sync_at) WHERE device = ?");
        ps.setString(1, address);
        if (lastSyncAt == null) {
            ps.setNull(2, Types.INTEGER);
        } else {
            ps.setLong(2, lastSyncAt);
        }
        ps.setBytes(3, device);
        ps.executeUpdate();
    }

    public List<PeerRow> peers() throws SQLException {
        List<PeerRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT device, keys, display_name, paired_at, last_address, last_sync_at FROM lhsync_peers "
            + "ORDER BY display_name, device").executeQuery()) {
            while (rs.next()) {
                long last = rs.getLong(6);
                Long lastSync = rs.wasNull() ? null : last;
                out.add(new PeerRow(rs.getBytes(1), rs.getBytes(2), rs.getString(3), rs.getLong(4), rs.getString(5), lastSync));
            }
        }
        return out;
    }

    // ---- meta

    public Optional<String> meta(String key) throws SQLException {
        PreparedStatement ps = sql("SELECT value FROM lhsync_meta WHERE key = ?");
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    public void putMeta(String key, String value) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_meta (key, value) VALUES (?, ?) "
            + "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        ps.setString(1, key);
        ps.setString(2, value);
        ps.executeUpdate();
    }
}
