package dev.lorehub.node.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The ready events of one entity in canonical order, with parent links as positions in that order.
 *
 * <p>An event is <em>ready</em> when every ancestor has arrived (and the history above it has no
 * cycle); the others are pending. The canonical order is Kahn's algorithm taking, at each step, the
 * ready event with the smallest (HLC, id): a topological order that depends only on the set of
 * events, never on arrival. Duplicates (same id) are dropped, the first one in the input kept.
 *
 * <p>Cost: O((n + m) log n) time and O(n + m) memory for n events with m parent links; parent
 * links are kept as flat int arrays (compressed rows), not as objects.
 */
final class CausalOrder {
    private static final Comparator<FoldEvent> CANONICAL =
        Comparator.comparingLong(FoldEvent::hlc).thenComparing(FoldEvent::id);

    private final FoldEvent[] events;
    private final int[] parentStart;
    private final int[] parentIndex;
    private final int[] heads;
    private final int pending;

    private CausalOrder(FoldEvent[] events, int[] parentStart, int[] parentIndex, int[] heads, int pending) {
        this.events = events;
        this.parentStart = parentStart;
        this.parentIndex = parentIndex;
        this.heads = heads;
        this.pending = pending;
    }

    /** Orders the events of one entity; every event must be about {@code kind} {@code entityId}. */
    static CausalOrder of(EntityKind kind, String entityId, Collection<FoldEvent> input) {
        Map<EventId, Integer> slot = new HashMap<>(Math.max(16, input.size() * 4 / 3 + 1));
        List<FoldEvent> unique = new ArrayList<>(input.size());
        for (FoldEvent e : input) {
            if (e.change().kind() != kind || !e.change().entityId().equals(entityId)) {
                throw new IllegalArgumentException("event " + e.id() + " is not about " + kind + " " + entityId);
            }
            if (slot.putIfAbsent(e.id(), unique.size()) == null) {
                unique.add(e);
            }
        }
        int u = unique.size();
        // children of each arrived event, as compressed rows over arrival slots
        int[] waiting = new int[u];
        int[] childCount = new int[u + 1];
        for (int i = 0; i < u; i++) {
            int present = 0;
            boolean missing = false;
            List<EventId> parents = unique.get(i).change().parents();
            for (int k = 0; k < parents.size(); k++) { // indexed: no iterator per event
                Integer ps = slot.get(parents.get(k));
                if (ps == null) {
                    missing = true;
                } else {
                    present++;
                    childCount[ps]++;
                }
            }
            waiting[i] = missing ? Integer.MAX_VALUE : present; // a missing ancestor keeps it pending
        }
        int[] childStart = new int[u + 1];
        for (int i = 0; i < u; i++) {
            childStart[i + 1] = childStart[i] + childCount[i];
        }
        int[] children = new int[childStart[u]];
        int[] fill = childStart.clone();
        for (int i = 0; i < u; i++) {
            List<EventId> parents = unique.get(i).change().parents();
            for (int k = 0; k < parents.size(); k++) {
                Integer ps = slot.get(parents.get(k));
                if (ps != null) {
                    children[fill[ps]++] = i;
                }
            }
        }
        PriorityQueue<FoldEvent> ready = new PriorityQueue<>(CANONICAL);
        for (int i = 0; i < u; i++) {
            if (waiting[i] == 0) {
                ready.add(unique.get(i));
            }
        }
        int[] position = new int[u];
        List<FoldEvent> order = new ArrayList<>(u);
        while (!ready.isEmpty()) {
            FoldEvent e = ready.poll();
            int s = slot.get(e.id());
            position[s] = order.size();
            order.add(e);
            for (int c = childStart[s]; c < childStart[s + 1]; c++) {
                int child = children[c];
                if (waiting[child] != Integer.MAX_VALUE && --waiting[child] == 0) {
                    ready.add(unique.get(child));
                }
            }
        }
        int n = order.size();
        int[] parentStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            parentStart[i + 1] = parentStart[i] + order.get(i).change().parents().size();
        }
        int[] parentIndex = new int[parentStart[n]];
        boolean[] superseded = new boolean[n];
        int k = 0;
        for (FoldEvent e : order) {
            List<EventId> parents = e.change().parents();
            for (int j = 0; j < parents.size(); j++) {
                int pi = position[slot.get(parents.get(j))]; // every parent of a ready event is ready, hence ordered
                parentIndex[k++] = pi;
                superseded[pi] = true;
            }
        }
        int headCount = 0;
        for (boolean s : superseded) {
            headCount += s ? 0 : 1;
        }
        int[] heads = new int[headCount];
        for (int i = 0, h = 0; i < n; i++) {
            if (!superseded[i]) {
                heads[h++] = i;
            }
        }
        return new CausalOrder(order.toArray(new FoldEvent[0]), parentStart, parentIndex, heads, u - n);
    }

    /** Number of ready events. */
    int size() {
        return events.length;
    }

    /** The event at position {@code i} of the canonical order. */
    FoldEvent event(int i) {
        return events[i];
    }

    /** Number of parent links among ready events. */
    int links() {
        return parentIndex.length;
    }

    int parentCount(int i) {
        return parentStart[i + 1] - parentStart[i];
    }

    /** The {@code k}-th parent of event {@code i} (a smaller position). */
    int parent(int i, int k) {
        return parentIndex[parentStart[i] + k];
    }

    /** The parents of event {@code i}, as a new array. */
    int[] parents(int i) {
        return java.util.Arrays.copyOfRange(parentIndex, parentStart[i], parentStart[i + 1]);
    }

    /** Positions of the ready events nothing ready supersedes, ascending. */
    int[] heads() {
        return heads.clone();
    }

    int headCount() {
        return heads.length;
    }

    int head(int k) {
        return heads[k];
    }

    /** Events held back because an ancestor has not arrived (or their history is not a DAG). */
    int pending() {
        return pending;
    }
}
