package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;

import java.net.SocketAddress;

/**
 * An open, authenticated connection to one peer device, carrying whole application frames in both
 * directions. Obtained from {@link ConnectionListener#opened}. All methods are thread-safe and
 * non-blocking; the daemon calls them from its node thread.
 *
 * <p><b>Backpressure.</b> Outbound: produce while {@link #writable()} is true; when it turns false,
 * stop and wait for {@link ConnectionListener#writabilityChanged} with {@code true}. A producer that
 * ignores this gets {@link SendBufferFullException} once the queued bytes would exceed
 * {@link TransportConfig#maxPendingWriteBytes()}. Inbound: {@link #pauseReading}{@code (true)} stops
 * reading from the socket, so a busy node slows the peer down through TCP instead of queueing frames.
 */
public interface PeerConnection {

    /** The authenticated peer: the device its TLS certificate is bound to. */
    DeviceId peer();

    /** True if this side dialed the connection. */
    boolean initiator();

    /** How the peer was authenticated. */
    TransportMode mode();

    /** SHA-256 of this device's certificate as presented on this connection (DER). */
    byte[] ownCertFingerprint();

    /** SHA-256 of the certificate the peer presented (DER). The pairing handshake binds both. */
    byte[] peerCertFingerprint();

    /** The peer's address. */
    SocketAddress remote();

    /**
     * Queues one application frame; frames arrive in order and whole. The array must not be modified
     * afterwards (it is sent without copying).
     *
     * @return false if the connection is already closing or closed (the frame is dropped;
     *         {@link ConnectionListener#closed} is or will be delivered)
     * @throws dev.lorehub.node.sync.FrameTooLargeException if the frame is longer than {@link TransportConfig#maxFrameBytes()}
     * @throws SendBufferFullException if queueing it would exceed {@link TransportConfig#maxPendingWriteBytes()}
     */
    boolean send(byte[] frame);

    /** True while the outbound buffer is below the high water mark and the connection is open. */
    boolean writable();

    /**
     * Stops ({@code true}) or resumes ({@code false}) reading from the socket. While paused, at most the
     * frames already read (at most one socket read's worth, plus the rest of a partly read frame) are
     * still delivered, then nothing until resumed, and the idle timeout is suspended.
     */
    void pauseReading(boolean pause);

    /**
     * Closes the connection: tells the peer {@code reason} (best effort), then closes TLS and TCP.
     * {@link ConnectionListener#closed} follows with the same reason. Idempotent; the first reason wins.
     * A connection to a peer given to {@link PeerTransport#connectTo} is re-established after backoff;
     * use {@link PeerTransport#forget} to stop that.
     */
    void close(String reason);
}
