package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.StaticPeerPolicy;

import java.time.Duration;

/**
 * When to probe one static peer next and when its reachability changes; the sans-IO half of
 * {@link StaticPeerWatcher}. Unreachable: retry after {@code firstRetry}, doubling up to {@code maxRetry}.
 * Reachable: recheck every {@code recheckInterval}; after a failed recheck, retry after {@code firstRetry}
 * and report the peer lost after {@code failuresBeforeLost} consecutive failures.
 */
final class ProbeSchedule {

    enum Transition { NONE, FOUND, LOST }

    record Step(Transition transition, Duration nextProbeIn) {
    }

    private final StaticPeerPolicy policy;
    private boolean reachable;
    private int failures;
    private Duration retry;

    ProbeSchedule(StaticPeerPolicy policy) {
        this.policy = policy;
        this.retry = policy.firstRetry();
    }

    boolean reachable() {
        return reachable;
    }

    /** A probe connected. */
    Step succeeded() {
        boolean wasReachable = reachable;
        reachable = true;
        failures = 0;
        retry = policy.firstRetry();
        return new Step(wasReachable ? Transition.NONE : Transition.FOUND, policy.recheckInterval());
    }

    /** A probe failed (refused, timed out, or the name did not resolve). */
    Step failed() {
        if (reachable) {
            failures++;
            if (failures < policy.failuresBeforeLost()) {
                return new Step(Transition.NONE, policy.firstRetry());
            }
            reachable = false;
            failures = 0;
            retry = policy.firstRetry();
            return new Step(Transition.LOST, nextRetry());
        }
        return new Step(Transition.NONE, nextRetry());
    }

    private Duration nextRetry() {
        Duration now = retry;
        Duration doubled = retry.multipliedBy(2);
        retry = doubled.compareTo(policy.maxRetry()) > 0 ? policy.maxRetry() : doubled;
        return now;
    }
}
