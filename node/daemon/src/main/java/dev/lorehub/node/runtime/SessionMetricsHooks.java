package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.metrics.NodeMetrics;
import dev.lorehub.node.metrics.ObservedSyncStore;
import dev.lorehub.node.metrics.SessionProgress;
import dev.lorehub.node.metrics.SessionSnapshot;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.sync.SyncStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the endpoint reports goes to the metrics and the dashboard: each session's store is wrapped
 * so its progress per realm is observed, sessions that end badly are counted as failures (unless
 * the node is stopping), and a local write nudges the remotes so they get it soon rather than at
 * their next interval.
 *
 * <p>Threading: the endpoint calls it on the node thread, and {@link #snapshots} runs there too;
 * the per-connection progress map is therefore unsynchronised. Invariant: a connection has a
 * progress entry exactly while the endpoint has a session for it.
 */
final class SessionMetricsHooks implements NodeEndpoint.Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(SessionMetricsHooks.class);

    private final NodeMetrics metrics;
    private final DriverClock clock;
    private final BooleanSupplier stopping;
    private final Supplier<RemoteRunner> remotes;
    private final Map<Long, SessionProgress> progress = new HashMap<>();

    /**
     * @param stopping true once the node is closing: sessions it ends are not failures
     * @param remotes  the remotes' runner, or null while there is none
     */
    SessionMetricsHooks(NodeMetrics metrics, DriverClock clock, BooleanSupplier stopping, Supplier<RemoteRunner> remotes) {
        this.metrics = metrics;
        this.clock = clock;
        this.stopping = stopping;
        this.remotes = remotes;
    }

    @Override
    public SyncStore sessionStore(DeviceId peer, long connection, SyncStore base) {
        SessionProgress p = new SessionProgress(peer, clock.wall());
        progress.put(connection, p);
        return new ObservedSyncStore(base, metrics, p, clock.wallClock(), System::nanoTime);
    }

    @Override
    public void sessionOpened(DeviceId peer, long connection, SyncSession session, NodeEndpoint.Moment now) {
        metrics.sessionOpened(peer, now.wall());
    }

    @Override
    public void sessionClosed(DeviceId peer, long connection, SyncSession session, String reason, NodeEndpoint.Moment now) {
        SessionProgress p = progress.remove(connection);
        CloseReason why = session.closeReason();
        boolean closing = stopping.getAsBoolean();
        String failure = null;
        if (why != null && why != CloseReason.NORMAL && !closing) {
            failure = (session.closedByPeer() ? "the peer ended the session: " : "") + why + ": " + session.closeMessage();
            LOG.warn("Sync with {} ended: {}", peer.shortForm(), failure);
        } else if (why == null && p != null && !p.everSyncedView() && !closing) {
            failure = "connection lost before the sync completed: " + reason;
        }
        metrics.sessionClosed(peer, now.wall(), p == null ? 0 : now.wall() - p.openedAt(), failure);
    }

    @Override
    public void contact(DeviceId peer, NodeEndpoint.Moment now) {
        metrics.contact(peer, now.wall());
    }

    @Override
    public void stored(List<StoredKey> keys, NodeEndpoint.Moment now) {
        RemoteRunner r = remotes.get();
        if (r != null && keys.stream().anyMatch(StoredKey::local)) {
            r.nudge(); // this device wrote: the remotes get it soon, not at their next interval
        }
    }

    /** Every open session now (node thread): progress per realm, whether it is synced, counters. */
    List<SessionSnapshot> snapshots(Map<Long, SyncSession> sessions, long now) {
        List<SessionSnapshot> out = new ArrayList<>();
        for (Map.Entry<Long, SyncSession> e : sessions.entrySet()) {
            SessionProgress p = progress.get(e.getKey());
            if (p != null) {
                out.add(new SessionSnapshot(p.view(now), e.getValue().isSynced(), e.getValue().stats()));
            }
        }
        return out;
    }
}
