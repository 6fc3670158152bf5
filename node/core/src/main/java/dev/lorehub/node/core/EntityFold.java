package dev.lorehub.node.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Materialises one entity from the set of its events (DESIGN.md §3): a pure, order-independent
 * function of that set.
 *
 * <ol>
 *   <li>Events whose ancestors have all arrived are <em>ready</em>; the rest wait (and count as pending).</li>
 *   <li>Ready events are put in a canonical topological order (parents first, ties by (HLC, id)).</li>
 *   <li>The state at each event is its parents' merged state with its own delta applied (an unauthorised
 *       event applies nothing).</li>
 *   <li>The entity's state is the merge of its heads: a delete loses to a concurrent edit; text fields merge
 *       three-way against the best common ancestor ({@link TextMerge}); overlapping text keeps the latest writer
 *       and records a {@link Conflict}; other fields are last-writer-wins by {@link Stamp}, status included (archiving
 *       is a change of status, so an archive and a concurrent content edit both survive, field by field); set
 *       fields are add-wins observed-remove sets over the whole history.</li>
 * </ol>
 * The best common ancestor of a set of events is the latest event, in canonical order, that is an
 * ancestor of (or one of) every one of them: being latest in a topological order it has no
 * descendant among the common ancestors, and choosing by order keeps it deterministic when there
 * are several (criss-cross histories).
 *
 * <h2>Cost: O(n log n) time, O(n) memory</h2>
 * The fold runs in three passes over the n ready events (m parent links, s set operations):
 * <ol>
 *   <li>{@link CausalOrder}: the canonical order by Kahn's algorithm with an (HLC, id) priority queue,
 *       parent links as int arrays. O((n + m) log n) time, O(n + m) memory.</li>
 *   <li>{@link Ancestry}: every question that needs the causal past is answered here, before any state
 *       exists: the best common ancestor of each merge's parents and of the heads, and which set
 *       elements have an add that no remove saw. The earlier fold kept an n-bit ancestor set per event
 *       (n² bits: 16k events, 32 MB); {@link ChainAncestry} instead cuts the history into chains and
 *       labels each event with how far it reaches on each chain, keeping a label only while the event
 *       has children left to visit. A linear run costs O(log K) per event and allocates nothing, a merge
 *       O(K) per parent, where K is the number of branches alive at once.</li>
 *   <li>The state sweep: in canonical order, the state at an event is computed from its parents' states
 *       (and, for a merge, the best common ancestor's), which are dropped as soon as their last user has
 *       been visited; an event that changes no field shares its parent's array. A state is one slot
 *       array (value and stamp per field of the kind), not two maps. Held states: the open frontier plus
 *       pending merge bases plus the heads, O(n) at worst and a handful for a linear history.</li>
 * </ol>
 * The chain method's work is O(n log K) for linear steps plus O(K) per parent of a merge or per branch
 * start, plus, per remove, the adds of its element still alive; with K up to log n (honest histories:
 * the number of devices editing at once) and removes that find few concurrent adds alive, that is
 * within its budget of 8 (n + m + s + 16) log2 n label entries. So such a history folds in
 * O((n + m + s) log n) time and O(n + m + s) memory, plus the text merges themselves (which depend
 * only on the texts, and are the same calls the old fold made).
 *
 * <h2>Where the bound cannot hold, and what holds instead</h2>
 * No known exact method keeps that bound on every DAG an author may sign. A merge of parents a and b has
 * best common ancestor a exactly when a is an ancestor of b, so n merges answer n arbitrary
 * reachability questions, and the same holds for observed-remove sets (is this add in that remove's
 * past?). Offline reachability on sparse DAGs has no known near-linear algorithm, and one is not
 * expected: it contains offline set-disjointness (do a and b share a neighbour, for given pairs), for
 * which super-linear conditional lower bounds are known under the 3SUM conjecture (Pătraşcu 2010;
 * Kopelowitz, Pettie and Porat 2016). The practical methods are bit-parallel, O(n m / 64).
 * Shapes that push K up (thousands of branches alive at once that keep merging each other, one element
 * added on thousands of concurrent branches and removed over and over) would make the chain labels
 * quadratic, so their work and memory are metered ({@link Ancestry#workBudget},
 * {@link Ancestry#memoryBudget}): a history that exhausts either is answered by {@link BitsetAncestry}
 * instead, which sweeps 64 candidate ancestors at a time with one long per event. That bounds every
 * input at O(n (n + m + s) / 64) time, the old fold's order of time, in O(n + m + s) memory; the
 * memory bound holds for every input.
 */
public final class EntityFold {
    private static final Field[] FIELDS = Field.values();
    /** A text or last-writer field's slot among those of its entity kind (states of one entity share a layout). */
    private static final int[] SLOT = new int[FIELDS.length];
    /** Slots in a state: the most text and last-writer fields any entity kind has. */
    private static final int WIDTH;

    static {
        if (FIELDS.length > Integer.SIZE) {
            throw new AssertionError("NodeState keeps its fields in an int bit mask");
        }
        int[] perKind = new int[EntityKind.values().length];
        for (Field f : FIELDS) {
            if (f.merge() != Field.Merge.SET) {
                SLOT[f.ordinal()] = perKind[f.entity().ordinal()]++;
            }
        }
        WIDTH = Arrays.stream(perKind).max().orElse(0);
    }

    private final EntityKind kind;
    private final String entityId;
    private final CausalOrder order;
    private final NodeState[] states;
    private final List<Conflict> conflicts = new ArrayList<>();

    private EntityFold(EntityKind kind, String entityId, CausalOrder order) {
        this.kind = kind;
        this.entityId = entityId;
        this.order = order;
        this.states = new NodeState[order.size()];
    }

    /** Folds the events of one entity (all must have this kind and id; duplicates are ignored). */
    public static EntityState fold(EntityKind kind, String entityId, Collection<FoldEvent> events) {
        return fold(kind, entityId, events, Ancestry.Strategy.AUTO);
    }

    /** As {@link #fold(EntityKind, String, Collection)}, with the ancestry method pinned (tests). */
    static EntityState fold(EntityKind kind, String entityId, Collection<FoldEvent> events, Ancestry.Strategy strategy) {
        return new EntityFold(kind, entityId, CausalOrder.of(kind, entityId, events)).run(strategy);
    }

    private EntityState run(Ancestry.Strategy strategy) {
        int n = order.size();
        int pending = order.pending();
        if (n == 0) {
            return absent(List.of(), pending);
        }
        int[] heads = order.heads();
        List<EventId> headIds = Arrays.stream(heads).mapToObj(i -> order.event(i).id()).sorted().toList();
        boolean anyAuthorized = false;
        for (int i = 0; i < n && !anyAuthorized; i++) {
            anyAuthorized = order.event(i).authorized();
        }
        if (!anyAuthorized) {
            return absent(headIds, pending);
        }
        SetOperations setOps = SetOperations.of(order);
        Ancestry ancestry = Ancestry.of(order, setOps, strategy);
        sweep(ancestry, heads);
        NodeState result = heads.length == 1 ? states[heads[0]] : merge(heads, ancestry.headsBase(), true);
        EntityState.Presence presence = result.deleted ? EntityState.Presence.DELETED : EntityState.Presence.LIVE;
        return new EntityState(kind, entityId, presence, Collections.unmodifiableSortedMap(result.values()),
            setOps.materialise(ancestry.present()), headIds, pending, conflicts, latestHlc());
    }

    /**
     * Computes the state at every event in canonical order, holding each state only until its last
     * user (a child, or a merge that has it as best common ancestor) has been visited; the heads'
     * states stay for the final merge.
     */
    private void sweep(Ancestry ancestry, int[] heads) {
        int n = order.size();
        int[] lastUse = new int[n];
        for (int v = 0; v < n; v++) {
            for (int k = 0; k < order.parentCount(v); k++) {
                lastUse[order.parent(v, k)] = v;
            }
            if (ancestry.mergeBase(v) >= 0) {
                lastUse[ancestry.mergeBase(v)] = v;
            }
        }
        for (int h : heads) {
            lastUse[h] = n;
        }
        if (ancestry.headsBase() >= 0) {
            lastUse[ancestry.headsBase()] = n;
        }
        for (int v = 0; v < n; v++) {
            int parents = order.parentCount(v);
            NodeState base;
            if (parents == 0) {
                base = NodeState.EMPTY;
            } else if (parents == 1) {
                base = states[order.parent(v, 0)];
            } else {
                base = merge(order.parents(v), ancestry.mergeBase(v), false);
            }
            FoldEvent e = order.event(v);
            states[v] = e.authorized() ? base.apply(e) : base;
            for (int k = 0; k < parents; k++) {
                int p = order.parent(v, k);
                if (lastUse[p] == v) {
                    states[p] = null;
                }
            }
            int mergeBase = ancestry.mergeBase(v);
            if (mergeBase >= 0 && lastUse[mergeBase] == v) {
                states[mergeBase] = null;
            }
        }
    }

    private EntityState absent(List<EventId> heads, int pending) {
        return new EntityState(kind, entityId, EntityState.Presence.ABSENT, Collections.emptySortedMap(),
            Collections.emptySortedMap(), heads, pending, List.of(), latestHlc());
    }

    private long latestHlc() {
        long max = 0;
        for (int i = 0; i < order.size(); i++) {
            max = Math.max(max, order.event(i).hlc());
        }
        return max;
    }

    /**
     * Merges the states at the given events (two or more), against the state at {@code baseEvent}
     * (their best common ancestor, -1 for none); records conflicts only for the final merge of the
     * heads. The result exists if any of them does (an edit beats a concurrent delete), and its fields
     * merge over all of them, so changes made on a branch before it deleted are not lost.
     */
    private NodeState merge(int[] nodes, int baseEvent, boolean record) {
        List<Integer> sorted = new ArrayList<>(nodes.length);
        for (int i : nodes) {
            sorted.add(i);
        }
        sorted.sort(Comparator.comparing(i -> order.event(i).stamp()));
        List<Integer> live = sorted.stream().filter(i -> !states[i].deleted).toList();
        if (record && !live.isEmpty() && live.size() < sorted.size()) {
            // The edit side shows what it holds (its fields by column); a delete has no value.
            List<Conflict.Version> versions = sorted.stream()
                .map(i -> version(i, states[i].deleted ? null : states[i].values())).toList();
            conflicts.add(new Conflict(kind, entityId, null, Conflict.Type.DELETE_VS_EDIT, null, versions));
        }
        NodeState base = baseEvent < 0 ? NodeState.EMPTY : states[baseEvent];
        NodeState merged = NodeState.empty(live.isEmpty());
        int fields = 0;
        for (int i : sorted) {
            fields |= states[i].fields;
        }
        for (Field f : FIELDS) {
            if ((fields & bit(f)) == 0) {
                continue;
            }
            if (f.merge() == Field.Merge.TEXT) {
                mergeText(f, sorted, base, merged, record);
            } else {
                int winner = latestWriter(f, sorted);
                merged.put(f, states[winner].value(f), states[winner].stamp(f));
            }
        }
        return merged;
    }

    private void mergeText(Field f, List<Integer> live, NodeState base, NodeState merged, boolean record) {
        List<Integer> writers = live.stream().filter(i -> states[i].has(f)).toList();
        Stamp newest = null;
        boolean anyNull = false;
        for (int i : writers) {
            newest = max(newest, states[i].stamp(f));
            anyNull |= states[i].value(f) == null;
        }
        String baseText = Objects.toString(base.value(f), "");
        String acc = null;
        boolean conflict = false;
        for (int i : writers) {
            String text = Objects.toString(states[i].value(f), "");
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
        Object value = states[winner].value(f);
        merged.put(f, value, states[winner].stamp(f));
        if (record) {
            List<Conflict.Version> versions = writers.stream().map(i -> version(i, states[i].value(f))).toList();
            conflicts.add(new Conflict(kind, entityId, f, Conflict.Type.TEXT, value, versions));
        }
    }

    /** The candidate with the latest stamp on {@code f}; the last candidate if none has one. */
    private int latestWriter(Field f, List<Integer> candidates) {
        int best = -1;
        Stamp bestStamp = null;
        for (int i : candidates) {
            Stamp s = states[i].stamp(f);
            if (s != null && (bestStamp == null || s.compareTo(bestStamp) > 0)) {
                best = i;
                bestStamp = s;
            }
        }
        return best >= 0 ? best : candidates.get(candidates.size() - 1);
    }

    private Conflict.Version version(int i, Object value) {
        FoldEvent e = order.event(i);
        return new Conflict.Version(e.id(), e.author(), e.hlc(), states[i].deleted, value);
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

    private static int bit(Field f) {
        return 1 << f.ordinal();
    }

    /**
     * The text and last-writer fields at one point of the history, each with the stamp of its write:
     * a value and a stamp slot per field of the entity's kind in one array, and a bit mask of the
     * fields set (a field may be set to null). States are immutable once built, so a state that changes
     * no field shares its parent's array.
     */
    private static final class NodeState {
        static final NodeState EMPTY = empty(false);

        final boolean deleted;
        /** value of field f at 2 SLOT[f], its stamp at 2 SLOT[f] + 1. */
        private final Object[] slots;
        int fields;

        private NodeState(boolean deleted, Object[] slots, int fields) {
            this.deleted = deleted;
            this.slots = slots;
            this.fields = fields;
        }

        /** A state being built by a merge. */
        static NodeState empty(boolean deleted) {
            return new NodeState(deleted, new Object[2 * WIDTH], 0);
        }

        boolean has(Field f) {
            return (fields & bit(f)) != 0;
        }

        /** The value, null when unset. */
        Object value(Field f) {
            return has(f) ? slots[2 * SLOT[f.ordinal()]] : null;
        }

        /** The stamp, null when unset. */
        Stamp stamp(Field f) {
            return has(f) ? (Stamp) slots[2 * SLOT[f.ordinal()] + 1] : null;
        }

        /** Only while a merge builds this state. */
        void put(Field f, Object value, Stamp stamp) {
            slots[2 * SLOT[f.ordinal()]] = value;
            slots[2 * SLOT[f.ordinal()] + 1] = stamp;
            fields |= bit(f);
        }

        NodeState apply(FoldEvent e) {
            Stamp s = e.stamp();
            Map<Field, Object> assignments = e.change().assignments();
            if (assignments.isEmpty()) {
                return new NodeState(e.change().deleted(), slots, fields);
            }
            NodeState next = new NodeState(e.change().deleted(), slots.clone(), fields);
            assignments.forEach((f, v) -> next.put(f, v, s)); // no entry wrappers, unlike entrySet()
            return next;
        }

        /** The set fields and their values, in field order. */
        SortedMap<Field, Object> values() {
            TreeMap<Field, Object> out = new TreeMap<>();
            for (Field f : FIELDS) {
                if (has(f)) {
                    out.put(f, value(f));
                }
            }
            return out;
        }
    }
}
