package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.store.EventStore;
import dev.lorehub.node.store.LoreTables;
import dev.lorehub.node.store.StoredEvent;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the parts of a {@link Replica} share: the store, lh's tables, the codec, the device's
 * identity and keys, and caches of realm mappings and memberships. Caches are dropped whenever a
 * transaction rolls back, so they never outlive what the database says.
 */
final class ReplicaContext {
    private final EventStore events;
    private final LoreTables tables;
    private final EventCodec codec = new EventCodec();
    private final DeviceIdentity identity;
    private final SecretStore secrets;
    private final SecureRandom random;
    private final HybridClock clock;
    private final FoldPolicy fold;
    private final Map<RealmId, EventStore.RealmRow> realms = new HashMap<>();
    private final Map<RealmId, Membership> memberships = new HashMap<>();
    private java.util.function.Consumer<String> faults = step -> { };
    /**
     * Entities first seen in the current transaction, with their events in memory: folding them
     * needs no read of the log (most events of an initial sync create a new lore).
     */
    private final Map<String, List<FreshEvent>> fresh = new HashMap<>();
    /** Entities that have conflict rows (kind + NUL + entity), so that clean entities skip the delete. */
    private final java.util.Set<String> conflicted = new java.util.HashSet<>();

    /** An event stored in the current transaction for an entity that had none before. */
    record FreshEvent(EventId id, long hlc, DeviceId author, EntityChange change) {
    }

    ReplicaContext(EventStore events, LoreTables tables, DeviceIdentity identity, SecretStore secrets, SecureRandom random,
                   HybridClock clock, FoldPolicy fold) {
        this.fold = fold;
        this.events = events;
        this.tables = tables;
        this.identity = identity;
        this.secrets = secrets;
        this.random = random;
        this.clock = clock;
    }

    EventStore events() {
        return events;
    }

    LoreTables tables() {
        return tables;
    }

    EventCodec codec() {
        return codec;
    }

    DeviceIdentity identity() {
        return identity;
    }

    DeviceId self() {
        return identity.id();
    }

    SecretStore secrets() {
        return secrets;
    }

    SecureRandom random() {
        return random;
    }

    HybridClock clock() {
        return clock;
    }

    FoldPolicy fold() {
        return fold;
    }

    /**
     * Marks a step of a write; tests install a hook that fails at a chosen step to prove the
     * transaction leaves nothing behind. A no-op otherwise.
     */
    void step(String name) {
        faults.accept(name);
    }

    void faults(java.util.function.Consumer<String> hook) {
        this.faults = hook;
    }

    /** Forgets per-transaction state; called when a transaction begins and ends. */
    void resetTransaction() {
        fresh.clear();
    }

    static String key(RealmId realm, EntityKind kind, String entity) {
        return realm + "\u0000" + kind.code() + "\u0000" + entity;
    }

    /**
     * Notes an entity event about to be stored; when the entity had no events before this
     * transaction its events are kept in memory for {@link #freshEvents}.
     */
    void noteStored(RealmId realm, EventId id, long hlc, DeviceId author, EntityChange change) throws SQLException {
        String k = key(realm, change.kind(), change.entityId());
        List<FreshEvent> list = fresh.get(k);
        if (list == null) {
            if (events.hasEventsOf(change.kind().code(), change.entityId())) {
                return;
            }
            list = new ArrayList<>();
            fresh.put(k, list);
        }
        list.add(new FreshEvent(id, hlc, author, change));
    }

    /** The events of an entity first seen in this transaction, or null when the log must be read. */
    List<FreshEvent> freshEvents(RealmId realm, EntityKind kind, String entity) {
        return fresh.get(key(realm, kind, entity));
    }

    /** Loads which entities have conflicts. */
    void loadConflicted() throws SQLException {
        conflicted.clear();
        for (String[] c : events.conflictedEntities()) {
            conflicted.add(c[0] + "\u0000" + c[1]);
        }
    }

    /** Whether an entity has conflict rows; updates the set to {@code now}. */
    boolean swapConflicted(EntityKind kind, String entity, boolean now) {
        String k = kind.code() + "\u0000" + entity;
        return now ? !conflicted.add(k) : conflicted.remove(k);
    }

    /** Reloads the synced-realm rows from the database. */
    void reloadRealms() throws SQLException {
        realms.clear();
        for (EventStore.RealmRow r : events.realms()) {
            realms.put(RealmId.fromBytes(r.realm()), r);
        }
    }

    Optional<EventStore.RealmRow> realm(RealmId realm) {
        return Optional.ofNullable(realms.get(realm));
    }

    Map<RealmId, EventStore.RealmRow> realms() {
        return realms;
    }

    /** The local realms row a synced realm is mapped to, or null. */
    String localRealmId(RealmId realm) {
        EventStore.RealmRow r = realms.get(realm);
        return r == null ? null : r.localRealmId();
    }

    /** The synced realm a local realms row is mapped to. */
    Optional<RealmId> syncedRealmOf(String localRealmId) {
        for (Map.Entry<RealmId, EventStore.RealmRow> e : realms.entrySet()) {
            if (localRealmId.equals(e.getValue().localRealmId())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /**
     * The body of a readable stored event, decrypted from its sealed bytes (verified when they were
     * stored; see {@link SealedEnvelope#openStored}).
     */
    EventBody decode(StoredEvent e) {
        if (e.opaque()) {
            throw new IllegalArgumentException("event " + EventId.fromBytes(e.id()).shortForm() + " is not readable here");
        }
        return codec.decode(SealedEnvelope.openStored(e.sealed(),
            (realm, epoch) -> secrets.keyring(realm).flatMap(k -> k.epoch(epoch))).plaintext());
    }

    /** The realm's membership, folded from its stored membership events (cached). */
    Membership membership(RealmId realm) throws SQLException {
        Membership m = memberships.get(realm);
        if (m == null) {
            List<MembershipEvent> history = new ArrayList<>();
            for (StoredEvent e : events.eventsOfKind(realm.toBytes(), EntityKind.MEMBER.code())) {
                history.add(new MembershipEvent(EventId.fromBytes(e.id()), e.hlc(), DeviceId.fromBytes(e.author()),
                    (MembershipChange) decode(e)));
            }
            m = MembershipFold.fold(realm, history);
            memberships.put(realm, m);
        }
        return m;
    }

    void forgetMembership(RealmId realm) {
        memberships.remove(realm);
    }

    /** Drops every cache (after a rollback). */
    void forgetAll() throws SQLException {
        memberships.clear();
        fresh.clear();
        reloadRealms();
        loadConflicted();
    }
}
