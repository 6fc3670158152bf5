package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Brings entities back to an earlier state by writing new events (history is never rewritten,
 * so every device converges on the undo): the target is the entity's fold restricted to the
 * events at or before a time, or to one version and its ancestors; the new event supersedes every
 * current head and sets what differs. A lore deleted since comes back (an event after a delete
 * revives the entity with the values it had); one created since is deleted.
 */
final class Undo {
    private final ReplicaContext ctx;
    private final Materializer materializer;
    private final EventWriter writer;

    Undo(ReplicaContext ctx, Materializer materializer, EventWriter writer) {
        this.ctx = ctx;
        this.materializer = materializer;
        this.writer = writer;
    }

    /** Keeps the events stamped at or before {@code millis} (wall time of their HLC). */
    static Predicate<FoldEvent> atOrBefore(long millis) {
        return e -> HybridClock.millis(e.hlc()) <= millis;
    }

    /** Keeps {@code version} and its ancestors among the entity's events. */
    Predicate<FoldEvent> upTo(RealmId realm, EntityKind kind, String entity, EventId version) throws StorageException {
        Map<EventId, List<EventId>> parents = new HashMap<>();
        for (FoldEvent e : events(realm, kind, entity)) {
            parents.put(e.id(), e.change().parents());
        }
        if (!parents.containsKey(version)) {
            throw new ReplicaException("Version " + version.shortForm() + " is not an event of " + kind.name().toLowerCase()
                + " " + entity + " (see `lorehub-node log --lore " + entity + "`).");
        }
        Set<EventId> keep = new HashSet<>();
        Deque<EventId> todo = new ArrayDeque<>(List.of(version));
        while (!todo.isEmpty()) {
            EventId id = todo.pop();
            if (keep.add(id)) {
                todo.addAll(parents.getOrDefault(id, List.of()));
            }
        }
        return e -> keep.contains(e.id());
    }

    /** The entity's events in a realm as the fold sees them. */
    List<FoldEvent> events(RealmId realm, EntityKind kind, String entity) throws StorageException {
        List<FoldEvent> out = new ArrayList<>();
        for (StoredEvent e : ctx.events().eventsOf(kind, entity)) {
            if (e.opaque() || !e.realm().equals(realm)) {
                continue;
            }
            EventId id = e.id();
            DeviceId author = e.author();
            EntityChange change = (EntityChange) ctx.decode(e);
            out.add(new FoldEvent(id, e.hlc(), author, change, ctx.writeAuthority(realm, author, change.causality(), e.hlc(), id)
                .authorized()));
        }
        return out;
    }

    /**
     * Writes the event that brings one entity to its state over the events {@code keep} accepts;
     * returns false when it is there already.
     */
    boolean undo(Tx tx, RealmId realm, EntityKind kind, String entity, Predicate<FoldEvent> keep) throws StorageException {
        List<FoldEvent> all = events(realm, kind, entity);
        EntityState current = ctx.fold().fold(kind, entity, all);
        EntityState target = ctx.fold().fold(kind, entity, all.stream().filter(keep).toList());
        boolean targetLive = target.isLive() && (kind != EntityKind.LORE || Materializer.loreRow("-", target) != null);
        if (!targetLive) {
            if (!current.isLive()) {
                return false;
            }
            writer.emit(tx, realm, new EntityChange(kind, entity, true, current.heads(), new TreeMap<>(), new TreeMap<>()),
                current.latestHlc());
            materializer.materialize(realm, kind, entity);
            return true;
        }
        SortedMap<Field, Object> assignments = new TreeMap<>();
        SortedMap<Field, SetDelta> sets = new TreeMap<>();
        for (Field f : Field.values()) {
            if (f.entity() != kind) {
                continue;
            }
            if (f.merge() == Field.Merge.SET) {
                SetDelta d = SetDelta.between(current.set(f), target.set(f));
                if (!d.isEmpty()) {
                    sets.put(f, d);
                }
                continue;
            }
            boolean has = target.values().containsKey(f);
            Object want = target.value(f);
            boolean differs = !current.isLive() ? has : has ? !Objects.equals(current.value(f), want)
                : current.values().containsKey(f) && current.value(f) != null;
            if (differs && f.accepts(want)) {
                assignments.put(f, want);
            }
        }
        if (current.isLive() && assignments.isEmpty() && sets.isEmpty()) {
            return false;
        }
        writer.emit(tx, realm, new EntityChange(kind, entity, false, current.heads(), assignments, sets), current.latestHlc());
        materializer.materialize(realm, kind, entity);
        return true;
    }
}
