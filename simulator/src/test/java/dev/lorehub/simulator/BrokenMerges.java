package dev.lorehub.simulator;

import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityFold;
import dev.lorehub.node.core.EntityState;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.FoldEvent;
import dev.lorehub.node.core.FoldPolicy;
import dev.lorehub.node.core.SetDelta;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Deliberately wrong merges, test-only: the simulator's checkers must catch each of them. Every
 * node runs the same wrong merge, so all of them still converge on the same (wrong) state — only
 * the invariants and the reference model can tell.
 */
final class BrokenMerges {
    private BrokenMerges() {
    }

    /** Set fields as the plain union of every add: removals are ignored (DESIGN.md §3 forbids exactly this). */
    static final FoldPolicy UNION_IGNORING_REMOVALS = (kind, id, events) -> {
        EntityState s = EntityFold.fold(kind, id, events);
        SortedMap<Field, SortedSet<String>> union = new TreeMap<>();
        for (FoldEvent e : events) {
            if (!e.authorized()) {
                continue;
            }
            for (Map.Entry<Field, SetDelta> d : e.change().sets().entrySet()) {
                union.computeIfAbsent(d.getKey(), k -> new TreeSet<>()).addAll(d.getValue().adds());
            }
        }
        SortedMap<Field, SortedSet<String>> frozen = new TreeMap<>();
        union.forEach((f, v) -> frozen.put(f, Collections.unmodifiableSortedSet(v)));
        return new EntityState(s.kind(), s.entityId(), s.presence(), s.values(), Collections.unmodifiableSortedMap(frozen),
            s.heads(), s.pendingEvents(), s.conflicts(), s.latestHlc());
    };

    /** Deletes are read as empty edits: a deleted lore stays (resurrects) everywhere. */
    static final FoldPolicy IGNORING_DELETES = (kind, id, events) -> {
        List<FoldEvent> rewritten = events.stream().map(e -> !e.change().deleted() ? e
            : new FoldEvent(e.id(), e.hlc(), e.author(), new EntityChange(e.change().kind(), e.change().entityId(), false,
                e.change().parents(), new TreeMap<>(), new TreeMap<>()), e.authorized())).toList();
        return EntityFold.fold(kind, id, rewritten);
    };
}
