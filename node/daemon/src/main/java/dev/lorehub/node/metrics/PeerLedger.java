package dev.lorehub.node.metrics;

import dev.lorehub.crypto.DeviceId;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the running node has seen of each peer since it started: connections, last contact, when
 * it was last in sync and since when it has been behind, the last error and failures in a row.
 * The dashboard and the alerts read it; {@link NodeMetrics} writes it. Thread-safe; time is an
 * argument.
 */
public final class PeerLedger {
    /**
     * One peer as seen now.
     *
     * @param connections         open sync sessions with it
     * @param connectedSince      when the current connection opened (0: not connected)
     * @param disconnectedAt      when the last connection closed (0: never, since the node started)
     * @param lastContact         last frame received (0: none since the node started)
     * @param inSyncSince         since when every realm has been in sync (0: not in sync now)
     * @param behindSince         since when it has been connected but not in sync (0: not behind)
     * @param lastError           why the last session failed (null: none)
     * @param lastErrorAt         when
     * @param failuresInARow      failed sessions since the last success
     */
    public record Peer(int connections, long connectedSince, long disconnectedAt, long lastContact, long inSyncSince,
                       long behindSince, String lastError, long lastErrorAt, int failuresInARow) {
        static final Peer NONE = new Peer(0, 0, 0, 0, 0, 0, null, 0, 0);

        public boolean connected() {
            return connections > 0;
        }
    }

    private final Map<DeviceId, Peer> peers = new ConcurrentHashMap<>();

    /** The peer as seen now (empty: not seen since the node started). */
    public Optional<Peer> peer(DeviceId id) {
        return Optional.ofNullable(peers.get(id));
    }

    void opened(DeviceId id, long now) {
        peers.merge(id, Peer.NONE, (old, none) -> old);
        peers.computeIfPresent(id, (k, p) -> new Peer(p.connections + 1, p.connections == 0 ? now : p.connectedSince,
            p.disconnectedAt, now, p.inSyncSince, p.behindSince == 0 ? now : p.behindSince, p.lastError, p.lastErrorAt,
            p.failuresInARow));
    }

    void contact(DeviceId id, long now) {
        peers.computeIfPresent(id, (k, p) -> new Peer(p.connections, p.connectedSince, p.disconnectedAt, Math.max(now,
            p.lastContact), p.inSyncSince, p.behindSince, p.lastError, p.lastErrorAt, p.failuresInARow));
    }

    void inSync(DeviceId id, long now) {
        peers.computeIfPresent(id, (k, p) -> new Peer(p.connections, p.connectedSince, p.disconnectedAt, Math.max(now,
            p.lastContact), p.inSyncSince == 0 ? now : p.inSyncSince, 0, p.lastError, p.lastErrorAt, 0));
    }

    void behind(DeviceId id, long now) {
        peers.computeIfPresent(id, (k, p) -> new Peer(p.connections, p.connectedSince, p.disconnectedAt, p.lastContact, 0,
            p.behindSince == 0 ? now : p.behindSince, p.lastError, p.lastErrorAt, p.failuresInARow));
    }

    void closed(DeviceId id, long now, String error) {
        peers.computeIfPresent(id, (k, p) -> {
            int left = Math.max(0, p.connections - 1);
            return new Peer(left, left == 0 ? 0 : p.connectedSince, left == 0 ? now : p.disconnectedAt, p.lastContact,
                left == 0 ? 0 : p.inSyncSince, left == 0 ? 0 : p.behindSince, error != null ? error : p.lastError,
                error != null ? now : p.lastErrorAt, error != null ? p.failuresInARow + 1 : p.failuresInARow);
        });
    }
}
