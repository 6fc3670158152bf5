package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.store.CapturedChange;
import dev.lorehub.node.store.ChangeCapture;
import dev.lorehub.node.store.LoreRow;
import dev.lorehub.node.store.RealmRow;
import dev.lorehub.node.store.RelationRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
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
    int drain(Tx tx, Connection connection, int limit) throws SQLException {
        List<CapturedChange> rows = ChangeCapture.readPending(connection, limit);
        if (rows.isEmpty()) {
            return 0;
        }
        // One entry per entity, in first-seen order; remembers the realm a deleted lore was in.
        Map<String, CapturedChange> entities = new LinkedHashMap<>();
        for (CapturedChange r : rows) {
            String key = r.table() + "\n" + r.id() + "\n" + r.id2() + "\n" + r.id3();
            entities.putIfAbsent(key, r);
        }
        for (CapturedChange c : entities.values()) {
            apply(tx, c);
        }
        ChangeCapture.deleteThrough(connection, rows.get(rows.size() - 1).seq());
        return rows.size();
    }

    /** Brings the events of the entity a captured row names in line with its row. */
    void apply(Tx tx, CapturedChange c) throws SQLException {
        switch (c.table()) {
            case CapturedChange.REALMS -> realm(tx, c.id());
            case CapturedChange.LORES -> lore(tx, c.id());
            case CapturedChange.LORE_RELATIONS -> relation(tx, c.id(), c.id2(), c.id3());
            default -> LOG.warn("Ignoring a captured change to unknown table {}", c.table());
        }
    }

    private void lore(Tx tx, String id) throws SQLException {
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
                writeDelete(tx, realm, EntityKind.LORE, state);
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
            SortedMap<Field, SortedSet<String>> sets = new TreeMap<>();
            sets.put(Field.PROVINCES, new TreeSet<>(r.provinces()));
            sets.put(Field.SIGILS, new TreeSet<>(r.sigils()));
            writeDiff(tx, target, EntityKind.LORE, id, values, sets);
        }
    }

    private void relation(Tx tx, String from, String to, String type) throws SQLException {
        String entity = EntityChange.relationId(from, to, type);
        var row = ctx.tables().relation(from, to, type);
        RealmId target = row.isEmpty() ? null
            : ctx.tables().lore(from).flatMap(l -> ctx.syncedRealmOf(l.realmId())).orElse(null);
        for (RealmId realm : realmsWithEvents(EntityKind.RELATION, entity)) {
            if (realm.equals(target)) {
                continue;
            }
            // A relation that vanished with one of its lores went by cascade: the lore's delete says
            // it all, and if that delete loses to a concurrent edit the relation must come back.
            boolean cascaded = ctx.tables().lore(from).isEmpty() || ctx.tables().lore(to).isEmpty();
            EntityState state = materializer.fold(realm, EntityKind.RELATION, entity);
            if (state.isLive() && !cascaded) {
                writeDelete(tx, realm, EntityKind.RELATION, state);
            }
        }
        if (target != null) {
            RelationRow r = row.get();
            SortedMap<Field, Object> values = new TreeMap<>();
            values.put(Field.RELATION_STRENGTH, r.strength());
            values.put(Field.RELATION_METADATA, r.metadata());
            values.put(Field.RELATION_CREATED_AT, r.createdAt());
            writer.indexRelationEnds(entity);
            writeDiff(tx, target, EntityKind.RELATION, entity, values, new TreeMap<>());
        }
    }

    private void realm(Tx tx, String localId) throws SQLException {
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
        writeDiff(tx, realm, EntityKind.REALM, realm.toString(), values, sets);
    }

    private void unmap(RealmId realm, String localId) throws SQLException {
        LOG.info("Realm row {} was deleted locally: realm {} is no longer mapped here (nothing is deleted on other devices)",
            localId, realm);
        ctx.events().mapRealm(realm.toBytes(), null);
        ctx.reloadRealms();
    }

    /**
     * Emits the event that turns the entity's folded state into the desired values (a creation
     * when it does not exist), then re-materialises it so the row takes its canonical form.
     */
    void writeDiff(Tx tx, RealmId realm, EntityKind kind, String entity, SortedMap<Field, Object> desired,
                   SortedMap<Field, SortedSet<String>> desiredSets) throws SQLException {
        if (!canWrite(realm, kind, entity)) {
            return;
        }
        EntityState state = materializer.fold(realm, kind, entity);
        SortedMap<Field, Object> assignments = new TreeMap<>();
        for (Map.Entry<Field, Object> e : desired.entrySet()) {
            Object value = e.getValue();
            String problem = ValueRules.problem(e.getKey(), value);
            if (problem != null) {
                LOG.warn("Not syncing {} of {} {}: {}", e.getKey().column(), kind, entity, problem);
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
        if (state.isLive() && assignments.isEmpty() && sets.isEmpty()) {
            materializer.materialize(realm, kind, entity); // nothing to say; just canonicalise the row
            return;
        }
        writer.emit(tx, realm, new EntityChange(kind, entity, false, state.heads(), assignments, sets), state.latestHlc());
        materializer.materialize(realm, kind, entity);
    }

    void writeDelete(Tx tx, RealmId realm, EntityKind kind, EntityState state) throws SQLException {
        if (!canWrite(realm, kind, state.entityId())) {
            return;
        }
        writer.emit(tx, realm, new EntityChange(kind, state.entityId(), true, state.heads(), new TreeMap<>(), new TreeMap<>()),
            state.latestHlc());
        materializer.materialize(realm, kind, state.entityId());
    }

    private boolean canWrite(RealmId realm, EntityKind kind, String entity) throws SQLException {
        boolean can = ctx.membership(realm).role(ctx.self()).map(Role::canWrite).orElse(false)
            && ctx.secrets().keyring(realm).isPresent();
        if (!can) {
            LOG.warn("A local change to {} {} in realm {} is not synced: this device may not write there. "
                + "Ask an admin for the write role, or undo the change.", kind, entity, realm);
        }
        return can;
    }

    private List<RealmId> realmsWithEvents(EntityKind kind, String entity) throws SQLException {
        return ctx.events().realmsOf(kind.code(), entity).stream().map(RealmId::fromBytes).sorted().toList();
    }
}
