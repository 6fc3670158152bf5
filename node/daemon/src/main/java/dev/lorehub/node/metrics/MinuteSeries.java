package dev.lorehub.node.metrics;

import java.util.Arrays;

/**
 * Counts per minute over the last {@value #MINUTES} minutes, for the dashboard's charts: events
 * and bytes in and out, conflicts recorded, and the number of open conflicts. Time is an argument
 * (ms since the epoch), so tests drive it with a manual clock. Thread-safe.
 */
public final class MinuteSeries {
    /** How many minutes are kept. */
    public static final int MINUTES = 60;

    /** What is counted. */
    public enum Kind { EVENTS_IN, EVENTS_OUT, BYTES_IN, BYTES_OUT, CONFLICTS_RECORDED, CONFLICTS_OPEN }

    private final long[][] buckets = new long[Kind.values().length][MINUTES];
    private long newestMinute = Long.MIN_VALUE;

    /** Adds {@code amount} to this minute's bucket. */
    public synchronized void add(Kind kind, long amount, long now) {
        advance(now);
        buckets[kind.ordinal()][index(newestMinute)] += amount;
    }

    /** Sets this minute's value (for levels such as open conflicts, not counts). */
    public synchronized void set(Kind kind, long value, long now) {
        advance(now);
        buckets[kind.ordinal()][index(newestMinute)] = value;
    }

    private void advance(long now) {
        long minute = Math.floorDiv(now, 60_000L);
        if (newestMinute == Long.MIN_VALUE) {
            newestMinute = minute;
            return;
        }
        if (minute <= newestMinute) {
            return; // a clock step back: keep counting into the newest bucket
        }
        long gap = Math.min(MINUTES, minute - newestMinute);
        long open = buckets[Kind.CONFLICTS_OPEN.ordinal()][index(newestMinute)];
        for (long m = 1; m <= gap; m++) {
            int i = index(newestMinute + m);
            for (long[] row : buckets) {
                row[i] = 0;
            }
            buckets[Kind.CONFLICTS_OPEN.ordinal()][i] = open; // a level carries over until it is set again
        }
        newestMinute = minute;
    }

    private static int index(long minute) {
        return (int) Math.floorMod(minute, (long) MINUTES);
    }

    /**
     * The last {@value #MINUTES} minutes up to {@code now}, oldest first.
     *
     * @param startMinute the first minute (minutes since the epoch)
     * @param values      per kind, {@value #MINUTES} values, oldest first
     */
    public record View(long startMinute, long[][] values) {
        public long[] of(Kind kind) {
            return values[kind.ordinal()].clone();
        }

        public long total(Kind kind) {
            return Arrays.stream(values[kind.ordinal()]).sum();
        }
    }

    /** A copy of the window ending at {@code now}. */
    public synchronized View view(long now) {
        advance(now);
        long[][] out = new long[buckets.length][MINUTES];
        long start = newestMinute - MINUTES + 1;
        for (int k = 0; k < buckets.length; k++) {
            for (int m = 0; m < MINUTES; m++) {
                out[k][m] = buckets[k][index(start + m)];
            }
        }
        return new View(start, out);
    }
}
