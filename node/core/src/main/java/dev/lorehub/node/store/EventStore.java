package dev.lorehub.node.store;


import dev.lorehub.node.core.StoredEvent;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.EventLog;
import dev.lorehub.node.core.LogRows.ChainLink;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.LogRows.ConflictRow;
import dev.lorehub.node.core.RelationKey;
import dev.lorehub.node.core.LogRows.ForkRow;
import dev.lorehub.node.core.LogRows.HeldCount;
import dev.lorehub.node.core.LogRows.HeldEvent;
import dev.lorehub.node.core.LogRows.LegacyRow;
import dev.lorehub.node.core.LogRows.MassDeleteRow;
import dev.lorehub.node.core.LogRows.PeerRow;
import dev.lorehub.node.core.LogRows.PeerStatusRow;
import dev.lorehub.node.core.LogRows.RefusalRow;
import dev.lorehub.node.core.LogRows.SyncedRealmRow;
import dev.lorehub.node.core.LogRows.UnsyncedRow;
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

    /** An event id's bytes for a nullable column: here, where a statement binds it, and nowhere else. */
    private static byte[] bytes(EventId id) {
        return id == null ? null : id.toBytes();
    }

    /** A nullable event id column as read. */
    private static EventId eventId(byte[] bytes) {
        return bytes == null ? null : EventId.fromBytes(bytes);
    }

    // ---- events

    /** Inserts an event; returns false (and changes nothing) if its id is already stored. */
    public boolean insert(StoredEvent e, long receivedAtMillis) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_events (id, realm, hlc, author, kind, entity, sealed, received_at, "
            + "author_seq, prev, auth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING");
        ps.setBytes(1, e.id().toBytes());
        ps.setBytes(2, e.realm().toBytes());
        ps.setLong(3, e.hlc());
        ps.setBytes(4, e.author().toBytes());
        if (e.kind() == null) {
            ps.setNull(5, Types.INTEGER); // opaque: its kind is not known here
        } else {
            ps.setInt(5, e.kind().code());
        }
        ps.setString(6, e.entity());
        ps.setBytes(7, e.sealed());
        ps.setLong(8, receivedAtMillis);
        if (e.seq() == null) {
            ps.setNull(9, Types.INTEGER);
        } else {
            ps.setLong(9, e.seq());
        }
        ps.setBytes(10, bytes(e.prev()));
        ps.setBytes(11, e.auth());
        return ps.executeUpdate() == 1;
    }

    /** The newest event of {@code author}'s chain in a realm as (seq, id), if it wrote any (the tip it extends). */
    public Optional<ChainLink> chainTip(byte[] realm, byte[] author) throws SQLException {
        PreparedStatement ps = sql("SELECT id, author_seq, prev FROM lhsync_events WHERE realm = ? AND author = ? "
            + "AND author_seq IS NOT NULL ORDER BY author_seq DESC LIMIT 1");
        ps.setBytes(1, realm);
        ps.setBytes(2, author);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(chainLink(rs)) : Optional.empty();
        }
    }

    /** Every readable event of {@code author} in a realm as a chain link (id, seq, prev), any order. */
    public List<ChainLink> chain(byte[] realm, byte[] author) throws SQLException {
        PreparedStatement ps = sql("SELECT id, author_seq, prev FROM lhsync_events WHERE realm = ? AND author = ? "
            + "AND author_seq IS NOT NULL");
        ps.setBytes(1, realm);
        ps.setBytes(2, author);
        List<ChainLink> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(chainLink(rs));
            }
        }
        return out;
    }

    /** A row of (id, author_seq, prev) as a chain link. */
    private static ChainLink chainLink(ResultSet rs) throws SQLException {
        return new ChainLink(EventId.fromBytes(rs.getBytes(1)), rs.getLong(2), eventId(rs.getBytes(3)));
    }

    /** {@link #whereIs}: the event is in the log. */
    public static final int STORED = 1;
    /** {@link #whereIs}: the event is held (received, not applied yet). */
    public static final int HELD = 2;

    /**
     * Where an event is, in one statement: {@link #STORED} and {@link #HELD} or'ed (0: neither). Every
     * event a peer offers or sends is asked this, the offer whether it is stored and the ingest whether it
     * is stored or held; one statement answers both, and the answer is kept for the other.
     */
    public int whereIs(EventId id) throws SQLException {
        PreparedStatement ps = sql("SELECT EXISTS (SELECT 1 FROM lhsync_events WHERE id = ?1), "
            + "EXISTS (SELECT 1 FROM lhsync_held WHERE id = ?1)");
        ps.setBytes(1, id.toBytes());
        try (ResultSet rs = ps.executeQuery()) {
            return !rs.next() ? 0 : (rs.getBoolean(1) ? STORED : 0) | (rs.getBoolean(2) ? HELD : 0);
        }
    }

    /** The sealed bytes of an event. */
    public Optional<byte[]> sealed(EventId id) throws SQLException {
        PreparedStatement ps = sql("SELECT sealed FROM lhsync_events WHERE id = ?");
        ps.setBytes(1, id.toBytes());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    /** The sealed bytes of an event if it is stored in {@code realm} (empty for another realm's event). */
    public Optional<byte[]> sealed(byte[] realm, EventId id) throws SQLException {
        PreparedStatement ps = sql("SELECT sealed FROM lhsync_events WHERE id = ? AND realm = ?");
        ps.setBytes(1, id.toBytes());
        ps.setBytes(2, realm);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    public Optional<StoredEvent> get(EventId id) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE id = ?");
        ps.setBytes(1, id.toBytes());
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
            + "(SELECT 1 FROM lhsync_events e WHERE e.kind = 2 AND e.entity = l.id) ORDER BY l.id" + SqlLimit.PARAMETER);
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

    /** Relations starting in a local realm that have no event yet, at most {@code limit}, in key order. */
    public List<RelationKey> unadoptedRelations(String localRealmId, int limit) throws SQLException {
        PreparedStatement ps = sql("SELECT r.from_lore_id, r.to_lore_id, r.type FROM lore_relations r "
            + "JOIN lores l ON l.id = r.from_lore_id WHERE l.realm_id = ? AND NOT EXISTS (SELECT 1 FROM lhsync_events e "
            + "WHERE e.kind = 3 AND e.entity = r.from_lore_id || char(10) || r.to_lore_id || char(10) || r.type) "
            + "ORDER BY 1, 2, 3" + SqlLimit.PARAMETER);
        ps.setString(1, localRealmId);
        ps.setInt(2, limit);
        List<RelationKey> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new RelationKey(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    /** Kind and entity of every entity with recorded conflicts. */
    public List<LogRows.EntityRef> conflictedEntities() throws SQLException {
        List<LogRows.EntityRef> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT DISTINCT kind, entity FROM lhsync_conflicts").executeQuery()) {
            while (rs.next()) {
                out.add(new LogRows.EntityRef(EntityKind.ofCode(rs.getInt(1)), rs.getString(2)));
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

    /**
     * Every readable event of a kind in a realm (membership events, for instance). Meant for the
     * kinds a realm has few events of (membership, the realm's own), so it goes through the kind
     * index: the unary {@code +} keeps SQLite from choosing the realm index instead, which visited
     * every event of the realm (the sync session asks for the membership ids at every reconciliation).
     */
    public List<StoredEvent> eventsOfKind(byte[] realm, int kind) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE kind = ? AND +realm = ?");
        ps.setInt(1, kind);
        ps.setBytes(2, realm);
        return read(ps);
    }

    /**
     * (HLC, id) of {@link #eventsOfKind}, found the same way, without the events' bytes: the sync session
     * asks for the membership ids at every reconciliation, and copying every sealed membership event out
     * only to take its id was 1% of the simulator's time.
     */
    public List<LogRows.EventKey> keysOfKind(byte[] realm, int kind) throws SQLException {
        PreparedStatement ps = sql("SELECT hlc, id FROM lhsync_events WHERE kind = ? AND +realm = ?");
        ps.setInt(1, kind);
        ps.setBytes(2, realm);
        List<LogRows.EventKey> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new LogRows.EventKey(rs.getLong(1), EventId.fromBytes(rs.getBytes(2))));
            }
        }
        return out;
    }

    /** Events of a realm this device could not decrypt when they arrived. */
    public List<StoredEvent> opaqueEvents(byte[] realm) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE realm = ? AND kind IS NULL");
        ps.setBytes(1, realm);
        return read(ps);
    }

    /** Records that an event which arrived opaque can now be read, with its causal position. */
    public void reveal(EventId id, EntityKind kind, String entity, Long seq, EventId prev, byte[] auth) throws SQLException {
        PreparedStatement ps = sql("UPDATE lhsync_events SET kind = ?, entity = ?, author_seq = ?, prev = ?, auth = ? WHERE id = ?");
        ps.setInt(1, kind.code());
        ps.setString(2, entity);
        if (seq == null) {
            ps.setNull(3, Types.INTEGER); // the previous release's format: no chain position
        } else {
            ps.setLong(3, seq);
        }
        ps.setBytes(4, bytes(prev));
        ps.setBytes(5, auth);
        ps.setBytes(6, id.toBytes());
        ps.executeUpdate();
    }

    /** Visits (hlc, id) of every event of a realm. */
    public void forEachKey(byte[] realm, KeyVisitor visitor) throws SQLException {
        PreparedStatement ps = sql("SELECT hlc, id FROM lhsync_events WHERE realm = ?");
        ps.setBytes(1, realm);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                visitor.visit(rs.getLong(1), EventId.fromBytes(rs.getBytes(2)));
            }
        }
    }

    /** Visits the authorship of every readable entity event of a realm (not membership events). */
    public void forEachAuthorship(byte[] realm, int membershipKind, AuthorshipVisitor visitor) throws SQLException {
        PreparedStatement ps = sql("SELECT kind, entity, author, hlc, id, author_seq, auth FROM lhsync_events "
            + "WHERE realm = ? AND kind IS NOT NULL AND kind <> ?");
        ps.setBytes(1, realm);
        ps.setInt(2, membershipKind);
        visitAuthorships(ps, visitor);
    }

    /** Runs an authorship query (kind, entity, author, hlc, id, author_seq, auth) and visits its rows. */
    private static void visitAuthorships(PreparedStatement ps, AuthorshipVisitor visitor) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                visitor.visit(rs.getInt(1), rs.getString(2), rs.getBytes(3), rs.getLong(4), EventId.fromBytes(rs.getBytes(5)),
                    rs.getLong(6), rs.getBytes(7));
            }
        }
    }

    /** As {@link #forEachAuthorship}, for one author's events only (through the chain index). */
    public void forEachAuthorshipBy(byte[] realm, byte[] author, int membershipKind, AuthorshipVisitor visitor)
        throws SQLException {
        PreparedStatement ps = sql("SELECT kind, entity, author, hlc, id, author_seq, auth FROM lhsync_events "
            + "WHERE realm = ? AND author = ? AND kind IS NOT NULL AND kind <> ?");
        ps.setBytes(1, realm);
        ps.setBytes(2, author);
        ps.setInt(3, membershipKind);
        visitAuthorships(ps, visitor);
    }

    /** Receives who wrote one event, and what it cites. */
    @FunctionalInterface
    public interface AuthorshipVisitor {
        void visit(int kind, String entity, byte[] author, long hlc, EventId id, long seq, byte[] auth) throws SQLException;
    }

    /** Receives one event key. */
    @FunctionalInterface
    public interface KeyVisitor {
        void visit(long hlc, EventId id);
    }

    /** The events of a realm in (HLC, id) order, starting after a position, at most {@code limit}. */
    public List<StoredEvent> page(byte[] realm, long afterHlc, int limit) throws SQLException {
        PreparedStatement ps = sql(SELECT + " WHERE realm = ? AND hlc > ? ORDER BY hlc, id" + SqlLimit.PARAMETER);
        ps.setBytes(1, realm);
        ps.setLong(2, afterHlc);
        ps.setInt(3, limit);
        return read(ps);
    }

    /** The newest events of all realms, newest first (the audit trail). */
    public List<StoredEvent> newest(int limit) throws SQLException {
        PreparedStatement ps = sql(SELECT + " ORDER BY hlc DESC, id DESC" + SqlLimit.PARAMETER);
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

    private static final String SELECT = "SELECT id, realm, hlc, author, kind, entity, sealed, author_seq, prev, auth FROM lhsync_events";

    private static List<StoredEvent> read(PreparedStatement ps) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int kind = rs.getInt(5);
                EntityKind k = rs.wasNull() ? null : EntityKind.ofCode(kind); // NULL: opaque
                long seq = rs.getLong(8);
                Long s = rs.wasNull() ? null : seq;
                out.add(new StoredEvent(EventId.fromBytes(rs.getBytes(1)), RealmId.fromBytes(rs.getBytes(2)), rs.getLong(3),
                    DeviceId.fromBytes(rs.getBytes(4)), k, rs.getString(6), rs.getBytes(7), s, eventId(rs.getBytes(9)),
                    rs.getBytes(10)));
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
            ins.setBytes(1, r.realm().toBytes());
            ins.setInt(2, r.kind().code());
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
                out.add(new ConflictRow(RealmId.fromBytes(rs.getBytes(1)), EntityKind.ofCode(rs.getInt(2)), rs.getString(3), rs.getInt(4), rs.getString(5),
                    rs.getString(6), rs.getString(7)));
            }
        }
        return out;
    }

    // ---- realms


    /** Adds a synced realm, or leaves an existing row alone. */
    public void addRealm(byte[] realm, byte[] founder, String nameHint, long nowMillis) throws SQLException {
        addRealm(realm, founder, nameHint, nowMillis, true, null);
    }

    /** Adds a synced realm (joined, or an invitation from {@code inviter}), or leaves an existing row alone. */
    public void addRealm(byte[] realm, byte[] founder, String nameHint, long nowMillis, boolean joined, byte[] inviter)
        throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_realms (realm, founder, name_hint, added_at, joined, inviter) "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (realm) DO NOTHING");
        ps.setBytes(1, realm);
        ps.setBytes(2, founder);
        ps.setString(3, nameHint);
        ps.setLong(4, nowMillis);
        ps.setInt(5, joined ? 1 : 0);
        ps.setBytes(6, inviter);
        ps.executeUpdate();
    }

    /** Marks a realm joined (the user consented to sync all of it here). */
    public void markJoined(byte[] realm) throws SQLException {
        PreparedStatement ps = sql("UPDATE lhsync_realms SET joined = 1 WHERE realm = ?");
        ps.setBytes(1, realm);
        ps.executeUpdate();
    }

    /** The greatest HLC among a realm's events held for {@code reason}, if any. */
    public Optional<Long> maxHeldHlc(byte[] realm, String reason) throws SQLException {
        PreparedStatement ps = sql("SELECT max(hlc) FROM lhsync_held WHERE realm = ? AND reason = ?");
        ps.setBytes(1, realm);
        ps.setString(2, reason);
        try (ResultSet rs = ps.executeQuery()) {
            long v = rs.next() ? rs.getLong(1) : 0;
            return rs.wasNull() ? Optional.empty() : Optional.of(v);
        }
    }

    /** When an event of the realm last arrived here (stored or held), or 0 when none did. */
    public long lastReceivedAt(byte[] realm) throws SQLException {
        long latest = 0;
        for (String table : new String[] {"lhsync_events", "lhsync_held"}) {
            PreparedStatement ps = sql("SELECT MAX(received_at) FROM " + table + " WHERE realm = ?");
            ps.setBytes(1, realm);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    latest = Math.max(latest, rs.getLong(1));
                }
            }
        }
        return latest;
    }

    /** Forgets a realm and every event, held event and conflict of it (an invitation that came to nothing). */
    public void forgetRealm(byte[] realm) throws SQLException {
        for (String table : new String[] {"lhsync_events", "lhsync_held", "lhsync_conflicts", "lhsync_realms"}) {
            PreparedStatement ps = sql("DELETE FROM " + table + " WHERE realm = ?");
            ps.setBytes(1, realm);
            ps.executeUpdate();
        }
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

    public List<SyncedRealmRow> realms() throws SQLException {
        List<SyncedRealmRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT realm, founder, local_realm_id, name_hint, joined, inviter, added_at FROM lhsync_realms "
            + "ORDER BY realm").executeQuery()) {
            while (rs.next()) {
                byte[] inviter = rs.getBytes(6);
                out.add(new SyncedRealmRow(RealmId.fromBytes(rs.getBytes(1)), DeviceId.fromBytes(rs.getBytes(2)), rs.getString(3),
                    rs.getString(4), rs.getInt(5) != 0, inviter == null ? null : DeviceId.fromBytes(inviter), rs.getLong(7)));
            }
        }
        return out;
    }

    // ---- peers


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
                out.add(new PeerRow(DeviceId.fromBytes(rs.getBytes(1)), rs.getBytes(2), rs.getString(3), rs.getLong(4), rs.getString(5), lastSync));
            }
        }
        return out;
    }

    // ---- held events (quarantine)

    /** Holds an event (replacing an earlier hold of the same id). */
    public void hold(HeldEvent e) throws SQLException {
        PreparedStatement ps = sql("INSERT OR REPLACE INTO lhsync_held (id, realm, hlc, author, reason, detail, source, sealed, "
            + "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ps.setBytes(1, e.id().toBytes());
        ps.setBytes(2, e.realm().toBytes());
        ps.setLong(3, e.hlc());
        ps.setBytes(4, e.author().toBytes());
        ps.setString(5, e.reason());
        ps.setString(6, e.detail());
        ps.setString(7, e.source());
        ps.setBytes(8, e.sealed());
        ps.setLong(9, e.receivedAt());
        ps.executeUpdate();
    }

    /**
     * Held events of a realm, oldest first, at most {@code limit}, except those held for {@code stampReason}
     * with an HLC of {@code dueFrom} or more: their rows (sealed bytes included) are never read.
     */
    public List<HeldEvent> heldDue(byte[] realm, String stampReason, long dueFrom, int limit) throws SQLException {
        PreparedStatement ps = sql("SELECT id, realm, hlc, author, reason, detail, source, sealed, received_at FROM lhsync_held "
            + "WHERE realm = ? AND (reason <> ? OR hlc < ?) ORDER BY hlc, id" + SqlLimit.PARAMETER);
        ps.setBytes(1, realm);
        ps.setString(2, stampReason);
        ps.setLong(3, dueFrom);
        ps.setInt(4, limit);
        return held(ps);
    }

    /** Held events of a realm held for {@code reason} with an HLC below {@code dueFrom}, oldest first, at most {@code limit}. */
    public List<HeldEvent> heldDueFor(byte[] realm, String reason, long dueFrom, int limit) throws SQLException {
        PreparedStatement ps = sql("SELECT id, realm, hlc, author, reason, detail, source, sealed, received_at FROM lhsync_held "
            + "WHERE realm = ? AND reason = ? AND hlc < ? ORDER BY hlc, id" + SqlLimit.PARAMETER);
        ps.setBytes(1, realm);
        ps.setString(2, reason);
        ps.setLong(3, dueFrom);
        ps.setInt(4, limit);
        return held(ps);
    }

    private static List<HeldEvent> held(PreparedStatement ps) throws SQLException {
        List<HeldEvent> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new HeldEvent(EventId.fromBytes(rs.getBytes(1)), RealmId.fromBytes(rs.getBytes(2)), rs.getLong(3), DeviceId.fromBytes(rs.getBytes(4)),
                    rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getBytes(8), rs.getLong(9)));
            }
        }
        return out;
    }

    public void release(EventId id) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lhsync_held WHERE id = ?");
        ps.setBytes(1, id.toBytes());
        ps.executeUpdate();
    }

    /** Count and bytes of the events held for a realm. */
    public long[] heldSize(byte[] realm) throws SQLException {
        PreparedStatement ps = sql("SELECT count(*), coalesce(sum(length(sealed)), 0) FROM lhsync_held WHERE realm = ?");
        ps.setBytes(1, realm);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /** The smallest HLC among events held for one reason, if any. */
    public Optional<Long> minHeldHlc(String reason) throws SQLException {
        PreparedStatement ps = sql("SELECT min(hlc) FROM lhsync_held WHERE reason = ?");
        ps.setString(1, reason);
        try (ResultSet rs = ps.executeQuery()) {
            long v = rs.next() ? rs.getLong(1) : 0;
            return rs.wasNull() ? Optional.empty() : Optional.of(v);
        }
    }

    /** Held events per realm and reason: (realm, reason, count). */
    public List<HeldCount> heldCounts() throws SQLException {
        List<HeldCount> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT realm, reason, count(*), min(detail) FROM lhsync_held GROUP BY realm, reason "
            + "ORDER BY realm, reason").executeQuery()) {
            while (rs.next()) {
                out.add(new HeldCount(RealmId.fromBytes(rs.getBytes(1)), rs.getString(2), rs.getLong(3), rs.getString(4)));
            }
        }
        return out;
    }


    // ---- per peer and realm status


    public void putPeerStatus(PeerStatusRow r) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_peer_status (peer, realm, last_synced_at, they_lack, we_lack, "
            + "own_seq_synced, last_contact, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (peer, realm) DO UPDATE SET last_synced_at = excluded.last_synced_at, they_lack = excluded.they_lack, "
            + "we_lack = excluded.we_lack, own_seq_synced = excluded.own_seq_synced, last_contact = excluded.last_contact, "
            + "last_error = excluded.last_error, updated_at = excluded.updated_at");
        ps.setBytes(1, r.peer().toBytes());
        ps.setBytes(2, r.realm().toBytes());
        setLong(ps, 3, r.lastSyncedAt());
        ps.setLong(4, r.theyLack());
        ps.setLong(5, r.weLack());
        ps.setLong(6, r.ownSeqSynced());
        setLong(ps, 7, r.lastContact());
        ps.setString(8, r.lastError());
        ps.setLong(9, r.updatedAt());
        ps.executeUpdate();
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    /** Every recorded peer status. */
    public List<PeerStatusRow> peerStatuses() throws SQLException {
        List<PeerStatusRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT peer, realm, last_synced_at, they_lack, we_lack, own_seq_synced, last_contact, "
            + "last_error, updated_at FROM lhsync_peer_status ORDER BY peer, realm").executeQuery()) {
            while (rs.next()) {
                long synced = rs.getLong(3);
                Long lastSynced = rs.wasNull() ? null : synced;
                long contact = rs.getLong(7);
                Long lastContact = rs.wasNull() ? null : contact;
                out.add(new PeerStatusRow(DeviceId.fromBytes(rs.getBytes(1)), RealmId.fromBytes(rs.getBytes(2)), lastSynced, rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), lastContact, rs.getString(8), rs.getLong(9)));
            }
        }
        return out;
    }

    /** How many events {@code author} wrote in a realm after chain position {@code afterSeq}. */
    public long ownEventsAfter(byte[] realm, byte[] author, long afterSeq) throws SQLException {
        PreparedStatement ps = sql("SELECT count(*) FROM lhsync_events WHERE realm = ? AND author = ? AND author_seq > ?");
        ps.setBytes(1, realm);
        ps.setBytes(2, author);
        ps.setLong(3, afterSeq);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- local changes that cannot sync


    public void noteUnsynced(byte[] realm, int kind, String entity, String reason, long at) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_unsynced (realm, kind, entity, reason, first_at, last_at) "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (realm, kind, entity) DO UPDATE SET reason = excluded.reason, "
            + "last_at = excluded.last_at");
        ps.setBytes(1, realm);
        ps.setInt(2, kind);
        ps.setString(3, entity);
        ps.setString(4, reason);
        ps.setLong(5, at);
        ps.setLong(6, at);
        ps.executeUpdate();
    }

    public void clearUnsynced(byte[] realm, int kind, String entity) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lhsync_unsynced WHERE realm = ? AND kind = ? AND entity = ?");
        ps.setBytes(1, realm);
        ps.setInt(2, kind);
        ps.setString(3, entity);
        ps.executeUpdate();
    }

    /** Every unsynced local change, oldest first. */
    public List<UnsyncedRow> unsynced() throws SQLException {
        List<UnsyncedRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT realm, kind, entity, reason, first_at, last_at FROM lhsync_unsynced "
            + "ORDER BY first_at, kind, entity").executeQuery()) {
            while (rs.next()) {
                out.add(new UnsyncedRow(RealmId.fromBytes(rs.getBytes(1)), EntityKind.ofCode(rs.getInt(2)), rs.getString(3), rs.getString(4), rs.getLong(5),
                    rs.getLong(6)));
            }
        }
        return out;
    }

    // ---- refusals


    /** Counts one refused event. */
    public void recordRefusal(String source, byte[] realm, String reason, EventId event, byte[] author, String detail, long at)
        throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lhsync_refusals (source, realm, reason, count, first_at, last_at, last_event, "
            + "last_author, last_detail) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?) ON CONFLICT (source, realm, reason) DO UPDATE SET "
            + "count = count + 1, last_at = excluded.last_at, last_event = excluded.last_event, "
            + "last_author = excluded.last_author, last_detail = excluded.last_detail");
        ps.setString(1, source);
        ps.setBytes(2, realm);
        ps.setString(3, reason);
        ps.setLong(4, at);
        ps.setLong(5, at);
        ps.setBytes(6, bytes(event));
        ps.setBytes(7, author);
        ps.setString(8, detail);
        ps.executeUpdate();
    }

    /** Every refusal count, newest first. */
    public List<RefusalRow> refusals() throws SQLException {
        List<RefusalRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT source, realm, reason, count, first_at, last_at, last_event, last_author, last_detail "
            + "FROM lhsync_refusals ORDER BY last_at DESC, source, reason").executeQuery()) {
            while (rs.next()) {
                byte[] lastAuthor = rs.getBytes(8);
                out.add(new RefusalRow(rs.getString(1), RealmId.fromBytes(rs.getBytes(2)), rs.getString(3), rs.getLong(4),
                    rs.getLong(5), rs.getLong(6), eventId(rs.getBytes(7)),
                    lastAuthor == null ? null : DeviceId.fromBytes(lastAuthor), rs.getString(9)));
            }
        }
        return out;
    }

    /** How many events are stored, all realms. */
    public long countAll() throws SQLException {
        try (ResultSet rs = sql("SELECT count(*) FROM lhsync_events").executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Receives one stored event as filed. */
    @FunctionalInterface
    public interface StoredVisitor {
        void visit(EventId id, byte[] realm, long hlc, byte[] author, byte[] sealed) throws SQLException;
    }

    /** Visits every stored event as filed (id, realm, hlc, author, sealed bytes), in storage order. */
    public void forEachStored(StoredVisitor visitor) throws SQLException {
        try (ResultSet rs = sql("SELECT id, realm, hlc, author, sealed FROM lhsync_events ORDER BY seq").executeQuery()) {
            while (rs.next()) {
                visitor.visit(EventId.fromBytes(rs.getBytes(1)), rs.getBytes(2), rs.getLong(3), rs.getBytes(4), rs.getBytes(5));
            }
        }
    }

    /** Removes an event from the log; false if it was not there. */
    public boolean delete(EventId id) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lhsync_events WHERE id = ?");
        ps.setBytes(1, id.toBytes());
        return ps.executeUpdate() == 1;
    }

    /** Places where an author's chain forks, per realm. */
    public List<ForkRow> chainForks(byte[] author) throws SQLException {
        PreparedStatement ps = sql("SELECT realm, author_seq, count(*) FROM lhsync_events WHERE author = ? "
            + "AND author_seq IS NOT NULL GROUP BY realm, author_seq HAVING count(*) > 1 ORDER BY realm, author_seq");
        ps.setBytes(1, author);
        List<ForkRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new ForkRow(RealmId.fromBytes(rs.getBytes(1)), rs.getLong(2), rs.getInt(3)));
            }
        }
        return out;
    }

    /** Readable lores and relations of a realm with an event stamped after {@code hlc}: (kind, entity), lores first. */
    public List<Object[]> entitiesChangedAfter(byte[] realm, long hlc, int loreKind, int relationKind) throws SQLException {
        PreparedStatement ps = sql("SELECT DISTINCT kind, entity FROM lhsync_events WHERE realm = ? AND hlc > ? "
            + "AND kind IN (?, ?) ORDER BY kind = ?, entity");
        ps.setBytes(1, realm);
        ps.setLong(2, hlc);
        ps.setInt(3, loreKind);
        ps.setInt(4, relationKind);
        ps.setInt(5, relationKind);
        List<Object[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Object[] {rs.getInt(1), rs.getString(2)});
            }
        }
        return out;
    }

    /** Entity ids of a kind that start with {@code prefix}, from the log (deleted entities included), at most {@code limit}. */
    public List<String> entitiesStartingWith(int kind, String prefix, int limit) throws SQLException {
        PreparedStatement ps = sql("SELECT DISTINCT entity FROM lhsync_events WHERE kind = ? AND substr(entity, 1, ?) = ? "
            + "ORDER BY entity" + SqlLimit.PARAMETER);
        ps.setInt(1, kind);
        ps.setInt(2, prefix.length());
        ps.setString(3, prefix);
        ps.setInt(4, limit);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Notes {@code lores} lore deletions of a realm captured together, made between {@code fromAt} and
     * {@code toAt}: they extend the realm's latest mass deletion when within {@link EventLog#MASS_DELETE_GAP_MILLIS}
     * of it, or open a new one when there are at least {@link EventLog#MASS_DELETE_OPENS_AT}.
     */
    public void noteDeletions(byte[] realm, long lores, long fromAt, long toAt) throws SQLException {
        PreparedStatement find = sql("SELECT first_at, last_at FROM lhsync_mass_deletes WHERE realm = ? AND undone = 0 "
            + "ORDER BY last_at DESC LIMIT 1");
        find.setBytes(1, realm);
        Long open = null;
        try (ResultSet rs = find.executeQuery()) {
            if (rs.next() && fromAt - rs.getLong(2) <= EventLog.MASS_DELETE_GAP_MILLIS && toAt >= rs.getLong(1) - EventLog.MASS_DELETE_GAP_MILLIS) {
                open = rs.getLong(1);
            }
        }
        if (open != null) {
            PreparedStatement ps = sql("UPDATE lhsync_mass_deletes SET lores = lores + ?, last_at = max(last_at, ?), "
                + "first_at = min(first_at, ?) WHERE realm = ? AND first_at = ?");
            ps.setLong(1, lores);
            ps.setLong(2, toAt);
            ps.setLong(3, fromAt);
            ps.setBytes(4, realm);
            ps.setLong(5, open);
            ps.executeUpdate();
        } else if (lores >= EventLog.MASS_DELETE_OPENS_AT) {
            PreparedStatement ps = sql("INSERT INTO lhsync_mass_deletes (realm, first_at, last_at, lores) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (realm, first_at) DO UPDATE SET lores = lores + excluded.lores, last_at = max(last_at, excluded.last_at)");
            ps.setBytes(1, realm);
            ps.setLong(2, fromAt);
            ps.setLong(3, toAt);
            ps.setLong(4, lores);
            ps.executeUpdate();
        }
    }

    /** How many lores with an event of a realm stamped in [fromHlc, toHlc] have no row in lh's lores table now. */
    public long loresTouchedBetweenAndMissing(byte[] realm, int loreKind, long fromHlc, long toHlc) throws SQLException {
        PreparedStatement ps = sql("SELECT count(DISTINCT e.entity) FROM lhsync_events e WHERE e.realm = ? AND e.kind = ? "
            + "AND e.hlc BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM lores l WHERE l.id = e.entity)");
        ps.setBytes(1, realm);
        ps.setInt(2, loreKind);
        ps.setLong(3, fromHlc);
        ps.setLong(4, toHlc);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Recorded mass deletions, newest first. */
    public List<MassDeleteRow> massDeletions() throws SQLException {
        List<MassDeleteRow> out = new ArrayList<>();
        try (ResultSet rs = sql("SELECT realm, first_at, last_at, lores, undone FROM lhsync_mass_deletes ORDER BY first_at DESC")
            .executeQuery()) {
            while (rs.next()) {
                out.add(new MassDeleteRow(RealmId.fromBytes(rs.getBytes(1)), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getInt(5) != 0));
            }
        }
        return out;
    }

    /** Marks a realm's mass deletions made at or after {@code fromAt} as undone. */
    public void markMassDeletionsUndone(byte[] realm, long fromAt) throws SQLException {
        PreparedStatement ps = sql("UPDATE lhsync_mass_deletes SET undone = 1 WHERE realm = ? AND last_at >= ?");
        ps.setBytes(1, realm);
        ps.setLong(2, fromAt);
        ps.executeUpdate();
    }

    /**
     * The readable entity events of a realm written in the previous release's format: those with no
     * chain position (membership events and events this device cannot read are left out).
     */
    public List<LegacyRow> legacyEntityEvents(byte[] realm, int membershipKind) throws SQLException {
        PreparedStatement ps = sql("SELECT id, author, hlc, kind, entity FROM lhsync_events WHERE realm = ? "
            + "AND kind IS NOT NULL AND kind <> ? AND author_seq IS NULL ORDER BY hlc, id");
        ps.setBytes(1, realm);
        ps.setInt(2, membershipKind);
        List<LegacyRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new LegacyRow(EventId.fromBytes(rs.getBytes(1)), DeviceId.fromBytes(rs.getBytes(2)), rs.getLong(3),
                    EntityKind.ofCode(rs.getInt(4)), rs.getString(5)));
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

    public void deleteMeta(String key) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lhsync_meta WHERE key = ?");
        ps.setString(1, key);
        ps.executeUpdate();
    }
}
