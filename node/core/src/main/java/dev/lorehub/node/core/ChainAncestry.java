package dev.lorehub.node.core;

import java.util.Arrays;

/**
 * {@link Ancestry} by a chain cover with reach labels: near-linear on the histories devices make.
 *
 * <p><b>Chains.</b> Events are cut, in canonical order, into <em>chains</em>: sequences in which each
 * event is a descendant of the one before. An event joins the chain whose last event (tail) is the
 * latest in its causal past, so a linear run stays on its parent's chain and a branch that merged
 * back frees its chain for the next branch; only a branch that finds no free chain in its past
 * opens a new one. In the histories devices make, the number of chains is therefore about the number
 * of branches alive at once, not the number of branches ever made.
 *
 * <p><b>Reach labels.</b> The label of event v maps each chain C meeting v's causal past to the
 * largest canonical position of an event of C that is an ancestor of v (or v itself). Because each
 * chain event descends from the previous one, the ancestors of v on C are exactly C's events up to
 * that position, so:
 * <ul>
 *   <li>a is an ancestor of v iff label(v)[chain(a)] &ge; position(a);</li>
 *   <li>label(v) = pointwise max of the parents' labels, plus v on its own chain;</li>
 *   <li>the common ancestors of a set S are, on each chain, the events up to min over S of the
 *       label, so the merge base (the latest common ancestor in canonical order) is
 *       max over chains of min over S of label[C].</li>
 * </ul>
 * Labels are sorted (chain, position) int arrays. A label is kept only while the event has children
 * still to visit, or is a head; the last child of an event takes its label over and updates it in
 * place, so a linear run allocates nothing.
 *
 * <p><b>Observed-remove sets.</b> Events are visited in canonical order, so when a remove of x is
 * visited every add of x that could be in its past has been seen: the remove kills the live adds of
 * x its label reaches. Adds no remove reaches survive; the element is present iff one does.
 *
 * <p><b>Cost.</b> With K chains, a linear event costs O(log K), a merge of p parents O(p K), a remove
 * O(live adds of its element). Honest histories keep K at the number of devices editing
 * concurrently, so the whole fold is O((n + m) log n) time and O(n + m) memory. Shapes built to be
 * expensive (thousands of branches alive at once that keep merging, thousands of concurrent adds of
 * one element removed over and over) can make this quadratic; the work (label entries touched) and
 * memory (label entries held) are therefore metered against the budgets given, and when either runs
 * out the computation stops and returns null, so that {@link BitsetAncestry} answers instead.
 */
final class ChainAncestry {
    private static final int[] EMPTY = new int[0];

    private ChainAncestry() {
    }

    /** The ancestry of {@code order}, or null when it would take more than the budgets. */
    static Ancestry compute(CausalOrder order, SetOperations ops, long workBudget, long memoryBudget) {
        int n = order.size();
        int[] mergeBase = new int[n];
        Arrays.fill(mergeBase, -1);
        int[] chainOf = new int[n];
        int[] tail = new int[8];
        int chains = 0;
        int[][] labels = new int[n][];
        int[] openChildren = new int[n];
        for (int v = 0; v < n; v++) {
            for (int k = 0; k < order.parentCount(v); k++) {
                openChildren[order.parent(v, k)]++;
            }
        }
        int[][] alive = new int[ops.elements()][];
        int[] aliveCount = new int[ops.elements()];
        long work = 0;
        long held = 0;
        int op = 0;
        for (int v = 0; v < n; v++) {
            int parents = order.parentCount(v);
            int[] label;
            boolean owned;
            int chain = -1;
            if (parents == 0) {
                label = EMPTY;
                owned = false;
            } else if (parents == 1) {
                int p = order.parent(v, 0);
                label = labels[p];
                owned = openChildren[p] == 1; // v is p's last child: take p's label over
                if (owned) {
                    labels[p] = null;
                    held -= label.length / 2;
                }
                if (tail[chainOf[p]] == p) {
                    chain = chainOf[p]; // a linear step: stay on the parent's chain
                }
            } else {
                int[] first = labels[order.parent(v, 0)];
                label = first;
                for (int k = 1; k < parents; k++) {
                    int[] next = labels[order.parent(v, k)];
                    work += (label.length + next.length) / 2;
                    label = union(label, next);
                }
                owned = true;
                mergeBase[v] = mergeBase(order, labels, v);
                work += label.length / 2 * (long) parents;
            }
            if (chain < 0) {
                chain = freeChain(label, tail);
                work += label.length / 2;
            }
            if (chain < 0) {
                if (chains == tail.length) {
                    tail = Arrays.copyOf(tail, chains * 2);
                }
                chain = chains++;
            }
            chainOf[v] = chain;
            tail[chain] = v;
            label = with(label, owned, chain, v);
            labels[v] = label;
            held += label.length / 2;
            work += 1;

            for (; op < ops.size() && ops.event(op) == v; op++) {
                int e = ops.element(op);
                if (ops.isAdd(op)) {
                    if (alive[e] == null) {
                        alive[e] = new int[2];
                    } else if (aliveCount[e] == alive[e].length) {
                        alive[e] = Arrays.copyOf(alive[e], aliveCount[e] * 2);
                    }
                    alive[e][aliveCount[e]++] = v;
                } else if (alive[e] != null) {
                    int[] adds = alive[e];
                    int kept = 0;
                    for (int j = 0; j < aliveCount[e]; j++) {
                        int a = adds[j];
                        if (get(label, chainOf[a]) < a) { // a is not in this remove's past: it survives it
                            adds[kept++] = a;
                        }
                    }
                    work += aliveCount[e];
                    aliveCount[e] = kept;
                }
            }
            for (int k = 0; k < parents; k++) {
                int p = order.parent(v, k);
                if (--openChildren[p] == 0 && labels[p] != null) {
                    held -= labels[p].length / 2;
                    labels[p] = null;
                }
            }
            if (work > workBudget || held > memoryBudget) {
                return null;
            }
        }
        int headsBase = -1;
        if (order.headCount() >= 2) {
            int[] common = labels[order.head(0)];
            for (int k = 1; k < order.headCount() && common.length > 0; k++) {
                common = meet(common, labels[order.head(k)]);
            }
            headsBase = maxPosition(common);
        }
        boolean[] present = new boolean[ops.elements()];
        for (int e = 0; e < present.length; e++) {
            present[e] = aliveCount[e] > 0;
        }
        return new Ancestry(mergeBase, headsBase, present, Ancestry.Method.CHAINS);
    }

    /** The merge base of v's parents: max over chains of the min of their labels. */
    private static int mergeBase(CausalOrder order, int[][] labels, int v) {
        int parents = order.parentCount(v);
        int[] a = labels[order.parent(v, 0)];
        int[] b = labels[order.parent(v, 1)];
        if (parents == 2) {
            int best = -1;
            for (int i = 0, j = 0; i < a.length && j < b.length; ) {
                if (a[i] < b[j]) {
                    i += 2;
                } else if (a[i] > b[j]) {
                    j += 2;
                } else {
                    best = Math.max(best, Math.min(a[i + 1], b[j + 1]));
                    i += 2;
                    j += 2;
                }
            }
            return best;
        }
        int[] common = meet(a, b);
        for (int k = 2; k < parents && common.length > 0; k++) {
            common = meet(common, labels[order.parent(v, k)]);
        }
        return maxPosition(common);
    }

    /** The chain whose tail is the latest event of this label's past, or -1 if no tail is in it. */
    private static int freeChain(int[] label, int[] tail) {
        int chain = -1;
        int latest = -1;
        for (int i = 0; i < label.length; i += 2) {
            int c = label[i];
            int reached = label[i + 1];
            if (tail[c] == reached && reached > latest) {
                chain = c;
                latest = reached;
            }
        }
        return chain;
    }

    /**
     * The index of {@code chain}'s pair in the label (sorted by chain), or {@code -(insertion index) - 1}
     * when the label does not reach it, as {@link java.util.Arrays#binarySearch} answers.
     */
    private static int pairOf(int[] label, int chain) {
        int lo = 0;
        int hi = label.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = label[2 * mid];
            if (c < chain) {
                lo = mid + 1;
            } else if (c > chain) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    /** The position reached on {@code chain}, or -1. */
    static int get(int[] label, int chain) {
        int pair = pairOf(label, chain);
        return pair >= 0 ? label[2 * pair + 1] : -1;
    }

    /** The label with {@code chain} reaching {@code position} (larger than what it reached); in place if owned. */
    private static int[] with(int[] label, boolean owned, int chain, int position) {
        int pair = pairOf(label, chain);
        if (pair >= 0) {
            int[] out = owned ? label : label.clone();
            out[2 * pair + 1] = position;
            return out;
        }
        int lo = -pair - 1;
        int[] out = new int[label.length + 2];
        System.arraycopy(label, 0, out, 0, 2 * lo);
        out[2 * lo] = chain;
        out[2 * lo + 1] = position;
        System.arraycopy(label, 2 * lo, out, 2 * lo + 2, label.length - 2 * lo);
        return out;
    }

    /** Pointwise max: the label of the union of two pasts. */
    private static int[] union(int[] a, int[] b) {
        int size = 0;
        for (int i = 0, j = 0; i < a.length || j < b.length; size += 2) {
            if (j == b.length || (i < a.length && a[i] < b[j])) {
                i += 2;
            } else if (i == a.length || a[i] > b[j]) {
                j += 2;
            } else {
                i += 2;
                j += 2;
            }
        }
        int[] out = new int[size];
        for (int i = 0, j = 0, o = 0; o < size; o += 2) {
            if (j == b.length || (i < a.length && a[i] < b[j])) {
                out[o] = a[i];
                out[o + 1] = a[i + 1];
                i += 2;
            } else if (i == a.length || a[i] > b[j]) {
                out[o] = b[j];
                out[o + 1] = b[j + 1];
                j += 2;
            } else {
                out[o] = a[i];
                out[o + 1] = Math.max(a[i + 1], b[j + 1]);
                i += 2;
                j += 2;
            }
        }
        return out;
    }

    /** Pointwise min over shared chains: the label of the intersection of two pasts. */
    private static int[] meet(int[] a, int[] b) {
        int[] out = new int[Math.min(a.length, b.length)];
        int o = 0;
        for (int i = 0, j = 0; i < a.length && j < b.length; ) {
            if (a[i] < b[j]) {
                i += 2;
            } else if (a[i] > b[j]) {
                j += 2;
            } else {
                out[o++] = a[i];
                out[o++] = Math.min(a[i + 1], b[j + 1]);
                i += 2;
                j += 2;
            }
        }
        return o == out.length ? out : Arrays.copyOf(out, o);
    }

    private static int maxPosition(int[] label) {
        int best = -1;
        for (int i = 1; i < label.length; i += 2) {
            best = Math.max(best, label[i]);
        }
        return best;
    }
}
