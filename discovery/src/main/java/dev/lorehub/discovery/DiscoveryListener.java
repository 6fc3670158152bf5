package dev.lorehub.discovery;

/**
 * Told when peers appear and go away.
 *
 * <p>Both methods are called on one discovery thread, in order, never concurrently and never after
 * {@link Discovery#close()} has returned. They must return quickly (hand real work to your own executor):
 * while a listener runs, later events wait. An exception thrown by a listener is logged and ignored.
 */
public interface DiscoveryListener {

    /**
     * A peer was found, or a peer already reported under the same {@link DiscoveredPeer#key()} changed
     * (its addresses, port, protocol version or display name). The newest call for a key wins.
     */
    void peerFound(DiscoveredPeer peer);

    /**
     * A peer previously reported by {@link #peerFound} is gone: it said goodbye, its records expired
     * (TTL), the configured address it was seen on was removed, or (static peers) it stopped accepting
     * connections. {@code peer} is the last state reported for its key.
     */
    void peerLost(DiscoveredPeer peer);
}
