package dev.lorehub.node.transport;

import java.net.SocketAddress;

/**
 * What a {@link PeerTransport} reports to its owner (the daemon).
 *
 * <p><b>Threading.</b> Every callback runs on a Netty event-loop thread. It must return quickly and
 * must not block (no SQLite, no waiting on futures, no {@link PeerTransport#listen} or
 * {@link PeerTransport#close}): hand the work to the node thread. Blocking here stalls every
 * connection sharing that event loop. Calling {@link PeerConnection} methods from a callback is fine.
 *
 * <p><b>Order.</b> For one connection, callbacks never overlap and come in this order:
 * {@link #opened} once, then any number of {@link #frame} and {@link #writabilityChanged}, then
 * {@link #closed} exactly once. Nothing is delivered for a connection after {@code closed}. Different
 * connections may be served by different threads, so there is no order across connections: when a
 * connection to a peer replaces another (reconnect, simultaneous dial), {@code opened} for the new one
 * may arrive before {@code closed} for the old one. Key per-connection state (the sync session) by the
 * {@link PeerConnection} object, not by the device id.
 *
 * <p>A callback that throws is logged and closes that connection; it does not stop the transport.
 */
public interface ConnectionListener {

    /**
     * A connection is authenticated and open: TLS 1.3 with mutual authentication completed, the peer's
     * device id passed the mode's check, both sides exchanged the transport hello, and (in
     * {@link TransportMode#PAIRED} mode) it won the one-connection-per-peer tie-break.
     */
    void opened(PeerConnection connection);

    /**
     * One application frame, exactly as the peer passed it to {@link PeerConnection#send}. The array
     * is the receiver's to keep. Keep-alive pings and other transport control frames are not delivered.
     */
    void frame(PeerConnection connection, byte[] frame);

    /**
     * The connection's {@linkplain PeerConnection#writable() writability} changed: {@code false} when
     * the outbound buffer passed the high water mark (stop producing), {@code true} when it drained below
     * the low water mark (resume).
     */
    default void writabilityChanged(PeerConnection connection, boolean writable) {
    }

    /**
     * An opened connection ended. {@code reason} is human-readable and says who ended it and why, e.g.
     * {@code "idle timeout: nothing received for 45000 ms"}, {@code "closed by peer: transport closed"},
     * {@code "duplicate connection: ..."}, or the reason given to {@link PeerConnection#close}.
     */
    void closed(PeerConnection connection, String reason);

    /**
     * A connection attempt or an accepted connection ended before it {@linkplain #opened opened}:
     * connect failure or timeout, TLS failure (an unpaired device is refused here), handshake timeout,
     * protocol error, losing the duplicate-connection tie-break, or an accepted connection closed at
     * once because {@link TransportConfig#maxHandshakingInbound()} others were in their handshake. The
     * reason is short and in words (never the peer's bytes), fit for a log line. For diagnostics; the
     * transport already retries peers given to {@link PeerTransport#connectTo} and logs refused
     * inbound connections itself (rate-limited).
     *
     * @param remote    the address dialed or accepted from
     * @param initiator true if this side dialed
     */
    default void failed(SocketAddress remote, boolean initiator, String reason) {
    }
}
