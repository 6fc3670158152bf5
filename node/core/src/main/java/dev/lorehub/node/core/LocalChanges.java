package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns rows captured by the triggers (changes lh made) into events. A captured row only says
 * which entity changed; the event carries the difference between the row as it is now and the
 * entity's folded state, so several quick edits coalesce into one event and a node's own applies,
 * which leave row and state equal, produce nothing.
 */
final class LocalChanges {
    private static final Logger LOG = LoggerFactory.getLogger(LocalChanges.class);

    private final ReplicaContext ctx;
    private final Materializer materializer;
    private final EventWriter writer;

    LocalChanges(ReplicaContext ctx, Materializer materializer, EventWriter writer) {
        this.ctx = ctx;
        this.materializer = materializer;
        this.writer = writer;
    }

    /** Processes up to {@code limit} captured rows; returns how many were consumed. */
    int drain(Tx tx, CaptureQueue capture, int limit) throws StorageException {
        List<CapturedChange> rows = capture.pending(limit);
        if (rows.isEmpty()) {
            return 0;
        }
        // One entry per entity, in first-seen order; remembers the realm a deleted lore was in, and
        // the time of the entity's latest change (the event keeps it: an offline edit is not "now").
        Map<String, CapturedChange> entities = new LinkedHashMap<>();
        Map<String, Long> latest = new java.util.HashMap<>();
        for (CapturedChange r : rows) {
            String key = r.table() + "\n" + r.id() + "\n" + r.id2() + "\n" + r.id3();
            entities.putIfAbsent(key, r);
            latest.merge(key, r.at(), Math::max);
        }
        deletions.clear();
        for (Map.Entry<String, CapturedChange> e : entities.entrySet()) {
            apply(tx, e.getValue(), latest.get(e.getKey()));
        }
        for (Map.Entry<RealmId, long[]> d : deletions.entrySet()) {
            ctx.events().noteDeletions(d.getKey(), d.getValue()[0], d.getValue()[1], d.getValue()[2]);
        }
        capture.deleteThrough(rows.get(rows.size() - 1).seq());
        return rows.size();
    }

    /** Lore deletions written in the current drain, per realm: count, earliest and latest time made (ms). */
    private final Map<RealmId, long[]> deletions = new java.util.HashMap<>();

    /** Brings the events of the entity a captured row names in line with its row, as changed now. */
    void apply(Tx tx, CapturedChange c) throws StorageException {
        apply(tx, c, 0);
    }

    /**
     * Brings the events of the entity a captured row names in line with its row, as changed at
     * {@code changedAt} (ms; 0 or later than now: now).
     */
    void apply(Tx tx, CapturedChange c, long changedAt) throws StorageException {
        long madeAt = changedAt <= 0 || changedAt > tx.now() ? tx.now() : changedAt;
        switch (c.table()) {
            case CapturedChange.REALMS -> realm(tx, c.id(), madeAt);
            case CapturedChange.LORES -> lore(tx, c.id(), madeAt);
            case CapturedChange.LORE_RELATIONS -> relation(tx, c.id(), c.id2(), c.id3(), madeAt);
            default -> LOG.warn("Ignoring a captured change to unknown table {}", c.table());
        }
    }

    private void lore(Tx tx, String id, long madeAt) throws StorageException {
        var row = ctx.tables().lore(id);
        RealmId target = row.flatMap(r -> ctx.syncedRealmOf(r.realmId())).orElse(null);
        // Wherever the lore lived before, other than where it is now, it has left.
        for (RealmId realm : realmsWithEvents(EntityKind.LORE, id)) {
            if (realm.equals(target)) {
                continue;
            }
            String local = ctx.localRealmId(realm);
            if (local != null && ctx.tables().realm(local).isEmpty()) {
                unmap(realm, local);
                continue; // the whole realm was deleted here (its lores cascaded): stop syncing it, delete nothing
            }
            if (local == null) {
                continue; // not mapped here, so the lore cannot have left it on this device
            }
            EntityState state = materializer.fold(realm, EntityKind.LORE, id);
            if (state.isLive()) {
                writeDelete(tx, realm, EntityKind.LORE, state, madeAt);
            }
        }
        if (target != null) {
            LoreRow r = row.get();
            SortedMap<Field, Object> values = new TreeMap<>();
            values.put(Field.CONTENT, r.content());
            values.put(Field.WHY, r.why());
            values.put(Field.TYPE, r.type());
            values.put(Field.CONFIDENCE, r.confidence());
            values.put(Field.ORIGIN, r.origin());
            values.put(Field.STATUS, r.status());
            values.put(Field.CREATED_AT, r.createdAt());
            values.put(Field.UPDATED_AT, r.updatedAt());
            values.put(Field.PROVINCES_TEXT, r.provincesJson());
            values.put(Field.SIGILS_TEXT, r.sigilsJson());
            SortedMap<Field, SortedSet<String>> sets = new TreeMap<>();
            // a list lh cannot parse says nothing about its elements: it stays unsynced (below), and no
            // element is removed because the text reads as empty
            if (ValueRules.problem(Field.PROVINCES_TEXT, r.provincesJson()) == null) {
                sets.put(Field.PROVINCES, new TreeSet<>(r.provinces()));
            }
            if (ValueRules.problem(Field.SIGILS_TEXT, r.sigilsJson()) == null) {
                sets.put(Field.SIGILS, new TreeSet<>(r.sigils()));
            }
            writeDiff(tx, target, EntityKind.LORE, id, values, sets, madeAt);
        }
    }

    private void relation(Tx tx, String from, String to, String type, long madeAt) throws StorageException {
        String entity = new RelationKey(from, to, type).entityId();
        var row = ctx.tables().relation(from, to, type);
        RealmId target = row.isEmpty() ? null
            : ctx.tables().realmOfLore(from).flatMap(ctx::syncedRealmOf).orElse(null);
        for (RealmId realm : realmsWithEvents(EntityKind.RELATION, entity)) {
            if (realm.equals(target)) {
                continue;
            }
            // A relation that vanished with one of its lores went by cascade: the lore's delete says
            // it all, and if that delete loses to a concurrent edit the relation must come back.
            boolean cascaded = ctx.tables().realmOfLore(from).isEmpty() || ctx.tables().realmOfLore(to).isEmpty();
            EntityState state = materializer.fold(realm, EntityKind.RELATION, entity);
            if (state.isLive() && !cascaded) {
                writeDelete(tx, realm, EntityKind.RELATION, state, madeAt);
            }
        }
        if (target != null) {
            RelationRow r = row.get();
            SortedMap<Field, Object> values = new TreeMap<>();
            values.put(Field.RELATION_STRENGTH, r.strength());
            values.put(Field.RELATION_METADATA, r.metadata());
            values.put(Field.RELATION_CREATED_AT, r.createdAt());
            writeDiff(tx, target, EntityKind.RELATION, entity, values, new TreeMap<>(), madeAt);
        }
    }

    private void realm(Tx tx, String localId, long madeAt) throws StorageException {
        RealmId realm = ctx.syncedRealmOf(localId).orElse(null);
        if (realm == null) {
            return;
        }
        var row = ctx.tables().realm(localId);
        if (row.isEmpty()) {
            unmap(realm, localId);
            return;
        }
        RealmRow r = row.get();
        SortedMap<Field, Object> values = new TreeMap<>();
        values.put(Field.REALM_NAME, r.name());
        values.put(Field.REALM_GIT_REMOTE, r.gitRemote());
        values.put(Field.REALM_IS_MONOREPO, r.monorepo());
        SortedMap<Field, SortedSet<String>> sets = new TreeMap<>();
        sets.put(Field.REALM_PROVINCES, new TreeSet<>(r.provinces()));
        writeDiff(tx, realm, EntityKind.REALM, realm.toString(), values, sets, madeAt);
    }

    private void unmap(RealmId realm, String localId) throws StorageException {
        LOG.info("Realm row {} was deleted locally: realm {} is no longer mapped here (nothing is deleted on other devices)",
            localId, realm);
        ctx.events().mapRealm(realm, null);
        ctx.reloadRealms();
    }

    /**
     * Emits the event that turns the entity's folded state into the desired values (a creation
     * when it does not exist). lh's row is left as lh wrote it unless a merge changes it. What
     * cannot sync (no write role here, no key yet, a value the node cannot carry) is recorded as
     * an unsynced local change instead of vanishing, and syncs once it can.
     */
    void writeDiff(Tx tx, RealmId realm, EntityKind kind, String entity, SortedMap<Field, Object> desired,
                   SortedMap<Field, SortedSet<String>> desiredSets, long madeAt) throws StorageException {
        if (!canWrite(tx, realm, kind, entity)) {
            return;
        }
        EntityState state = materializer.fold(realm, kind, entity);
        SortedMap<Field, Object> assignments = new TreeMap<>();
        List<String> problems = new java.util.ArrayList<>();
        for (Map.Entry<Field, Object> e : desired.entrySet()) {
            Object value = e.getValue();
            String problem = ValueRules.problem(e.getKey(), value);
            if (problem != null) {
                problems.add(problem);
                continue;
            }
            boolean known = state.isLive() && state.values().containsKey(e.getKey());
            boolean changed = known ? !Objects.equals(state.value(e.getKey()), value) : value != null;
            if (changed) {
                assignments.put(e.getKey(), value);
            }
        }
        SortedMap<Field, SetDelta> sets = new TreeMap<>();
        for (Map.Entry<Field, SortedSet<String>> e : desiredSets.entrySet()) {
            java.util.Set<String> current = state.isLive() ? state.set(e.getKey()) : java.util.Set.of();
            SetDelta d = SetDelta.between(current, e.getValue());
            if (!d.isEmpty()) {
                sets.put(e.getKey(), d);
            }
        }
        if (problems.isEmpty()) {
            ctx.events().clearUnsynced(realm, kind, entity);
        } else {
            ctx.events().noteUnsynced(realm, kind, entity, "a value the node cannot carry: "
                + String.join("; ", problems), tx.now());
        }
        if (state.isLive() && assignments.isEmpty() && sets.isEmpty()) {
            return; // nothing changed that syncs: lh's row stays exactly as lh wrote it
        }
        writer.emit(tx, realm, new EntityChange(kind, entity, false, state.heads(), assignments, sets), state.latestHlc(),
            madeAt);
        materializer.materializeAfterLocalWrite(realm, kind, entity);
    }

    void writeDelete(Tx tx, RealmId realm, EntityKind kind, EntityState state, long madeAt) throws StorageException {
        if (!canWrite(tx, realm, kind, state.entityId())) {
            return;
        }
        ctx.events().clearUnsynced(realm, kind, state.entityId());
        writer.emit(tx, realm, new EntityChange(kind, state.entityId(), true, state.heads(), new TreeMap<>(), new TreeMap<>()),
            state.latestHlc(), madeAt);
        if (kind == EntityKind.LORE) {
            long[] d = deletions.computeIfAbsent(realm, r -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            d[0]++;
            d[1] = Math.min(d[1], madeAt);
            d[2] = Math.max(d[2], madeAt);
        }
        materializer.materializeAfterLocalWrite(realm, kind, state.entityId());
    }

    /** True if this device may write the realm now; otherwise the change is recorded as unsynced, with why. */
    private boolean canWrite(Tx tx, RealmId realm, EntityKind kind, String entity) throws StorageException {
        String why = whyNotWritable(realm);
        if (why != null) {
            ctx.events().noteUnsynced(realm, kind, entity, why, tx.now());
            LOG.info("A local change to {} {} in realm {} is kept unsynced: {}", kind, entity, realm, why);
        }
        return why == null;
    }

    /** Null if this device may write the realm now, else why not, in user words. */
    String whyNotWritable(RealmId realm) throws StorageException {
        String restored = ctx.restoreGate();
        if (restored != null) {
            return restored;
        }
        java.util.Optional<Role> role = ctx.membership(realm).role(ctx.self());
        if (role.isEmpty()) {
            return "this device is not a member of the realm (any more)";
        }
        if (!role.get().canWrite()) {
            return "this device has the " + role.get().name().toLowerCase(java.util.Locale.ROOT) + " role; an admin must "
                + "grant it write (`lorehub-node realm grant DEVICE --role write` on an admin's device)";
        }
        if (ctx.secrets().keyring(realm).isEmpty()) {
            return "this device does not hold the realm key yet; it arrives with the next sync from an admin";
        }
        int current = ctx.membership(realm).currentEpoch();
        if (ctx.secrets().keyring(realm).get().epoch(current).isEmpty()) {
            // an admin rotated without this device (concurrently with adding it): its maintenance wraps the key soon
            return "this device does not hold the realm's current key (epoch " + current + ") yet; it arrives with the next "
                + "sync from an admin";
        }
        return null;
    }

    private List<RealmId> realmsWithEvents(EntityKind kind, String entity) throws StorageException {
        return ctx.events().realmsOf(kind, entity).stream().sorted().toList();
    }
}
