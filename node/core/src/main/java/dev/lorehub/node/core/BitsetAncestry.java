package dev.lorehub.node.core;

import java.util.Arrays;

/**
 * {@link Ancestry} by blocked ancestor masks: the bounded fallback for histories that exhaust
 * {@link ChainAncestry}'s budget.
 *
 * <p>Canonical positions are cut into blocks of 64, visited from the last block to the first. For a
 * block [lo, lo + 64) one pass in canonical order gives every event at or after lo a 64-bit mask of
 * the block's events in its causal past (its own bit, or-ed with its parents' masks); events before
 * lo have none there. Then:
 * <ul>
 *   <li>a merge base still open whose events all sit at or after lo is the highest bit of the and of
 *       their masks, if any; visiting blocks from the last one down makes it the latest common
 *       ancestor;</li>
 *   <li>an add in the block is killed if its bit is in the or of the masks of the removes of its
 *       element.</li>
 * </ul>
 * This is what the old fold did with one n-bit set per event, but holding one long per event at a
 * time: O(n (n + m + s) / 64) time, O(n + m + s) memory, for any shape of history.
 */
final class BitsetAncestry {
    private BitsetAncestry() {
    }

    static Ancestry compute(CausalOrder order, SetOperations ops) {
        int n = order.size();
        int[] mergeBase = new int[n];
        Arrays.fill(mergeBase, -1);
        // the merges still waiting for a base, and the earliest of their parents (no common ancestor is later)
        int[] open = new int[n];
        int openCount = 0;
        int[] earliest = new int[n];
        for (int v = 0; v < n; v++) {
            if (order.parentCount(v) >= 2) {
                open[openCount++] = v;
                int min = v;
                for (int k = 0; k < order.parentCount(v); k++) {
                    min = Math.min(min, order.parent(v, k));
                }
                earliest[v] = min;
            }
        }
        int heads = order.headCount();
        int headsBase = -1;
        boolean headsOpen = heads >= 2;
        int headsEarliest = heads > 0 ? order.head(0) : 0;

        boolean[] killed = new boolean[ops.size()];
        long[] kill = new long[ops.elements()];
        int[] touched = new int[ops.elements()];
        long[] mask = new long[n];
        for (int lo = (n - 1) / 64 * 64; lo >= 0 && n > 0; lo -= 64) {
            int hi = Math.min(n, lo + 64);
            for (int u = lo; u < n; u++) {
                long m = u < hi ? 1L << (u - lo) : 0L;
                for (int k = 0; k < order.parentCount(u); k++) {
                    int p = order.parent(u, k);
                    if (p >= lo) {
                        m |= mask[p];
                    }
                }
                mask[u] = m;
            }
            int stillOpen = 0;
            for (int q = 0; q < openCount; q++) {
                int v = open[q];
                long common = earliest[v] >= lo ? -1L : 0L;
                for (int k = 0; k < order.parentCount(v) && common != 0; k++) {
                    common &= mask[order.parent(v, k)];
                }
                if (common != 0) {
                    mergeBase[v] = lo + 63 - Long.numberOfLeadingZeros(common);
                } else {
                    open[stillOpen++] = v;
                }
            }
            openCount = stillOpen;
            if (headsOpen && headsEarliest >= lo) {
                long common = -1L;
                for (int k = 0; k < heads && common != 0; k++) {
                    common &= mask[order.head(k)];
                }
                if (common != 0) {
                    headsBase = lo + 63 - Long.numberOfLeadingZeros(common);
                    headsOpen = false;
                }
            }
            killAdds(ops, lo, hi, mask, kill, touched, killed);
        }
        boolean[] present = new boolean[ops.elements()];
        for (int k = 0; k < ops.size(); k++) {
            if (ops.isAdd(k) && !killed[k]) {
                present[ops.element(k)] = true;
            }
        }
        return new Ancestry(mergeBase, headsBase, present, Ancestry.Method.BITSETS);
    }

    /** Marks the adds made in [lo, hi) that some remove of the same element has in its past. */
    private static void killAdds(SetOperations ops, int lo, int hi, long[] mask, long[] kill, int[] touched,
                                 boolean[] killed) {
        int first = firstAtOrAfter(ops, lo);
        boolean anyAdd = false;
        for (int k = first; k < ops.size() && ops.event(k) < hi; k++) {
            anyAdd |= ops.isAdd(k);
        }
        if (!anyAdd) {
            return;
        }
        int touchedCount = 0;
        for (int k = first; k < ops.size(); k++) {
            if (!ops.isAdd(k)) {
                int e = ops.element(k);
                long reached = mask[ops.event(k)];
                if (reached != 0) {
                    if (kill[e] == 0) {
                        touched[touchedCount++] = e;
                    }
                    kill[e] |= reached;
                }
            }
        }
        for (int k = first; k < ops.size() && ops.event(k) < hi; k++) {
            if (ops.isAdd(k) && (kill[ops.element(k)] >>> (ops.event(k) - lo) & 1L) != 0) {
                killed[k] = true;
            }
        }
        for (int t = 0; t < touchedCount; t++) {
            kill[touched[t]] = 0;
        }
    }

    /** The first operation made at or after canonical position {@code lo}. */
    private static int firstAtOrAfter(SetOperations ops, int lo) {
        int a = 0;
        int b = ops.size();
        while (a < b) {
            int mid = (a + b) >>> 1;
            if (ops.event(mid) < lo) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        return a;
    }
}
