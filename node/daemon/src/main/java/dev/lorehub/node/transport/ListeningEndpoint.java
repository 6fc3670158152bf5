package dev.lorehub.node.transport;

import java.net.InetSocketAddress;

/** A bound server socket of a {@link PeerTransport}, from {@link PeerTransport#listen}. */
public interface ListeningEndpoint extends AutoCloseable {

    /** The address actually bound (with the real port when port 0 was asked for). */
    InetSocketAddress address();

    /** How peers connecting here are authenticated. */
    TransportMode mode();

    /**
     * Stops accepting; connections already accepted stay open. Idempotent; returns once the socket is
     * closed (at most a few seconds). Do not call from a transport callback.
     */
    @Override
    void close();
}
