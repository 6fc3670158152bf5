package dev.lorehub.node.runtime;

import dev.lorehub.node.endpoint.NodeEndpoint;

import java.util.function.LongSupplier;

/**
 * The daemon's two clocks (DESIGN.md §4): monotonic milliseconds since this node started (from
 * {@link System#nanoTime}) for the endpoint's timeouts, idle detection, backoff and rate limits,
 * and the injected wall clock for what is recorded (HLC stamps, metrics, peer rows). Every input
 * the drivers hand to the endpoint carries a {@link #moment()} from here, so a wall-clock step
 * never fires or disables a timer.
 *
 * <p>Threading: immutable; any thread. Invariant: {@code mono} never goes backwards.
 */
final class DriverClock {
    private final LongSupplier wall;
    private final long monoOrigin = System.nanoTime();

    DriverClock(LongSupplier wall) {
        this.wall = wall;
    }

    /** Now on both clocks: monotonic for the endpoint's timers, wall (the injected clock) for what is recorded. */
    NodeEndpoint.Moment moment() {
        return new NodeEndpoint.Moment((System.nanoTime() - monoOrigin) / 1_000_000L, wall.getAsLong());
    }

    /** The wall clock alone, in epoch milliseconds. */
    long wall() {
        return wall.getAsLong();
    }

    /** The injected wall clock, for collaborators that read it themselves. */
    LongSupplier wallClock() {
        return wall;
    }
}
