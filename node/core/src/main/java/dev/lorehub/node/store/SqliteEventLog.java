package dev.lorehub.node.store;


import dev.lorehub.node.core.StoredEvent;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.EventLog;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.RelationKey;
import dev.lorehub.node.core.StorageException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The core's {@link EventLog} on SQLite: {@link EventStore} with its failures translated to
 * {@link StorageException}, the one place where appending an event maintains its indexes, and where
 * the events stored last are answered from memory ({@link RecentlyStored}), as are answers no write
 * since can have changed ({@link LogAnswers}).
 */
public final class SqliteEventLog implements EventLog {
    private final EventStore store;
    private final RecentlyStored recent = new RecentlyStored(RecentlyStored.MAX_BYTES);
    private final LogAnswers answers = new LogAnswers();

    /**
     * @param store    the event tables on the database's connection
     * @param database that connection's database: its write transactions tell this log when they end, so
     *                 that only committed events are answered from memory
     */
    public SqliteEventLog(EventStore store, LoreHubDatabase database) {
        this.store = store;
        database.onTransactionEnd(committed -> {
            if (committed) {
                recent.committed();
            } else {
                recent.rolledBack();
                answers.rolledBack();
            }
        });
    }

    @Override
    public boolean append(StoredEvent e, long receivedAtMillis) throws StorageException {
        return SqlCalls.call(() -> {
            answers.writing();
            boolean added;
            try {
                added = store.insert(e, receivedAtMillis);
            } catch (SQLException | RuntimeException failed) {
                answers.writeFailed(); // a failed statement changes nothing
                throw failed;
            }
            answers.appended(e, added);
            if (added) {
                recent.appended(e.id(), e.realm(), e.sealed());
            }
            index(e.kind(), e.entity());
            return added;
        });
    }

    @Override
    public void reveal(EventId id, EntityKind kind, String entity, Long seq, EventId prev, byte[] auth) throws StorageException {
        write(() -> {
            store.reveal(id, kind, entity, seq, prev, auth);
            index(kind, entity);
            return null;
        }, answers::revealed);
    }

    /**
     * Runs a write of the event tables bracketed for {@link LogAnswers}: {@code report} tells it what the
     * write did, also when the write failed (it then forgets what the write could have changed).
     */
    private <T> T write(SqlCalls.Call<T> statement, Runnable report) throws StorageException {
        answers.writing();
        try {
            return SqlCalls.call(statement);
        } finally {
            report.run();
        }
    }

    /** Where {@link #keptOr} offers an answer it read from the log, with the version it was read at. */
    @FunctionalInterface
    private interface Keep<T> {
        void keep(T answer, long readAt);
    }

    /**
     * {@code kept} when memory has the answer (non-null); else the log's answer, read now and offered to
     * {@code keep} with the version it was read at ({@link LogAnswers} keeps it only if nothing was written since).
     */
    private <T> T keptOr(T kept, SqlCalls.Call<T> read, Keep<T> keep) throws StorageException {
        if (kept != null) {
            return kept;
        }
        long readAt = answers.version();
        T answer = SqlCalls.call(read);
        keep.keep(answer, readAt);
        return answer;
    }

    /** A device id's bytes for a nullable column. */
    private static byte[] bytes(DeviceId device) {
        return device == null ? null : device.toBytes();
    }

    /** A relation's two ends, so a lore finds the relations that touch it (idempotent). */
    private void index(EntityKind kind, String entity) throws SQLException {
        if (kind == EntityKind.RELATION) { // null (opaque) is not indexed until revealed
            RelationKey key = RelationKey.of(entity);
            store.indexRelationEnd(key.from(), entity);
            store.indexRelationEnd(key.to(), entity);
        }
    }

    @Override
    public Optional<LogRows.ChainLink> chainTip(RealmId realm, DeviceId author) throws StorageException {
        return SqlCalls.call(() -> store.chainTip(realm.toBytes(), author.toBytes()));
    }

    @Override
    public List<LogRows.ChainLink> chain(RealmId realm, DeviceId author) throws StorageException {
        return keptOr(answers.chain(realm, author), () -> store.chain(realm.toBytes(), author.toBytes()),
            (links, readAt) -> answers.chain(realm, author, links, readAt));
    }

    @Override
    public boolean contains(EventId id) throws StorageException {
        if (recent.get(id) != null) {
            return true;
        }
        // known not stored: 0 answers this question (whether it is held is not asked)
        return (keptOr(answers.knownNotStored(id) ? 0 : null, () -> store.whereIs(id), (where, readAt) -> keepWhere(id, where, readAt))
            & EventStore.STORED) != 0;
    }

    /**
     * Keeps what {@link EventStore#whereIs} said of {@code id} for both questions asked of it, so an offer's
     * "not stored" answers the ingest's "nowhere" too.
     */
    private void keepWhere(EventId id, int where, long readAt) {
        if ((where & EventStore.STORED) == 0) {
            answers.notStored(id, readAt);
        }
        if (where == 0) {
            answers.nowhere(id, readAt);
        } else {
            answers.somewhere(id, readAt);
        }
    }

    @Override
    public Optional<byte[]> sealed(EventId id) throws StorageException {
        RecentlyStored.Entry kept = recent.get(id);
        if (kept != null) {
            return Optional.of(kept.sealed().clone());
        }
        return SqlCalls.call(() -> store.sealed(id));
    }

    @Override
    public Optional<byte[]> sealed(RealmId realm, EventId id) throws StorageException {
        RecentlyStored.Entry kept = recent.get(id);
        if (kept != null && kept.realm().equals(realm)) {
            return Optional.of(kept.sealed().clone());
        }
        return SqlCalls.call(() -> store.sealed(realm.toBytes(), id));
    }

    @Override
    public Optional<StoredEvent> get(EventId id) throws StorageException {
        return SqlCalls.call(() -> store.get(id));
    }

    @Override
    public List<StoredEvent> eventsOf(EntityKind kind, String entity) throws StorageException {
        return keptOr(answers.eventsOf(kind, entity), () -> store.eventsOf(kind.code(), entity),
            (events, readAt) -> answers.eventsOf(kind, entity, events, readAt));
    }

    @Override
    public List<RealmId> realmsOf(EntityKind kind, String entity) throws StorageException {
        List<RealmId> kept = answers.realmsOf(kind, entity);
        if (kept != null) {
            return kept;
        }
        List<byte[]> rows = SqlCalls.call(() -> store.realmsOf(kind.code(), entity));
        List<RealmId> realms = new java.util.ArrayList<>(rows.size());
        for (byte[] realm : rows) {
            realms.add(RealmId.fromBytes(realm));
        }
        realms.sort(null); // the same order as from memory
        return realms;
    }

    @Override
    public List<String> unadoptedLores(String localRealmId, int limit) throws StorageException {
        return SqlCalls.call(() -> store.unadoptedLores(localRealmId, limit));
    }

    @Override
    public List<RelationKey> unadoptedRelations(String localRealmId, int limit) throws StorageException {
        return SqlCalls.call(() -> store.unadoptedRelations(localRealmId, limit));
    }

    @Override
    public List<LogRows.EntityRef> conflictedEntities() throws StorageException {
        return SqlCalls.call(() -> store.conflictedEntities());
    }

    @Override
    public boolean hasEventsOf(EntityKind kind, String entity) throws StorageException {
        return keptOr(answers.knownWithEvents(kind, entity) ? Boolean.TRUE : null, () -> store.hasEventsOf(kind.code(), entity),
            (any, readAt) -> {
                if (any) {
                    answers.withEvents(kind, entity, readAt);
                }
            });
    }

    @Override
    public List<StoredEvent> eventsOfKind(RealmId realm, EntityKind kind) throws StorageException {
        return SqlCalls.call(() -> store.eventsOfKind(realm.toBytes(), kind.code()));
    }

    @Override
    public List<LogRows.EventKey> keysOfKind(RealmId realm, EntityKind kind) throws StorageException {
        return SqlCalls.call(() -> store.keysOfKind(realm.toBytes(), kind.code()));
    }

    @Override
    public List<StoredEvent> opaqueEvents(RealmId realm) throws StorageException {
        return SqlCalls.call(() -> store.opaqueEvents(realm.toBytes()));
    }

    @Override
    public void forEachKey(RealmId realm, KeyVisitor visitor) throws StorageException {
        SqlCalls.run(() -> store.forEachKey(realm.toBytes(), visitor::visit));
    }

    @Override
    public void forEachAuthorship(RealmId realm, AuthorshipVisitor visitor) throws StorageException {
        SqlCalls.run(() -> store.forEachAuthorship(realm.toBytes(), EntityKind.MEMBER.code(), (kind, entity, author, hlc, id, seq, auth) -> {
            try {
                visitor.visit(EntityKind.ofCode(kind), entity, DeviceId.fromBytes(author), hlc, id, seq, auth);
            } catch (StorageException e) {
                throw new SqlCalls.Carrier(e);
            }
        }));
    }

    @Override
    public void forEachAuthorshipBy(RealmId realm, DeviceId author, AuthorshipVisitor visitor)
        throws StorageException {
        List<LogAnswers.Authorship> rows = keptOr(answers.authorshipsBy(realm, author), () -> {
            List<LogAnswers.Authorship> read = new java.util.ArrayList<>();
            store.forEachAuthorshipBy(realm.toBytes(), author.toBytes(), EntityKind.MEMBER.code(),
                (kind, entity, by, hlc, id, seq, auth) -> read.add(new LogAnswers.Authorship(EntityKind.ofCode(kind), entity, hlc, id,
                    seq, auth)));
            return read;
        }, (read, readAt) -> answers.authorshipsBy(realm, author, read, readAt));
        for (LogAnswers.Authorship a : rows) { // every row is by {@code author}: hand on the id in hand
            visitor.visit(a.kind(), a.entity(), author, a.hlc(), a.id(), a.seq(), a.auth());
        }
    }

    @Override
    public List<StoredEvent> page(RealmId realm, long afterHlc, int limit) throws StorageException {
        return SqlCalls.call(() -> store.page(realm.toBytes(), afterHlc, limit));
    }

    @Override
    public List<StoredEvent> newest(int limit) throws StorageException {
        return SqlCalls.call(() -> store.newest(limit));
    }

    @Override
    public long count(RealmId realm) throws StorageException {
        return SqlCalls.call(() -> store.count(realm.toBytes()));
    }

    @Override
    public long maxHlc(RealmId realm) throws StorageException {
        return SqlCalls.call(() -> store.maxHlc(realm.toBytes()));
    }

    @Override
    public long maxHlc() throws StorageException {
        return SqlCalls.call(() -> store.maxHlc());
    }

    @Override
    public List<String> relationsTouching(String lore) throws StorageException {
        return SqlCalls.call(() -> store.relationsTouching(lore));
    }

    @Override
    public void replaceConflicts(RealmId realm, EntityKind kind, String entity, List<LogRows.ConflictRow> rows) throws StorageException {
        SqlCalls.run(() -> store.replaceConflicts(realm.toBytes(), kind.code(), entity, rows));
    }

    @Override
    public List<LogRows.ConflictRow> conflicts() throws StorageException {
        return SqlCalls.call(() -> store.conflicts());
    }

    @Override
    public void addRealm(RealmId realm, DeviceId founder, String nameHint, long nowMillis) throws StorageException {
        SqlCalls.run(() -> store.addRealm(realm.toBytes(), founder.toBytes(), nameHint, nowMillis));
    }

    @Override
    public void addRealm(RealmId realm, DeviceId founder, String nameHint, long nowMillis, boolean joined, DeviceId inviter) throws StorageException {
        SqlCalls.run(() -> store.addRealm(realm.toBytes(), founder.toBytes(), nameHint, nowMillis, joined, bytes(inviter)));
    }

    @Override
    public void markJoined(RealmId realm) throws StorageException {
        SqlCalls.run(() -> store.markJoined(realm.toBytes()));
    }

    @Override
    public Optional<Long> maxHeldHlc(RealmId realm, String reason) throws StorageException {
        return SqlCalls.call(() -> store.maxHeldHlc(realm.toBytes(), reason));
    }

    @Override
    public long lastReceivedAt(RealmId realm) throws StorageException {
        return SqlCalls.call(() -> store.lastReceivedAt(realm.toBytes()));
    }

    @Override
    public void forgetRealm(RealmId realm) throws StorageException {
        recent.clear();
        write(() -> {
            store.forgetRealm(realm.toBytes());
            return null;
        }, answers::removed);
    }

    @Override
    public void mapRealm(RealmId realm, String localRealmId) throws StorageException {
        SqlCalls.run(() -> store.mapRealm(realm.toBytes(), localRealmId));
    }

    @Override
    public void removeRealm(RealmId realm) throws StorageException {
        write(() -> {
            store.removeRealm(realm.toBytes());
            return null;
        }, answers::removed);
    }

    @Override
    public List<LogRows.SyncedRealmRow> realms() throws StorageException {
        return SqlCalls.call(() -> store.realms());
    }

    @Override
    public void putPeer(DeviceId device, byte[] keys, String displayName, long pairedAt) throws StorageException {
        SqlCalls.run(() -> store.putPeer(device.toBytes(), keys, displayName, pairedAt));
    }

    @Override
    public void removePeer(DeviceId device) throws StorageException {
        SqlCalls.run(() -> store.removePeer(device.toBytes()));
    }

    @Override
    public void touchPeer(DeviceId device, String address, Long lastSyncAt) throws StorageException {
        SqlCalls.run(() -> store.touchPeer(device.toBytes(), address, lastSyncAt));
    }

    @Override
    public List<LogRows.PeerRow> peers() throws StorageException {
        return SqlCalls.call(() -> store.peers());
    }

    @Override
    public void hold(LogRows.HeldEvent e) throws StorageException {
        write(() -> {
            store.hold(e);
            return null;
        }, () -> answers.held(e.id(), e.realm()));
    }

    @Override
    public boolean storedOrHeld(EventId id) throws StorageException {
        if (recent.get(id) != null) {
            return true;
        }
        Boolean kept = answers.storedOrHeld(id);
        if (kept != null) {
            return kept;
        }
        // nothing kept: keptOr reads the log, and keepWhere keeps the answer for this question and for contains
        return keptOr(null, () -> store.whereIs(id), (where, readAt) -> keepWhere(id, where, readAt)) != 0;
    }

    @Override
    public List<LogRows.HeldEvent> heldDue(RealmId realm, String stampReason, long dueFrom, int limit) throws StorageException {
        return SqlCalls.call(() -> store.heldDue(realm.toBytes(), stampReason, dueFrom, limit));
    }

    @Override
    public List<LogRows.HeldEvent> heldDueFor(RealmId realm, String stampReason, long dueFrom, int limit)
        throws StorageException {
        return SqlCalls.call(() -> store.heldDueFor(realm.toBytes(), stampReason, dueFrom, limit));
    }

    @Override
    public void release(EventId id) throws StorageException {
        write(() -> {
            store.release(id);
            return null;
        }, () -> answers.released(id));
    }

    @Override
    public long[] heldSize(RealmId realm) throws StorageException {
        return keptOr(answers.heldSize(realm), () -> store.heldSize(realm.toBytes()),
            (size, readAt) -> answers.heldSize(realm, size, readAt));
    }

    @Override
    public Optional<Long> minHeldHlc(String reason) throws StorageException {
        return keptOr(answers.minHeldHlc(reason), () -> store.minHeldHlc(reason),
            (min, readAt) -> answers.minHeldHlc(reason, min, readAt));
    }

    @Override
    public List<LogRows.HeldCount> heldCounts() throws StorageException {
        return SqlCalls.call(() -> store.heldCounts());
    }

    @Override
    public void putPeerStatus(LogRows.PeerStatusRow r) throws StorageException {
        SqlCalls.run(() -> store.putPeerStatus(r));
    }

    @Override
    public List<LogRows.PeerStatusRow> peerStatuses() throws StorageException {
        return SqlCalls.call(() -> store.peerStatuses());
    }

    @Override
    public long ownEventsAfter(RealmId realm, DeviceId author, long afterSeq) throws StorageException {
        return SqlCalls.call(() -> store.ownEventsAfter(realm.toBytes(), author.toBytes(), afterSeq));
    }

    @Override
    public void noteUnsynced(RealmId realm, EntityKind kind, String entity, String reason, long at) throws StorageException {
        SqlCalls.run(() -> store.noteUnsynced(realm.toBytes(), kind.code(), entity, reason, at));
    }

    @Override
    public void clearUnsynced(RealmId realm, EntityKind kind, String entity) throws StorageException {
        SqlCalls.run(() -> store.clearUnsynced(realm.toBytes(), kind.code(), entity));
    }

    @Override
    public List<LogRows.UnsyncedRow> unsynced() throws StorageException {
        return SqlCalls.call(() -> store.unsynced());
    }

    @Override
    public void recordRefusal(String source, RealmId realm, String reason, EventId event, DeviceId author, String detail, long at) throws StorageException {
        SqlCalls.run(() -> store.recordRefusal(source, realm.toBytes(), reason, event, bytes(author), detail, at));
    }

    @Override
    public List<LogRows.RefusalRow> refusals() throws StorageException {
        return SqlCalls.call(() -> store.refusals());
    }

    @Override
    public long countAll() throws StorageException {
        return SqlCalls.call(() -> store.countAll());
    }

    @Override
    public void forEachStored(StoredVisitor visitor) throws StorageException {
        SqlCalls.run(() -> store.forEachStored((id, realm, hlc, author, sealed) -> {
            try {
                visitor.visit(id, RealmId.fromBytes(realm), hlc, DeviceId.fromBytes(author), sealed);
            } catch (StorageException e) {
                throw new SqlCalls.Carrier(e);
            }
        }));
    }

    @Override
    public boolean delete(EventId id) throws StorageException {
        recent.forget(id);
        return write(() -> store.delete(id), answers::removed);
    }

    @Override
    public List<LogRows.ForkRow> chainForks(DeviceId author) throws StorageException {
        return SqlCalls.call(() -> store.chainForks(author.toBytes()));
    }

    @Override
    public List<LogRows.EntityRef> entitiesChangedAfter(RealmId realm, long hlc) throws StorageException {
        List<Object[]> rows = SqlCalls.call(() -> store.entitiesChangedAfter(realm.toBytes(), hlc, EntityKind.LORE.code(),
            EntityKind.RELATION.code()));
        List<LogRows.EntityRef> out = new java.util.ArrayList<>(rows.size());
        for (Object[] r : rows) {
            out.add(new LogRows.EntityRef(EntityKind.ofCode((Integer) r[0]), (String) r[1]));
        }
        return out;
    }

    @Override
    public List<String> entitiesStartingWith(EntityKind kind, String prefix, int limit) throws StorageException {
        return SqlCalls.call(() -> store.entitiesStartingWith(kind.code(), prefix, limit));
    }

    @Override
    public void noteDeletions(RealmId realm, long lores, long fromAt, long toAt) throws StorageException {
        SqlCalls.run(() -> store.noteDeletions(realm.toBytes(), lores, fromAt, toAt));
    }

    @Override
    public long loresTouchedBetweenAndMissing(RealmId realm, long fromHlc, long toHlc) throws StorageException {
        return SqlCalls.call(() -> store.loresTouchedBetweenAndMissing(realm.toBytes(), EntityKind.LORE.code(), fromHlc, toHlc));
    }

    @Override
    public List<LogRows.MassDeleteRow> massDeletions() throws StorageException {
        return SqlCalls.call(() -> store.massDeletions());
    }

    @Override
    public void markMassDeletionsUndone(RealmId realm, long fromAt) throws StorageException {
        SqlCalls.run(() -> store.markMassDeletionsUndone(realm.toBytes(), fromAt));
    }

    @Override
    public List<LogRows.LegacyRow> legacyEntityEvents(RealmId realm) throws StorageException {
        return SqlCalls.call(() -> store.legacyEntityEvents(realm.toBytes(), EntityKind.MEMBER.code()));
    }

    @Override
    public Optional<String> meta(String key) throws StorageException {
        return SqlCalls.call(() -> store.meta(key));
    }

    @Override
    public void putMeta(String key, String value) throws StorageException {
        SqlCalls.run(() -> store.putMeta(key, value));
    }

    @Override
    public void deleteMeta(String key) throws StorageException {
        SqlCalls.run(() -> store.deleteMeta(key));
    }
}
