package dev.lorehub.simulator.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A device's wall clock as a function of virtual time: a fixed offset (skew), a rate error
 * (drift) and steps (jumps, e.g. an NTP correction or a user changing the time). The node core
 * gets {@code EPOCH + local(v)} as its {@code now}.
 */
final class LocalClock {
    /** Virtual time 0 is this wall-clock instant (2025-11-24T16:00Z): realistic ISO timestamps in lh rows. */
    static final long EPOCH = 1_764_000_000_000L;

    private final long offsetMs;
    private final double driftPpm;
    private final List<long[]> jumps = new ArrayList<>(); // {at, delta}, in order of at
    private long jumped;
    private boolean synced;

    LocalClock(long offsetMs, double driftPpm) {
        this.offsetMs = offsetMs;
        this.driftPpm = driftPpm;
    }

    /** Steps the clock by {@code delta} at virtual time {@code at} (called when the jump happens). */
    void jump(long at, long delta) {
        jumps.add(new long[] {at, delta});
        jumped += delta;
    }

    /** From now on the clock reads true time (NTP fixed it): part of healing every fault. */
    void sync() {
        synced = true;
    }

    /** The wall-clock reading at virtual time {@code v} (jumps applied so far). */
    long wall(long v) {
        if (synced) {
            return EPOCH + v;
        }
        return EPOCH + v + offsetMs + (long) (v * driftPpm / 1_000_000.0) + jumped;
    }

    /** Virtual delay until this clock reads {@code targetWall}, from virtual time {@code v} (never negative). */
    long delayUntil(long v, long targetWall) {
        long d = targetWall - wall(v);
        if (d <= 0) {
            return 0;
        }
        return synced ? d : (long) Math.ceil(d / (1 + driftPpm / 1_000_000.0));
    }

    long offsetMs() {
        return offsetMs;
    }

    double driftPpm() {
        return driftPpm;
    }

    int jumpCount() {
        return jumps.size();
    }
}
