package dev.lorehub.node.core;

import java.util.function.LongSupplier;

/**
 * How many items (captured rows, received events) go into one write transaction, sized by how
 * long the last transactions took, not by a fixed count: lh waits at most 5 s for the write lock,
 * and a count that takes 100 ms on a quiet machine can take seconds while both cores are busy.
 * After each transaction the size becomes what would have taken {@link #targetNanos} at the rate
 * just measured, halved at once when a transaction ran over, and grown by at most double, within
 * [{@code min}, {@code max}].
 *
 * <p>Sans-IO: the time source is injected ({@code ticker}, monotonic nanoseconds; the daemon passes
 * {@code System::nanoTime}). Without one (null: the simulator and tests, whose transaction
 * boundaries must not depend on the speed of the machine) the size stays at {@code max}.
 *
 * <p>Not thread-safe: used under the replica's write lock.
 */
final class TransactionBudget {
    /** The hold time each transaction aims at: far below lh's 5 s, long enough to amortise a commit's fsync. */
    static final long DEFAULT_TARGET_NANOS = 200_000_000L;

    private final LongSupplier ticker;
    private final long targetNanos;
    private final int min;
    private final int max;
    private int size;
    private long longestNanos;

    TransactionBudget(LongSupplier ticker, long targetNanos, int min, int max) {
        if (min < 1 || max < min || targetNanos < 1) {
            throw new IllegalArgumentException("budget needs 1 <= min <= max and a positive target");
        }
        this.ticker = ticker;
        this.targetNanos = targetNanos;
        this.min = min;
        this.max = max;
        // unmeasured, start small: fast transactions double it, so a few commits reach full size
        this.size = ticker == null ? max : Math.max(min, Math.min(max, 64));
    }

    /** Items to put into the next transaction. */
    int size() {
        return size;
    }

    /** A reading of the time source to pass to {@link #took}, or 0 without one. */
    long start() {
        return ticker == null ? 0 : ticker.getAsLong();
    }

    /** A transaction begun at {@code started} (from {@link #start}) with {@code items} items just committed. */
    void took(long started, int items) {
        if (ticker == null || items <= 0) {
            return;
        }
        long nanos = Math.max(1, ticker.getAsLong() - started);
        longestNanos = Math.max(longestNanos, nanos);
        long fit = (long) ((double) items * targetNanos / nanos);
        long next = nanos > targetNanos ? Math.min(fit, items / 2) : Math.min(fit, 2L * Math.max(size, items));
        size = (int) Math.max(min, Math.min(max, next));
    }

    /** The longest transaction measured so far (ns; 0 without a time source). */
    long longestNanos() {
        return longestNanos;
    }
}
