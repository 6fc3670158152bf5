package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import java.util.List;
import java.util.Optional;

/**
 * The port through which the core keeps its event log and the node's bookkeeping beside it
 * (realms, peers, held events, conflicts, refusals, meta). The core owns this contract; the store
 * implements it ({@code dev.lorehub.node.store.SqliteEventLog}). Every method may fail with a
 * {@link StorageException}; writes happen inside the transaction of {@link NodeStorage#applyingRemote}.
 *
 * <p>An event enters the log through {@link #append} only, and becomes readable through
 * {@link #reveal} only: both keep the log's own indexes (the relation ends of a relation event),
 * so no caller maintains an index by hand.
 */
public interface EventLog {

    /** Lore deletions closer together than this (ms) belong to one mass deletion ({@link #noteDeletions}). */
    long MASS_DELETE_GAP_MILLIS = 60_000;
    /** Deletions captured together that open a mass-deletion record (smaller ones only extend an open one). */
    int MASS_DELETE_OPENS_AT = 10;

    /**
     * Appends an event and indexes it; returns false (and changes nothing in the log) if its id
     * is already stored. A readable relation event also records the two lores it touches, so
     * {@link #relationsTouching} finds it.
     */
    boolean append(StoredEvent e, long receivedAtMillis) throws StorageException;

    /**
     * Records that an event which arrived opaque can now be read, with its causal position
     * ({@code seq}, {@code prev}, {@code auth} null for the previous release's format), and
     * indexes it as {@link #append} would have.
     */
    void reveal(EventId id, EntityKind kind, String entity, Long seq, EventId prev, byte[] auth) throws StorageException;

    /** Receives one event key. */
    @FunctionalInterface
    interface KeyVisitor {
        void visit(long hlc, EventId id);
    }

    /** Receives who wrote one event, and what it cites. */
    @FunctionalInterface
    interface AuthorshipVisitor {
        void visit(EntityKind kind, String entity, DeviceId author, long hlc, EventId id, long seq, byte[] auth) throws StorageException;
    }

    /** Receives one stored event's columns. */
    @FunctionalInterface
    interface StoredVisitor {
        void visit(EventId id, RealmId realm, long hlc, DeviceId author, byte[] sealed) throws StorageException;
    }

    /** The newest event of {@code author}'s chain in a realm as (seq, id), if it wrote any (the tip it extends). */
    Optional<LogRows.ChainLink> chainTip(RealmId realm, DeviceId author) throws StorageException;

    /** Every readable event of {@code author} in a realm as a chain link (id, seq, prev), any order. */
    List<LogRows.ChainLink> chain(RealmId realm, DeviceId author) throws StorageException;

    boolean contains(EventId id) throws StorageException;

    /** The sealed bytes of an event. */
    Optional<byte[]> sealed(EventId id) throws StorageException;

    /** The sealed bytes of an event if it is stored in {@code realm} (empty for another realm's event). */
    Optional<byte[]> sealed(RealmId realm, EventId id) throws StorageException;

    Optional<StoredEvent> get(EventId id) throws StorageException;

    /** Every readable event of one entity (any realm it has lived in). */
    List<StoredEvent> eventsOf(EntityKind kind, String entity) throws StorageException;

    /** The realms that hold readable events of this entity, sorted (an index scan; no bodies read). */
    List<RealmId> realmsOf(EntityKind kind, String entity) throws StorageException;

    /** Lores of a local realm that have no event yet (to adopt into a synced realm), at most {@code limit}. */
    List<String> unadoptedLores(String localRealmId, int limit) throws StorageException;

    /** Relations starting in a local realm that have no event yet, as (from, to, type), at most {@code limit}. */
    List<RelationKey> unadoptedRelations(String localRealmId, int limit) throws StorageException;

    /** Every entity with recorded conflicts. */
    List<LogRows.EntityRef> conflictedEntities() throws StorageException;

    /** True if any event of this entity is stored (cheap: an index probe). */
    boolean hasEventsOf(EntityKind kind, String entity) throws StorageException;

    /** Every readable event of a kind in a realm (membership events, for instance). */
    List<StoredEvent> eventsOfKind(RealmId realm, EntityKind kind) throws StorageException;

    /** The keys of {@link #eventsOfKind}, without reading the events themselves. */
    List<LogRows.EventKey> keysOfKind(RealmId realm, EntityKind kind) throws StorageException;

    /** Events of a realm this device could not decrypt when they arrived. */
    List<StoredEvent> opaqueEvents(RealmId realm) throws StorageException;

    /** Visits (hlc, id) of every event of a realm. */
    void forEachKey(RealmId realm, KeyVisitor visitor) throws StorageException;

    /** Visits the authorship of every readable entity event of a realm (not membership events). */
    void forEachAuthorship(RealmId realm, AuthorshipVisitor visitor) throws StorageException;

    /** As {@link #forEachAuthorship}, for one author's events only. */
    void forEachAuthorshipBy(RealmId realm, DeviceId author, AuthorshipVisitor visitor) throws StorageException;

    /** The events of a realm in (HLC, id) order, starting after a position, at most {@code limit}. */
    List<StoredEvent> page(RealmId realm, long afterHlc, int limit) throws StorageException;

    /** The newest events of all realms, newest first (the audit trail). */
    List<StoredEvent> newest(int limit) throws StorageException;

    long count(RealmId realm) throws StorageException;

    /** The largest HLC among a realm's events (0 when none). */
    long maxHlc(RealmId realm) throws StorageException;

    /** The largest HLC in the log (0 when empty): the clock starts above it after a restart. */
    long maxHlc() throws StorageException;

    /** Relation entities that start or end at a lore. */
    List<String> relationsTouching(String lore) throws StorageException;

    /** Replaces the conflicts recorded for one entity of one realm. */
    void replaceConflicts(RealmId realm, EntityKind kind, String entity, List<LogRows.ConflictRow> rows) throws StorageException;

    /** All recorded conflicts, ordered by realm, kind, entity. */
    List<LogRows.ConflictRow> conflicts() throws StorageException;

    /** Adds a synced realm, or leaves an existing row alone. */
    void addRealm(RealmId realm, DeviceId founder, String nameHint, long nowMillis) throws StorageException;

    /** Adds a synced realm (joined, or an invitation from {@code inviter}), or leaves an existing row alone. */
    void addRealm(RealmId realm, DeviceId founder, String nameHint, long nowMillis, boolean joined, DeviceId inviter) throws StorageException;

    /** Marks a realm joined (the user consented to sync all of it here). */
    void markJoined(RealmId realm) throws StorageException;

    /** The greatest HLC among a realm's events held for {@code reason}, if any. */
    Optional<Long> maxHeldHlc(RealmId realm, String reason) throws StorageException;

    /** When an event of the realm last arrived here (stored or held), or 0 when none did. */
    long lastReceivedAt(RealmId realm) throws StorageException;

    /** Forgets a realm and every event, held event and conflict of it (an invitation that came to nothing). */
    void forgetRealm(RealmId realm) throws StorageException;

    /** Maps a synced realm to a local {@code realms} row (null unmaps). */
    void mapRealm(RealmId realm, String localRealmId) throws StorageException;

    void removeRealm(RealmId realm) throws StorageException;

    List<LogRows.SyncedRealmRow> realms() throws StorageException;

    void putPeer(DeviceId device, byte[] keys, String displayName, long pairedAt) throws StorageException;

    void removePeer(DeviceId device) throws StorageException;

    void touchPeer(DeviceId device, String address, Long lastSyncAt) throws StorageException;

    List<LogRows.PeerRow> peers() throws StorageException;

    /** Holds an event (replacing an earlier hold of the same id). */
    void hold(LogRows.HeldEvent e) throws StorageException;

    /** Whether an event is stored ({@link #contains}) or held back, asked at once. */
    boolean storedOrHeld(EventId id) throws StorageException;

    /**
     * Held events of a realm worth examining again, oldest first, at most {@code limit}: all of them except
     * those held for {@code stampReason} with an HLC of {@code dueFrom} or more (stamped so far ahead that
     * they would only be held again for it), which are not read at all.
     */
    List<LogRows.HeldEvent> heldDue(RealmId realm, String stampReason, long dueFrom, int limit) throws StorageException;

    /** As {@link #heldDue}, only those held for {@code stampReason}: its events stamped below {@code dueFrom}. */
    List<LogRows.HeldEvent> heldDueFor(RealmId realm, String stampReason, long dueFrom, int limit) throws StorageException;

    void release(EventId id) throws StorageException;

    /** Count and bytes of the events held for a realm. */
    long[] heldSize(RealmId realm) throws StorageException;

    /** The smallest HLC among events held for one reason, if any. */
    Optional<Long> minHeldHlc(String reason) throws StorageException;

    /** Held events per realm and reason: (realm, reason, count). */
    List<LogRows.HeldCount> heldCounts() throws StorageException;

    void putPeerStatus(LogRows.PeerStatusRow r) throws StorageException;

    /** Every recorded peer status. */
    List<LogRows.PeerStatusRow> peerStatuses() throws StorageException;

    /** How many events {@code author} wrote in a realm after chain position {@code afterSeq}. */
    long ownEventsAfter(RealmId realm, DeviceId author, long afterSeq) throws StorageException;

    void noteUnsynced(RealmId realm, EntityKind kind, String entity, String reason, long at) throws StorageException;

    void clearUnsynced(RealmId realm, EntityKind kind, String entity) throws StorageException;

    /** Every unsynced local change, oldest first. */
    List<LogRows.UnsyncedRow> unsynced() throws StorageException;

    /** Counts one refused event. */
    void recordRefusal(String source, RealmId realm, String reason, EventId event, DeviceId author, String detail, long at) throws StorageException;

    /** Every refusal count, newest first. */
    List<LogRows.RefusalRow> refusals() throws StorageException;

    /** How many events are stored, all realms. */
    long countAll() throws StorageException;

    /** Visits every stored event as filed (id, realm, hlc, author, sealed bytes), in storage order. */
    void forEachStored(StoredVisitor visitor) throws StorageException;

    /** Removes an event from the log; false if it was not there. */
    boolean delete(EventId id) throws StorageException;

    /** Places where an author's chain forks, per realm. */
    List<LogRows.ForkRow> chainForks(DeviceId author) throws StorageException;

    /** Readable lores and relations of a realm with an event stamped after {@code hlc}: (kind, entity), lores first. */
    List<LogRows.EntityRef> entitiesChangedAfter(RealmId realm, long hlc) throws StorageException;

    /** Entity ids of a kind that start with {@code prefix}, from the log (deleted entities included), at most {@code limit}. */
    List<String> entitiesStartingWith(EntityKind kind, String prefix, int limit) throws StorageException;

    /**
     * Notes {@code lores} lore deletions of a realm captured together, made between {@code fromAt} and
     * {@code toAt}: they extend the realm's latest mass deletion when within {@link #MASS_DELETE_GAP_MILLIS}
     * of it, or open a new one when there are at least {@link #MASS_DELETE_OPENS_AT}.
     */
    void noteDeletions(RealmId realm, long lores, long fromAt, long toAt) throws StorageException;

    /** How many lores with an event of a realm stamped in [fromHlc, toHlc] have no row in lh's lores table now. */
    long loresTouchedBetweenAndMissing(RealmId realm, long fromHlc, long toHlc) throws StorageException;

    /** Recorded mass deletions, newest first. */
    List<LogRows.MassDeleteRow> massDeletions() throws StorageException;

    /** Marks a realm's mass deletions made at or after {@code fromAt} as undone. */
    void markMassDeletionsUndone(RealmId realm, long fromAt) throws StorageException;

    /**
     * The readable entity events of a realm written in the previous release's format: those with no
     * chain position (membership events and events this device cannot read are left out).
     */
    List<LogRows.LegacyRow> legacyEntityEvents(RealmId realm) throws StorageException;

    Optional<String> meta(String key) throws StorageException;

    void putMeta(String key, String value) throws StorageException;

    void deleteMeta(String key) throws StorageException;
}
