package dev.lorehub.node.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test oracle: {@code EntityFold} as it was at commit 346ad19, moved here verbatim (only the class
 * name changed). It keeps a BitSet of ancestors and a state per event, so it costs memory quadratic
 * in the event count; {@code EntityFoldEquivalenceTest} checks that the linear-memory
 * {@link EntityFold} gives exactly its results, and {@code FoldBench} measures both side by side.
 *
 * <p>Materialises one entity from the set of its events (DESIGN.md §3): a pure, order-independent
 * function of that set.
 *
 * <ol>
 *   <li>Events whose ancestors have all arrived are <em>ready</em>; the rest wait (and count as pending).</li>
 *   <li>Ready events are put in a canonical topological order (parents first, ties by (HLC, id)).</li>
 *   <li>The state at each event is its parents' merged state with its own delta applied (an unauthorised
 *       event applies nothing).</li>
 *   <li>The entity's state is the merge of its heads: a delete loses to a concurrent edit; text fields merge
 *       three-way against the best common ancestor ({@link TextMerge}); overlapping text keeps the latest writer
 *       and records a {@link Conflict}; other fields are last-writer-wins by {@link Stamp}, status included
 *       (an archive and a concurrent edit are both kept); set fields are add-wins observed-remove sets over the whole history.</li>
 * </ol>
 */
public final class QuadraticEntityFold {

    private final List<FoldEvent> order = new ArrayList<>();
    private final Map<EventId, Integer> index = new HashMap<>();
    private final List<BitSet> ancestors = new ArrayList<>();
    private final List<NodeState> states = new ArrayList<>();
    private final List<Conflict> conflicts = new ArrayList<>();
    private final EntityKind kind;
    private final String entityId;

    private QuadraticEntityFold(EntityKind kind, String entityId) {
        this.kind = kind;
        this.entityId = entityId;
    }

    /** Folds the events of one entity (all must have this kind and id; duplicates are ignored). */
    public static EntityState fold(EntityKind kind, String entityId, Collection<FoldEvent> events) {
        return new QuadraticEntityFold(kind, entityId).run(events);
    }

    private EntityState run(Collection<FoldEvent> input) {
        Map<EventId, FoldEvent> byId = new HashMap<>();
        for (FoldEvent e : input) {
            if (e.change().kind() != kind || !e.change().entityId().equals(entityId)) {
                throw new IllegalArgumentException("event " + e.id() + " is not about " + kind + " " + entityId);
            }
            byId.putIfAbsent(e.id(), e);
        }
        orderReady(byId);
        int pending = byId.size() - order.size();
        if (order.isEmpty()) {
            return absent(List.of(), pending);
        }
        for (int i = 0; i < order.size(); i++) {
            FoldEvent e = order.get(i);
            BitSet anc = new BitSet(order.size());
            anc.set(i);
            List<Integer> parents = new ArrayList<>();
            for (EventId p : e.change().parents()) {
                int pi = index.get(p);
                anc.or(ancestors.get(pi));
                parents.add(pi);
            }
            ancestors.add(anc);
            NodeState base = parents.isEmpty() ? NodeState.EMPTY : merge(parents, false);
            states.add(e.authorized() ? base.apply(e) : base);
        }
        List<Integer> heads = heads();
        List<EventId> headIds = heads.stream().map(i -> order.get(i).id()).sorted().toList();
        boolean anyAuthorized = order.stream().anyMatch(FoldEvent::authorized);
        if (!anyAuthorized) {
            return absent(headIds, pending);
        }
        NodeState result = merge(heads, true);
        EntityState.Presence presence = result.deleted ? EntityState.Presence.DELETED : EntityState.Presence.LIVE;
        SortedMap<Field, Object> values = Collections.unmodifiableSortedMap(new TreeMap<>(result.values));
        return new EntityState(kind, entityId, presence, values, observedRemoveSets(), headIds, pending, conflicts,
            latestHlc());
    }

    private EntityState absent(List<EventId> heads, int pending) {
        return new EntityState(kind, entityId, EntityState.Presence.ABSENT, Collections.emptySortedMap(),
            Collections.emptySortedMap(), heads, pending, List.of(), latestHlc());
    }

    private long latestHlc() {
        long max = 0;
        for (FoldEvent e : order) {
            max = Math.max(max, e.hlc());
        }
        return max;
    }

    /** Kahn's algorithm with (HLC, id) priority: a canonical order that does not depend on arrival. */
    private void orderReady(Map<EventId, FoldEvent> byId) {
        Map<EventId, List<FoldEvent>> children = new HashMap<>();
        Map<EventId, Integer> waitingOn = new HashMap<>();
        Comparator<FoldEvent> canonical = Comparator.comparingLong(FoldEvent::hlc).thenComparing(FoldEvent::id);
        PriorityQueue<FoldEvent> ready = new PriorityQueue<>(canonical);
        for (FoldEvent e : byId.values()) {
            int present = 0;
            boolean missing = false;
            for (EventId p : e.change().parents()) {
                if (byId.containsKey(p)) {
                    present++;
                    children.computeIfAbsent(p, k -> new ArrayList<>()).add(e);
                } else {
                    missing = true;
                }
            }
            if (missing) {
                waitingOn.put(e.id(), Integer.MAX_VALUE); // never ready until the ancestor arrives
            } else if (present == 0) {
                ready.add(e);
            } else {
                waitingOn.put(e.id(), present);
            }
        }
        while (!ready.isEmpty()) {
            FoldEvent e = ready.poll();
            index.put(e.id(), order.size());
            order.add(e);
            for (FoldEvent c : children.getOrDefault(e.id(), List.of())) {
                int left = waitingOn.merge(c.id(), -1, Integer::sum);
                if (left == 0) {
                    waitingOn.remove(c.id());
                    ready.add(c);
                }
            }
        }
    }

    private List<Integer> heads() {
        BitSet superseded = new BitSet(order.size());
        for (FoldEvent e : order) {
            for (EventId p : e.change().parents()) {
                superseded.set(index.get(p));
            }
        }
        List<Integer> heads = new ArrayList<>();
        for (int i = superseded.nextClearBit(0); i < order.size(); i = superseded.nextClearBit(i + 1)) {
            heads.add(i);
        }
        return heads;
    }

    /**
     * Merges the states at the given events; records conflicts only for the final merge of the
     * heads. The result exists if any of them does (an edit beats a concurrent delete), and its
     * fields merge over all of them, so changes made on a branch before it deleted are not lost.
     */
    private NodeState merge(List<Integer> nodes, boolean record) {
        if (nodes.size() == 1) {
            return states.get(nodes.get(0));
        }
        List<Integer> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(i -> order.get(i).stamp()));
        List<Integer> live = sorted.stream().filter(i -> !states.get(i).deleted).toList();
        if (record && !live.isEmpty() && live.size() < sorted.size()) {
            List<Conflict.Version> versions = sorted.stream()
                .map(i -> version(i, states.get(i).deleted ? null : new TreeMap<>(states.get(i).values))).toList();
            conflicts.add(new Conflict(kind, entityId, null, Conflict.Type.DELETE_VS_EDIT, null, versions));
        }
        NodeState base = commonAncestorState(sorted);
        NodeState merged = new NodeState(live.isEmpty());
        TreeSet<Field> fields = new TreeSet<>();
        for (int i : sorted) {
            fields.addAll(states.get(i).values.keySet());
            merged.lastChange = max(merged.lastChange, states.get(i).lastChange);
        }
        for (Field f : fields) {
            if (f.merge() == Field.Merge.TEXT) {
                mergeText(f, sorted, base, merged, record);
            } else {
                int winner = latestWriter(f, sorted);
                merged.put(f, states.get(winner).values.get(f), states.get(winner).stamps.get(f));
            }
        }
        return merged;
    }

    private void mergeText(Field f, List<Integer> live, NodeState base, NodeState merged, boolean record) {
        List<Integer> writers = live.stream().filter(i -> states.get(i).stamps.containsKey(f)).toList();
        Stamp newest = null;
        boolean anyNull = false;
        for (int i : writers) {
            newest = max(newest, states.get(i).stamps.get(f));
            anyNull |= states.get(i).values.get(f) == null;
        }
        String baseText = Objects.toString(base.values.get(f), "");
        String acc = null;
        boolean conflict = false;
        for (int i : writers) {
            String text = Objects.toString(states.get(i).values.get(f), "");
            if (acc == null) {
                acc = text;
                continue;
            }
            TextMerge.Result r = TextMerge.merge(baseText, acc, text);
            if (r.conflict()) {
                conflict = true;
                break;
            }
            acc = r.merged();
        }
        if (!conflict) {
            merged.put(f, acc.isEmpty() && anyNull ? null : acc, newest);
            return;
        }
        int winner = latestWriter(f, writers);
        Object value = states.get(winner).values.get(f);
        merged.put(f, value, states.get(winner).stamps.get(f));
        if (record) {
            List<Conflict.Version> versions = writers.stream().map(i -> version(i, states.get(i).values.get(f))).toList();
            conflicts.add(new Conflict(kind, entityId, f, Conflict.Type.TEXT, value, versions));
        }
    }

    private int latestWriter(Field f, List<Integer> candidates) {
        int best = -1;
        Stamp bestStamp = null;
        for (int i : candidates) {
            Stamp s = states.get(i).stamps.get(f);
            if (s != null && (bestStamp == null || s.compareTo(bestStamp) > 0)) {
                best = i;
                bestStamp = s;
            }
        }
        return best >= 0 ? best : candidates.get(candidates.size() - 1);
    }

    /**
     * The state at the best common ancestor: the latest event (in canonical order) that is an
     * ancestor of every given event. Being latest in a topological order, it has no descendant
     * among the common ancestors, so it is a maximal one; choosing by order keeps it deterministic
     * when there are several (criss-cross histories).
     */
    private NodeState commonAncestorState(List<Integer> nodes) {
        BitSet common = (BitSet) ancestors.get(nodes.get(0)).clone();
        for (int i : nodes) {
            common.and(ancestors.get(i));
        }
        int best = common.length() - 1;
        return best < 0 ? NodeState.EMPTY : states.get(best);
    }

    private Conflict.Version version(int i, Object value) {
        FoldEvent e = order.get(i);
        return new Conflict.Version(e.id(), e.author(), e.hlc(), states.get(i).deleted, value);
    }

    /** Add-wins observed-remove sets: an element is present if some add of it is not in the causal past of a remove of it. */
    private SortedMap<Field, SortedSet<String>> observedRemoveSets() {
        Map<Field, Map<String, List<Integer>>> adds = new TreeMap<>();
        Map<Field, Map<String, List<Integer>>> removes = new TreeMap<>();
        for (int i = 0; i < order.size(); i++) {
            FoldEvent e = order.get(i);
            if (!e.authorized()) {
                continue;
            }
            for (Map.Entry<Field, SetDelta> d : e.change().sets().entrySet()) {
                for (String a : d.getValue().adds()) {
                    adds.computeIfAbsent(d.getKey(), k -> new HashMap<>()).computeIfAbsent(a, k -> new ArrayList<>()).add(i);
                }
                for (String r : d.getValue().removes()) {
                    removes.computeIfAbsent(d.getKey(), k -> new HashMap<>()).computeIfAbsent(r, k -> new ArrayList<>()).add(i);
                }
            }
        }
        SortedMap<Field, SortedSet<String>> result = new TreeMap<>();
        for (Map.Entry<Field, Map<String, List<Integer>>> f : adds.entrySet()) {
            Map<String, List<Integer>> fieldRemoves = removes.getOrDefault(f.getKey(), Map.of());
            TreeSet<String> present = new TreeSet<>();
            for (Map.Entry<String, List<Integer>> el : f.getValue().entrySet()) {
                List<Integer> rs = fieldRemoves.getOrDefault(el.getKey(), List.of());
                for (int a : el.getValue()) {
                    if (rs.stream().noneMatch(r -> ancestors.get(r).get(a))) {
                        present.add(el.getKey());
                        break;
                    }
                }
            }
            result.put(f.getKey(), Collections.unmodifiableSortedSet(present));
        }
        return Collections.unmodifiableSortedMap(result);
    }

    private static Stamp max(Stamp a, Stamp b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The text and last-writer fields at one point of the history, each with the stamp of its write. */
    private static final class NodeState {
        static final NodeState EMPTY = new NodeState(false);

        final boolean deleted;
        final TreeMap<Field, Object> values = new TreeMap<>();
        final TreeMap<Field, Stamp> stamps = new TreeMap<>();
        Stamp lastChange;

        NodeState(boolean deleted) {
            this.deleted = deleted;
        }

        void put(Field f, Object value, Stamp stamp) {
            values.put(f, value);
            stamps.put(f, stamp);
        }

        NodeState apply(FoldEvent e) {
            NodeState next = new NodeState(e.change().deleted());
            next.values.putAll(values);
            next.stamps.putAll(stamps);
            Stamp s = e.stamp();
            for (Map.Entry<Field, Object> a : e.change().assignments().entrySet()) {
                next.put(a.getKey(), a.getValue(), s);
            }
            next.lastChange = s;
            return next;
        }

        boolean changedSince(NodeState base) {
            return lastChange != null && (base.lastChange == null || lastChange.compareTo(base.lastChange) > 0);
        }
    }
}
