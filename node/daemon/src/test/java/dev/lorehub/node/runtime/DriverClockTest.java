package dev.lorehub.node.runtime;

import dev.lorehub.node.endpoint.NodeEndpoint;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon hands the endpoint both clocks: a wall-clock step moves {@code wall} only, never {@code mono}. */
class DriverClockTest {
    @Test
    void aWallClockStepBackDoesNotMoveTheMonotonicClockBack() {
        AtomicLong wall = new AtomicLong(1_700_000_000_000L);
        DriverClock clock = new DriverClock(wall::get);
        NodeEndpoint.Moment before = clock.moment();
        wall.addAndGet(-3_600_000L); // NTP steps the wall clock back an hour
        NodeEndpoint.Moment after = clock.moment();

        assertThat(before.wall()).isEqualTo(1_700_000_000_000L);
        assertThat(after.wall()).isEqualTo(1_700_000_000_000L - 3_600_000L);
        assertThat(after.mono()).isGreaterThanOrEqualTo(before.mono());
        assertThat(after.mono()).isLessThan(3_600_000L); // monotonic time counts from the node's start, not the epoch
    }

    @Test
    void aWallClockStepForwardDoesNotMoveTheMonotonicClockForward() {
        AtomicLong wall = new AtomicLong(1_700_000_000_000L);
        DriverClock clock = new DriverClock(wall::get);
        NodeEndpoint.Moment before = clock.moment();
        wall.addAndGet(3_600_000L);
        NodeEndpoint.Moment after = clock.moment();

        assertThat(after.wall() - before.wall()).isEqualTo(3_600_000L);
        assertThat(after.mono() - before.mono()).isLessThan(60_000L);
        assertThat(clock.wall()).isEqualTo(wall.get());
    }
}
