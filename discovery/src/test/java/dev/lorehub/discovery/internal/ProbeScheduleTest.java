package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.StaticPeerPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeScheduleTest {

    private final ProbeSchedule schedule = new ProbeSchedule(new StaticPeerPolicy(
            Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(30), 2));

    @Test
    void retriesBackOffExponentiallyUpToTheCap() {
        assertThat(schedule.failed()).isEqualTo(step(ProbeSchedule.Transition.NONE, 250));
        assertThat(schedule.failed().nextProbeIn()).isEqualTo(Duration.ofMillis(500));
        assertThat(schedule.failed().nextProbeIn()).isEqualTo(Duration.ofMillis(1000));
        assertThat(schedule.failed().nextProbeIn()).isEqualTo(Duration.ofMillis(2000));
        assertThat(schedule.failed().nextProbeIn()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void foundOnceThenRecheckedThenLostAfterConsecutiveFailures() {
        schedule.failed();
        assertThat(schedule.succeeded()).isEqualTo(step(ProbeSchedule.Transition.FOUND, 30_000));
        assertThat(schedule.succeeded()).isEqualTo(step(ProbeSchedule.Transition.NONE, 30_000));
        assertThat(schedule.failed()).isEqualTo(step(ProbeSchedule.Transition.NONE, 250));
        assertThat(schedule.succeeded()).as("one failure is forgiven").isEqualTo(step(ProbeSchedule.Transition.NONE, 30_000));
        schedule.failed();
        assertThat(schedule.failed()).isEqualTo(step(ProbeSchedule.Transition.LOST, 250));
        assertThat(schedule.reachable()).isFalse();
        assertThat(schedule.failed().nextProbeIn()).isEqualTo(Duration.ofMillis(500));
    }

    private static ProbeSchedule.Step step(ProbeSchedule.Transition transition, long ms) {
        return new ProbeSchedule.Step(transition, Duration.ofMillis(ms));
    }
}
