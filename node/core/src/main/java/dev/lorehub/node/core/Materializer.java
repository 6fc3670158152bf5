package dev.lorehub.node.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes an entity's folded state into lh's tables, and its conflicts into the node's. Called
 * inside the write transaction that stored the events, so tables and log never disagree.
 */
final class Materializer {
    static final String DEFAULT_STATUS = "living";
    static final long DEFAULT_CONFIDENCE = 80;

    private final ReplicaContext ctx;

    Materializer(ReplicaContext ctx) {
        this.ctx = ctx;
    }

    /** The folded state of one entity within one realm, from the events stored so far. */
    EntityState fold(RealmId realm, EntityKind kind, String entity) throws StorageException {
        List<FoldEvent> history = new ArrayList<>();
        List<ReplicaContext.FreshEvent> fresh = ctx.freshEvents(realm, kind, entity);
        if (fresh != null) {
            for (ReplicaContext.FreshEvent e : fresh) {
                history.add(new FoldEvent(e.id(), e.hlc(), e.author(), e.change(),
                    ctx.writeAuthority(realm, e.author(), e.change().causality(), e.hlc(), e.id()).authorized()));
            }
            return ctx.fold().fold(kind, entity, history);
        }
        for (StoredEvent e : ctx.events().eventsOf(kind, entity)) {
            if (e.opaque() || !e.realm().equals(realm)) {
                continue;
            }
            EventId id = e.id();
            DeviceId author = e.author();
            EntityChange change;
            try {
                change = (EntityChange) ctx.decode(e);
            } catch (MissingDeltaBaseException | EventFormatException unresolved) {
                // A text sent as a delta whose base is not here yet, or that does not fit its base (only
                // possible for an event stored unread and revealed later; ingest refuses or holds the
                // rest): it is left out as if it had not arrived, so nothing is applied as other text
                // than its author wrote, and every device with the same events folds the same.
                continue;
            }
            history.add(new FoldEvent(id, e.hlc(), author, change,
                ctx.writeAuthority(realm, author, change.causality(), e.hlc(), id).authorized()));
        }
        return ctx.fold().fold(kind, entity, history);
    }

    /** Re-folds an entity and writes the result; returns the state. */
    EntityState materialize(RealmId realm, EntityKind kind, String entity) throws StorageException {
        return materialize(realm, kind, entity, false);
    }

    /**
     * After this device wrote an event from lh's row: lh's row is left exactly as lh wrote it
     * unless a merge with concurrent events changed the entity (more than one head was merged,
     * or a concurrent branch is still open); conflicts are recorded either way.
     */
    EntityState materializeAfterLocalWrite(RealmId realm, EntityKind kind, String entity) throws StorageException {
        return materialize(realm, kind, entity, true);
    }

    private EntityState materialize(RealmId realm, EntityKind kind, String entity, boolean localWrite) throws StorageException {
        EntityState state = fold(realm, kind, entity);
        if (localWrite && state.heads().size() <= 1) {
            recordConflicts(realm, state);
            return state;
        }
        String localRealm = ctx.localRealmId(realm);
        switch (kind) {
            case LORE -> writeLore(realm, localRealm, state);
            case RELATION -> writeRelation(localRealm, state);
            case REALM -> writeRealm(localRealm, state);
            default -> throw new IllegalArgumentException("not an entity kind: " + kind);
        }
        recordConflicts(realm, state);
        return state;
    }

    private void writeLore(RealmId realm, String localRealm, EntityState state) throws StorageException {
        LhRows tables = ctx.tables();
        var existing = tables.lore(state.entityId());
        boolean wasLive = existing.isPresent();
        if (localRealm == null) {
            return; // not mapped on this device yet: events wait in the log
        }
        LoreRow row = state.isLive() ? loreRow(localRealm, state) : null;
        if (row != null) {
            if (!row.equals(existing.orElse(null))) {
                tables.writeLore(row, existing.orElse(null));
            }
        } else if (existing.isPresent() && existing.get().realmId().equals(localRealm)) {
            tables.deleteLore(state.entityId());
        }
        boolean nowLive = row != null;
        if (nowLive && !wasLive) {
            // relations that arrived before this lore can appear now
            for (String relation : ctx.events().relationsTouching(state.entityId())) {
                materialize(realm, EntityKind.RELATION, relation);
            }
        }
    }

    /** The lh row for a live lore, or null when its history lacks a required column. */
    static LoreRow loreRow(String localRealm, EntityState s) {
        Object content = s.value(Field.CONTENT);
        Object type = s.value(Field.TYPE);
        Object origin = s.value(Field.ORIGIN);
        if (!(content instanceof String) || !(type instanceof String) || !(origin instanceof String)) {
            return null;
        }
        String created = Objects.requireNonNullElse((String) s.value(Field.CREATED_AT), "1970-01-01T00:00:00.000Z");
        String updated = Objects.requireNonNullElse((String) s.value(Field.UPDATED_AT), created);
        Object confidence = s.value(Field.CONFIDENCE);
        Object status = s.value(Field.STATUS);
        return new LoreRow(s.entityId(), localRealm, (String) content, (String) s.value(Field.WHY), (String) type,
            ListText.of((String) s.value(Field.PROVINCES_TEXT), s.set(Field.PROVINCES)),
            ListText.of((String) s.value(Field.SIGILS_TEXT), s.set(Field.SIGILS)),
            confidence == null ? DEFAULT_CONFIDENCE : (Long) confidence, (String) origin,
            status == null ? DEFAULT_STATUS : (String) status, created, updated);
    }

    private void writeRelation(String localRealm, EntityState state) throws StorageException {
        RelationKey key = RelationKey.of(state.entityId());
        LhRows tables = ctx.tables();
        if (localRealm == null) {
            return;
        }
        boolean endsLive = tables.realmOfLore(key.from()).isPresent() && tables.realmOfLore(key.to()).isPresent() && !key.from().equals(key.to());
        if (state.isLive() && endsLive) {
            Object strength = state.value(Field.RELATION_STRENGTH);
            String created = Objects.requireNonNullElse((String) state.value(Field.RELATION_CREATED_AT),
                "1970-01-01T00:00:00.000Z");
            tables.upsertRelation(new RelationRow(key.from(), key.to(), key.type(), strength == null ? 1.0 : (Double) strength,
                (String) state.value(Field.RELATION_METADATA), created));
        } else {
            tables.deleteRelation(key.from(), key.to(), key.type());
        }
    }

    private void writeRealm(String localRealm, EntityState state) throws StorageException {
        if (localRealm == null || !state.isLive()) {
            return;
        }
        RealmRow current = ctx.tables().realm(localRealm).orElse(null);
        if (current == null) {
            return;
        }
        Object name = state.value(Field.REALM_NAME);
        Object monorepo = state.value(Field.REALM_IS_MONOREPO);
        ctx.tables().updateRealmFields(new RealmRow(localRealm, name == null ? current.name() : (String) name, current.path(),
            state.values().containsKey(Field.REALM_GIT_REMOTE) ? (String) state.value(Field.REALM_GIT_REMOTE) : current.gitRemote(),
            monorepo == null ? current.monorepo() : (Boolean) monorepo, List.copyOf(state.set(Field.REALM_PROVINCES))));
    }

    private void recordConflicts(RealmId realm, EntityState state) throws StorageException {
        boolean had = ctx.swapConflicted(state.kind(), state.entityId(), !state.conflicts().isEmpty());
        if (!had && state.conflicts().isEmpty()) {
            return; // nothing recorded before, nothing now: skip the delete
        }
        List<LogRows.ConflictRow> rows = new ArrayList<>();
        for (Conflict c : state.conflicts()) {
            rows.add(new LogRows.ConflictRow(realm, c.kind(), c.entityId(),
                c.field() == null ? 0 : c.field().code(), c.type().name(), c.winner() == null ? null : c.winner().toString(),
                versionsJson(c)));
        }
        ctx.events().replaceConflicts(realm, state.kind(), state.entityId(), rows);
    }

    /** A version's fields by lh's column names, as the conflict record shows them. */
    private static Map<String, Object> byColumn(Map<?, ?> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((f, v) -> out.put(f instanceof Field field ? field.column() : String.valueOf(f), v));
        return out;
    }

    static String versionsJson(Conflict c) {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (Conflict.Version v : c.versions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", v.event().toString());
            m.put("author", v.author().toString());
            m.put("hlc", v.hlc());
            m.put("at", Instant.ofEpochMilli(HybridClock.millis(v.hlc())).toString());
            m.put("deleted", v.deleted());
            m.put("value", v.value() instanceof Map<?, ?> fields ? byColumn(fields) : v.value());
            versions.add(m);
        }
        try {
            return dev.lorehub.node.json.Json.MAPPER.writeValueAsString(versions);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain maps always serialise", e);
        }
    }
}
