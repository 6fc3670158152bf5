package dev.lorehub.node.core;

/**
 * Everything the fold needs to know about the causal past of an entity's events, computed before
 * any state is built:
 * <ul>
 *   <li>the <em>merge base</em> of each event with two or more parents, and of the heads: the latest
 *       event in canonical order that is an ancestor (or one) of every one of them, or -1;</li>
 *   <li>for each set element, whether some authorised add of it is not in the causal past of an
 *       authorised remove of it (add-wins observed-remove set).</li>
 * </ul>
 *
 * <p>Both are reachability questions on the event DAG. {@link ChainAncestry} answers them in
 * O((n + m) log n) time and O(n + m) memory when the history is a handful of concurrent branches (the
 * shape honest devices produce), under an explicit work and memory budget; a history that exhausts
 * the budget is answered by {@link BitsetAncestry} instead, in O(n (n + m + s) / 64) time and still
 * O(n + m + s) memory. Why no exact method can stay near-linear on every DAG is argued on
 * {@link EntityFold}.
 */
final class Ancestry {
    /** Which method answered. */
    enum Method {
        /** Chain cover with reach labels (the near-linear path). */
        CHAINS,
        /** Blocked 64-bit ancestor masks (the bounded fallback). */
        BITSETS
    }

    /** Which methods may answer; production always uses {@link #AUTO}, tests pin the others. */
    enum Strategy {
        /** Chains within their budget, else bitsets. */
        AUTO,
        /** Chains with no budget (tests: exercises the chain method on every shape). */
        CHAINS,
        /** Bitsets only (tests: exercises the fallback on every shape). */
        BITSETS
    }

    private final int[] mergeBase;
    private final int headsBase;
    private final boolean[] present;
    private final Method method;

    Ancestry(int[] mergeBase, int headsBase, boolean[] present, Method method) {
        this.mergeBase = mergeBase;
        this.headsBase = headsBase;
        this.present = present;
        this.method = method;
    }

    static Ancestry of(CausalOrder order, SetOperations ops, Strategy strategy) {
        return switch (strategy) {
            case AUTO -> {
                Ancestry chains = ChainAncestry.compute(order, ops, workBudget(order, ops), memoryBudget(order, ops));
                yield chains != null ? chains : BitsetAncestry.compute(order, ops);
            }
            case CHAINS -> ChainAncestry.compute(order, ops, Long.MAX_VALUE, Long.MAX_VALUE);
            case BITSETS -> BitsetAncestry.compute(order, ops);
        };
    }

    /**
     * Label entries the chain method may touch: 8 (n + m + s + 16) log2(n + 2). An honest history
     * touches a few per event (a linear edit one or two, a merge of two branches about twice the number
     * of branches alive): FoldBench's 16k-event lore uses 0.6% of this budget, eight devices editing in
     * parallel with frequent criss-cross merges 4%. Only shapes built to be expensive reach it, and
     * then the work already done is at most this much, O((n + m + s) log n).
     */
    static long workBudget(CausalOrder order, SetOperations ops) {
        long size = (long) order.size() + order.links() + ops.size() + 16;
        int log = 64 - Long.numberOfLeadingZeros(order.size() + 2L);
        return 8 * size * log;
    }

    /** Label entries the chain method may hold at once: 4 (n + m + s) + 1024, which keeps its memory linear. */
    static long memoryBudget(CausalOrder order, SetOperations ops) {
        return 4L * ((long) order.size() + order.links() + ops.size()) + 1024;
    }

    /** The merge base of event {@code i}'s parents (-1 when it has fewer than two, or they share no ancestor). */
    int mergeBase(int i) {
        return mergeBase[i];
    }

    /** The merge base of the heads (-1 when there is one head, or they share no ancestor). */
    int headsBase() {
        return headsBase;
    }

    /** Per element: whether some add of it survives every remove. */
    boolean[] present() {
        return present;
    }

    Method method() {
        return method;
    }
}
