package dev.lorehub.node.core;

import java.time.Instant;

/**
 * A hybrid logical clock (Kulkarni et al.): a 64-bit timestamp whose upper 48 bits are
 * milliseconds since the epoch and lower 16 bits a logical counter. Every value it issues is
 * greater than every value it issued or observed before, so it stays monotonic when the wall
 * clock steps backwards and, seeded with the largest persisted value, across restarts.
 *
 * <p>Sans-IO: the wall-clock reading is an argument. Not thread-safe; the owner serialises calls.
 *
 * <p>A remote timestamp more than {@link #MAX_FORWARD_MILLIS} ahead of our wall clock is not
 * adopted (the event is still accepted): otherwise one device with a clock set to next year would
 * drag every clock with it for good.
 */
public final class HybridClock {
    /** Bits of the logical counter. */
    public static final int LOGICAL_BITS = 16;
    /** Largest lead of a remote clock over ours that we adopt: one hour. */
    public static final long MAX_FORWARD_MILLIS = 3_600_000L;

    private long last;

    /** A clock that will issue values above {@code persistedMax} (0 for a new device). */
    public HybridClock(long persistedMax) {
        this.last = persistedMax;
    }

    /** A timestamp for a local event at wall time {@code wallMillis}. */
    public long tick(long wallMillis) {
        long physical = wallMillis << LOGICAL_BITS;
        last = Math.max(last + 1, physical);
        return last;
    }

    /**
     * A timestamp for a local event that supersedes events stamped up to {@code floor}: causally
     * later events must carry later timestamps even when a parent came from a clock far ahead.
     */
    public long tickAfter(long wallMillis, long floor) {
        long t = Math.max(tick(wallMillis), floor + 1);
        last = t;
        return t;
    }

    /**
     * A timestamp for a local event made at wall time {@code madeAtMillis} (which may lie in the
     * past: a change captured late keeps the time it was made) that supersedes events stamped up
     * to {@code floor}: the later of the two, so that it orders after its parents but never after
     * a newer edit made elsewhere in the meantime. Later local events still order after it.
     */
    public long stampAt(long madeAtMillis, long floor) {
        long t = Math.max(madeAtMillis << LOGICAL_BITS, floor + 1);
        last = Math.max(last, t);
        return t;
    }

    /** Takes note of a timestamp seen on a remote event, so later local events order after it. */
    public void observe(long remote, long wallMillis) {
        if (millis(remote) - wallMillis <= MAX_FORWARD_MILLIS) {
            last = Math.max(last, remote);
        }
    }

    /** The largest value issued or observed; persist it to stay monotonic across restarts. */
    public long last() {
        return last;
    }

    /** The wall-clock part of a timestamp. */
    public static long millis(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    /** The logical counter of a timestamp. */
    public static int logical(long hlc) {
        return (int) (hlc & ((1 << LOGICAL_BITS) - 1));
    }

    /** Human-readable form, e.g. {@code 2026-11-25T09:30:00.123Z+2}. */
    public static String format(long hlc) {
        String wall = Instant.ofEpochMilli(millis(hlc)).toString();
        int logical = logical(hlc);
        return logical == 0 ? wall : wall + "+" + logical;
    }
}
