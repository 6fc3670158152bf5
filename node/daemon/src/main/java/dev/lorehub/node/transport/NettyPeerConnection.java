package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.sync.FrameTooLargeException;
import io.netty.channel.Channel;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link PeerConnection} over one Netty channel. Sends go straight to the channel (thread-safe in
 * Netty); lifecycle and close run through the channel's {@link ConnectionHandler}.
 */
final class NettyPeerConnection implements PeerConnection {
    private final Channel channel;
    private final ConnectionHandler handler;
    private final DeviceId peer;
    private final boolean initiator;
    private final TransportMode mode;
    private final byte[] ownFingerprint;
    private final byte[] peerFingerprint;
    private final int maxFrameBytes;
    private final long maxPendingWriteBytes;
    /** Bytes handed to the channel and not yet written to the socket (or failed). */
    private final AtomicLong pendingBytes = new AtomicLong();

    private volatile boolean paused;
    private volatile long resumedAtNanos;

    NettyPeerConnection(Channel channel, ConnectionHandler handler, DeviceId peer, boolean initiator, TransportMode mode,
                        byte[] ownFingerprint, byte[] peerFingerprint, TransportConfig config) {
        this.channel = channel;
        this.handler = handler;
        this.peer = peer;
        this.initiator = initiator;
        this.mode = mode;
        this.ownFingerprint = ownFingerprint;
        this.peerFingerprint = peerFingerprint;
        this.maxFrameBytes = config.maxFrameBytes();
        this.maxPendingWriteBytes = config.maxPendingWriteBytes();
    }

    @Override
    public DeviceId peer() {
        return peer;
    }

    @Override
    public boolean initiator() {
        return initiator;
    }

    @Override
    public TransportMode mode() {
        return mode;
    }

    @Override
    public byte[] ownCertFingerprint() {
        return ownFingerprint.clone();
    }

    @Override
    public byte[] peerCertFingerprint() {
        return peerFingerprint.clone();
    }

    @Override
    public SocketAddress remote() {
        return channel.remoteAddress();
    }

    @Override
    public boolean send(byte[] frame) {
        Objects.requireNonNull(frame, "frame");
        if (frame.length > maxFrameBytes) {
            throw new FrameTooLargeException(maxFrameBytes, frame.length, false);
        }
        if (handler.closing() || !channel.isActive()) {
            return false;
        }
        long size = (long) frame.length + Frames.HEADER_BYTES;
        long pending = pendingBytes.addAndGet(size);
        if (pending > maxPendingWriteBytes) {
            pendingBytes.addAndGet(-size);
            throw new SendBufferFullException(maxPendingWriteBytes, pending);
        }
        channel.writeAndFlush(Frames.data(frame)).addListener(done -> pendingBytes.addAndGet(-size));
        return true;
    }

    @Override
    public boolean writable() {
        return channel.isWritable() && !handler.closing();
    }

    @Override
    public void pauseReading(boolean pause) {
        if (!pause) {
            resumedAtNanos = System.nanoTime();
        }
        paused = pause;
        channel.config().setAutoRead(!pause);
    }

    @Override
    public void close(String reason) {
        handler.close(Objects.requireNonNull(reason, "reason"));
    }

    boolean paused() {
        return paused;
    }

    long resumedAtNanos() {
        return resumedAtNanos;
    }

    /** Bytes queued by {@link #send} and not yet written; for tests and diagnostics. */
    long pendingBytes() {
        return pendingBytes.get();
    }

    Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "PeerConnection[" + peer.shortForm() + (initiator ? " dialed " : " accepted ") + mode + " "
            + channel.remoteAddress() + "]";
    }
}
