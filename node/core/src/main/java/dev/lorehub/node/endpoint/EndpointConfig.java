package dev.lorehub.node.endpoint;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.sync.SessionConfig;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * How a {@link NodeEndpoint} behaves. All times in milliseconds.
 *
 * @param session           limits and timeouts of each sync session
 * @param livePush          true: new events are offered to connected peers at once; false (manual mode): only
 *                          full reconciliations every {@code resyncEvery}
 * @param resyncEvery       manual mode: how often every session is restarted to reconcile fully
 * @param captureEvery      how often lh's captured changes are looked for while nothing tells the endpoint when the
 *                          database changes, and for a short while after it was told ({@link NodeEndpoint#databaseChanged})
 * @param watchedCaptureEvery how often they are looked for while the driver reports changes to the database files
 *                          ({@link #withDatabaseWatched}): a safety net for a lost report; 0 when the driver reports none
 * @param maintainEvery     how often keys, held events, unsynced changes, invitations and stale sessions are looked after
 * @param backoffBase       first redial delay ceiling (doubles per failure, full jitter)
 * @param backoffMax        largest redial delay
 * @param stableAfter       a connection open this long resets the backoff when it ends
 * @param statusEvery       the period of per-peer status in the database (status reads it when no node runs): what
 *                          changed rides with the first write transaction of the next period, or is written on its
 *                          own when a period passed without one ({@link dev.lorehub.node.core.Replica#peerStatusDue})
 * @param autoJoinFounder   realms founded by these devices are joined by git remote without asking (opt-in;
 *                          {@code d -> false} for never)
 * @param autoResolve       keep each conflict's deterministic winner without asking
 */
public record EndpointConfig(SessionConfig session, boolean livePush, long resyncEvery, long captureEvery, long watchedCaptureEvery,
                             long maintainEvery, Duration backoffBase, Duration backoffMax, long stableAfter, long statusEvery,
                             Predicate<DeviceId> autoJoinFounder, boolean autoResolve) {

    /** How often a driver that reports database changes wants the captured changes looked for anyway. */
    public static final long WATCHED_CAPTURE_EVERY = 1_000;

    /**
     * The daemon's defaults: live push, 50 ms capture poll (no database watcher), 2 s maintenance, redial 500 ms
     * doubling to 30 s.
     */
    public static EndpointConfig defaults() {
        return new EndpointConfig(SessionConfig.defaults(), true, 300_000, 50, 0, 2_000, Duration.ofMillis(500),
            Duration.ofSeconds(30), 30_000, 5_000, d -> false, false);
    }

    public EndpointConfig withLivePush(boolean push, long resyncEveryMillis) {
        return new EndpointConfig(session, push, resyncEveryMillis, captureEvery, watchedCaptureEvery, maintainEvery, backoffBase, backoffMax,
            stableAfter, statusEvery, autoJoinFounder, autoResolve);
    }

    public EndpointConfig withAutoJoin(Predicate<DeviceId> founders) {
        return new EndpointConfig(session, livePush, resyncEvery, captureEvery, watchedCaptureEvery, maintainEvery, backoffBase, backoffMax,
            stableAfter, statusEvery, founders, autoResolve);
    }

    public EndpointConfig withAutoResolve(boolean resolve) {
        return new EndpointConfig(session, livePush, resyncEvery, captureEvery, watchedCaptureEvery, maintainEvery, backoffBase, backoffMax,
            stableAfter, statusEvery, autoJoinFounder, resolve);
    }

    public EndpointConfig withSession(SessionConfig sessionConfig) {
        return new EndpointConfig(sessionConfig, livePush, resyncEvery, captureEvery, watchedCaptureEvery, maintainEvery, backoffBase, backoffMax,
            stableAfter, statusEvery, autoJoinFounder, autoResolve);
    }

    public EndpointConfig withTiming(long captureEveryMillis, long maintainEveryMillis) {
        return new EndpointConfig(session, livePush, resyncEvery, captureEveryMillis, watchedCaptureEvery, maintainEveryMillis, backoffBase,
            backoffMax, stableAfter, statusEvery, autoJoinFounder, autoResolve);
    }

    /**
     * The driver reports every change to the database files ({@link NodeEndpoint#databaseChanged}): between reports
     * the captured changes are looked for only every {@code pollEveryMillis} (a report lost, or one that came before
     * the commit it announced was visible, waits at most that long). {@code 0}: no reports, poll every
     * {@link #captureEvery}.
     */
    public EndpointConfig withDatabaseWatched(long pollEveryMillis) {
        if (pollEveryMillis < 0) {
            throw new IllegalArgumentException("pollEveryMillis must be 0 or more, got " + pollEveryMillis);
        }
        return new EndpointConfig(session, livePush, resyncEvery, captureEvery, pollEveryMillis, maintainEvery, backoffBase,
            backoffMax, stableAfter, statusEvery, autoJoinFounder, autoResolve);
    }
}
