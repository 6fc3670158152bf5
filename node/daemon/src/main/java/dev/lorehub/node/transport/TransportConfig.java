package dev.lorehub.node.transport;

import dev.lorehub.node.sync.SyncCodec;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timing of a {@link PeerTransport}. Build from {@link #defaults()} and adjust with the
 * {@code with...} methods; the compact constructor rejects inconsistent values with an
 * {@link IllegalArgumentException} naming the field and the value.
 *
 * @param connectTimeout         how long a TCP connect may take before the attempt fails
 * @param handshakeTimeout       how long from TCP connect until the connection is open: TLS handshake,
 *                               identity checks and the transport hello together
 * @param idleTimeout            an open connection on which nothing (not even a keep-alive) arrives for this
 *                               long is closed; {@link Duration#ZERO} disables it. Not applied while the
 *                               consumer has {@linkplain PeerConnection#pauseReading paused reading}
 * @param keepAliveInterval      after this long without sending anything, the transport sends a keep-alive
 *                               ping (never delivered to the application); {@link Duration#ZERO} disables
 *                               pings. Must be shorter than the peer's idle timeout, so by default a third of it
 * @param maxFrameBytes          largest application frame sent or accepted; checked on the 4-byte length
 *                               prefix before anything is allocated
 * @param writeBufferLowWaterMark  a connection turns {@linkplain PeerConnection#writable() writable} again when
 *                               its queued outbound bytes drop below this
 * @param writeBufferHighWaterMark a connection stops being writable when its queued outbound bytes exceed this
 * @param maxPendingWriteBytes   hard cap on outbound bytes per connection counted from {@link PeerConnection#send}
 *                               until the socket write of the frame completes, for producers that ignore
 *                               {@link PeerConnection#writable()}: a send beyond it throws
 *                               {@link SendBufferFullException}. At least high water mark + one maximal frame
 * @param reconnectBaseDelay     first backoff step for {@link PeerTransport#connectTo}
 * @param reconnectMaxDelay      cap of the backoff (exponential growth stops here; attempts never stop
 *                               until {@link PeerTransport#forget}); a connection that stayed open this long
 *                               resets the backoff
 * @param eventLoopThreads       Netty I/O threads (TLS work runs on them)
 * @param socketBufferBytes      SO_SNDBUF and SO_RCVBUF for every socket; 0 leaves the OS default (autotuning).
 *                               Tests set it small to make backpressure observable quickly
 * @param maxHandshakingInbound  most accepted connections still in their handshake (TLS, identity checks, transport
 *                               hello) at once, over all listening endpoints; a connection accepted beyond it is
 *                               closed at once, before TLS. Each costs a TLS engine and its buffers for up to
 *                               {@code handshakeTimeout}, so this bounds what unauthenticated strangers can make the
 *                               node hold
 */
public record TransportConfig(Duration connectTimeout, Duration handshakeTimeout, Duration idleTimeout,
                              Duration keepAliveInterval, int maxFrameBytes, int writeBufferLowWaterMark,
                              int writeBufferHighWaterMark, long maxPendingWriteBytes, Duration reconnectBaseDelay,
                              Duration reconnectMaxDelay, int eventLoopThreads, int socketBufferBytes,
                              int maxHandshakingInbound) {

    /** Largest {@code maxFrameBytes}: prefix, kind byte and payload must stay within a positive int. */
    public static final int MAX_FRAME_LIMIT = Integer.MAX_VALUE - 8;

    public TransportConfig {
        positive("connectTimeout", connectTimeout);
        positive("handshakeTimeout", handshakeTimeout);
        notNegative("idleTimeout", idleTimeout);
        notNegative("keepAliveInterval", keepAliveInterval);
        positive("reconnectBaseDelay", reconnectBaseDelay);
        positive("reconnectMaxDelay", reconnectMaxDelay);
        if (!idleTimeout.isZero() && !keepAliveInterval.isZero() && keepAliveInterval.compareTo(idleTimeout) >= 0) {
            throw new IllegalArgumentException("keepAliveInterval (" + keepAliveInterval + ") must be shorter than idleTimeout ("
                + idleTimeout + "), or a quiet but healthy peer would be cut off");
        }
        if (reconnectMaxDelay.compareTo(reconnectBaseDelay) < 0) {
            throw new IllegalArgumentException("reconnectMaxDelay (" + reconnectMaxDelay + ") must be at least reconnectBaseDelay ("
                + reconnectBaseDelay + ")");
        }
        if (maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_LIMIT) {
            throw new IllegalArgumentException("maxFrameBytes must be within 1.." + MAX_FRAME_LIMIT + ", got " + maxFrameBytes);
        }
        if (writeBufferLowWaterMark < 1 || writeBufferHighWaterMark < writeBufferLowWaterMark) {
            throw new IllegalArgumentException("write buffer water marks must satisfy 1 <= low <= high, got low "
                + writeBufferLowWaterMark + " and high " + writeBufferHighWaterMark);
        }
        long minCap = (long) writeBufferHighWaterMark + maxFrameBytes;
        if (maxPendingWriteBytes < minCap) {
            throw new IllegalArgumentException("maxPendingWriteBytes must be at least the high water mark plus one maximal frame ("
                + minCap + "), got " + maxPendingWriteBytes);
        }
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("eventLoopThreads must be at least 1, got " + eventLoopThreads);
        }
        if (socketBufferBytes < 0) {
            throw new IllegalArgumentException("socketBufferBytes must be 0 (OS default) or positive, got " + socketBufferBytes);
        }
        if (maxHandshakingInbound < 1) {
            throw new IllegalArgumentException("maxHandshakingInbound must be at least 1, got " + maxHandshakingInbound);
        }
    }

    /**
     * Default {@link #maxHandshakingInbound}: 32. A node has a handful of paired devices; all of them
     * reconnecting at once after a network change fit easily, while 32 half-open TLS handshakes cost a
     * few megabytes at most and each slot is freed within the 10 s handshake timeout.
     */
    public static final int DEFAULT_MAX_HANDSHAKING_INBOUND = 32;

    /**
     * Defaults for a LAN: connect 5 s, handshake 10 s, idle 45 s with a keep-alive every 15 s, frames up
     * to {@link SyncCodec#MAX_FRAME} (3 MiB), water marks 256 KiB / 1 MiB, hard cap 16 MiB queued
     * (more than a sync session's 8 MiB receive window), backoff 500 ms doubling up to 30 s, two I/O
     * threads (one on a single-core machine), OS socket buffers, at most
     * {@value #DEFAULT_MAX_HANDSHAKING_INBOUND} inbound connections in their handshake at once.
     */
    public static TransportConfig defaults() {
        return new TransportConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(45),
            Duration.ofSeconds(15), SyncCodec.MAX_FRAME, 256 * 1024, 1024 * 1024, 16L << 20,
            Duration.ofMillis(500), Duration.ofSeconds(30), Math.min(2, Runtime.getRuntime().availableProcessors()), 0,
            DEFAULT_MAX_HANDSHAKING_INBOUND);
    }

    public TransportConfig withConnectTimeout(Duration value) {
        return new TransportConfig(value, handshakeTimeout, idleTimeout, keepAliveInterval, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, reconnectBaseDelay, reconnectMaxDelay,
            eventLoopThreads, socketBufferBytes, maxHandshakingInbound);
    }

    public TransportConfig withHandshakeTimeout(Duration value) {
        return new TransportConfig(connectTimeout, value, idleTimeout, keepAliveInterval, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, reconnectBaseDelay, reconnectMaxDelay,
            eventLoopThreads, socketBufferBytes, maxHandshakingInbound);
    }

    /** Sets both the idle timeout and the keep-alive interval (ZERO disables either). */
    public TransportConfig withIdle(Duration idle, Duration keepAlive) {
        return new TransportConfig(connectTimeout, handshakeTimeout, idle, keepAlive, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, reconnectBaseDelay, reconnectMaxDelay,
            eventLoopThreads, socketBufferBytes, maxHandshakingInbound);
    }

    /** Sets the frame limit; raises the hard cap if it would fall below high water mark + one frame. */
    public TransportConfig withMaxFrameBytes(int value) {
        long cap = Math.max(maxPendingWriteBytes, (long) writeBufferHighWaterMark + value);
        return new TransportConfig(connectTimeout, handshakeTimeout, idleTimeout, keepAliveInterval, value,
            writeBufferLowWaterMark, writeBufferHighWaterMark, cap, reconnectBaseDelay, reconnectMaxDelay,
            eventLoopThreads, socketBufferBytes, maxHandshakingInbound);
    }

    public TransportConfig withWriteBuffer(int lowWaterMark, int highWaterMark, long maxPending) {
        return new TransportConfig(connectTimeout, handshakeTimeout, idleTimeout, keepAliveInterval, maxFrameBytes,
            lowWaterMark, highWaterMark, maxPending, reconnectBaseDelay, reconnectMaxDelay, eventLoopThreads, socketBufferBytes, maxHandshakingInbound);
    }

    public TransportConfig withReconnect(Duration baseDelay, Duration maxDelay) {
        return new TransportConfig(connectTimeout, handshakeTimeout, idleTimeout, keepAliveInterval, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, baseDelay, maxDelay,
            eventLoopThreads, socketBufferBytes, maxHandshakingInbound);
    }

    public TransportConfig withEventLoopThreads(int value) {
        return new TransportConfig(connectTimeout, handshakeTimeout, idleTimeout, keepAliveInterval, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, reconnectBaseDelay, reconnectMaxDelay,
            value, socketBufferBytes, maxHandshakingInbound);
    }

    public TransportConfig withSocketBufferBytes(int value) {
        return new TransportConfig(connectTimeout, handshakeTimeout, idleTimeout, keepAliveInterval, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, reconnectBaseDelay, reconnectMaxDelay,
            eventLoopThreads, value, maxHandshakingInbound);
    }

    public TransportConfig withMaxHandshakingInbound(int value) {
        return new TransportConfig(connectTimeout, handshakeTimeout, idleTimeout, keepAliveInterval, maxFrameBytes,
            writeBufferLowWaterMark, writeBufferHighWaterMark, maxPendingWriteBytes, reconnectBaseDelay, reconnectMaxDelay,
            eventLoopThreads, socketBufferBytes, value);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero (disabled) or positive, got " + value);
        }
    }
}
