package dev.lorehub.node.transport;

import dev.lorehub.crypto.CryptoException;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.MalformedFrameException;
import dev.lorehub.node.sync.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The life of one connection, on its event loop: TLS handshake → identity checks → transport hello
 * exchange → admission by the transport (tie-break) → open (frames to the listener, keep-alive, idle
 * timeout) → closed. A connection that never opens is reported through
 * {@link ConnectionListener#failed}; one that opened, through {@link ConnectionListener#closed}.
 *
 * <p>Why a transport hello after TLS: in TLS 1.3 the client finishes its handshake before the server
 * has checked the client's certificate. Waiting for the server's hello, which the server sends only
 * after accepting us, keeps a refused client from ever reporting the connection as open.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    static final String IDLE_HANDLER = "idle";
    /** How long a closing connection may spend flushing its close reason before the socket is closed anyway. */
    private static final long CLOSE_GRACE_MILLIS = 1000;

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private enum Phase { TLS, HELLO, OPEN, ENDED }

    private final PeerTransport transport;
    private final TransportConfig config;
    private final TransportMode mode;
    private final boolean initiator;
    private final DeviceId expected;
    private final DialOutcome outcome;
    private final AtomicReference<String> closeReason = new AtomicReference<>();

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.TLS; // event loop only
    /** An accepted connection holds one of the transport's handshake slots until it opens or ends. */
    private boolean holdsHandshakeSlot;
    /** How to count this connection if it is refused before opening (accepted connections only). */
    private InboundRefusals.Kind refusal = InboundRefusals.Kind.REFUSED;
    private ScheduledFuture<?> handshakeTimer;
    private NettyPeerConnection connection;
    private long openedAtNanos;
    private boolean tlsUp; // TLS handshake completed: a close reason can be sent to the peer

    /**
     * @param expected the device a dial must reach, or null (accepted connections, pairing)
     * @param outcome  told how a dial ended, or null for accepted connections
     */
    ConnectionHandler(PeerTransport transport, TransportConfig config, TransportMode mode, boolean initiator,
                      DeviceId expected, DialOutcome outcome) {
        this.transport = transport;
        this.config = config;
        this.mode = mode;
        this.initiator = initiator;
        this.expected = expected;
        this.outcome = outcome;
        this.holdsHandshakeSlot = !initiator; // ChannelSetup took the slot before creating this handler
    }

    /** Gives the handshake slot back (once): the connection opened or ended. */
    private void releaseHandshakeSlot() {
        if (holdsHandshakeSlot) {
            holdsHandshakeSlot = false;
            transport.inboundHandshakeEnded();
        }
    }

    /** Closes with {@code reason}, counting an accepted connection that never opens as {@code kind}. */
    private void refuse(InboundRefusals.Kind kind, String reason) {
        if (!closing()) {
            refusal = kind;
        }
        close(reason);
    }

    /** True once a close was decided (locally or by the peer): sends are refused from then on. */
    boolean closing() {
        return closeReason.get() != null;
    }

    /** Closes from any thread with {@code reason}; the first reason wins. */
    void close(String reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        Channel channel = ctx.channel();
        if (channel.eventLoop().inEventLoop()) {
            shutdown();
        } else {
            try {
                channel.eventLoop().execute(this::shutdown);
            } catch (RejectedExecutionException e) {
                channel.close(); // the transport is shutting down; its close() is closing this channel too
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long millis = config.handshakeTimeout().toMillis();
        handshakeTimer = ctx.executor().schedule(
            () -> refuse(InboundRefusals.Kind.TIMED_OUT, "handshake timed out after " + millis + " ms (TLS and transport hello)"),
            millis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                authenticate();
            } else {
                refuse(FailureText.tlsKind(done.cause()), "TLS handshake failed: " + FailureText.tls(done.cause()));
            }
            return;
        }
        if (evt instanceof IdleStateEvent idle) {
            onIdle(idle.state());
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (phase == Phase.ENDED || closing()) {
                return; // decided to close: drop whatever is still in flight
            }
            byte kind = frame.readByte();
            switch (kind) {
                case Frames.DATA -> onData(frame);
                case Frames.HELLO -> onHello(frame);
                case Frames.PING -> {
                    // A keep-alive; reading it already reset the idle timer.
                }
                case Frames.CLOSE -> onPeerClose(frame);
                default -> throw new MalformedFrameException("unknown frame kind " + kind);
            }
        } catch (ProtocolViolationException e) {
            close("protocol error: " + FailureText.forLog(e.getMessage()));
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (phase == Phase.OPEN && !closing()) {
            boolean writable = ctx.channel().isWritable();
            try {
                transport.listener().writabilityChanged(connection, writable);
            } catch (RuntimeException e) {
                listenerFailed("writabilityChanged", e);
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (phase == Phase.TLS && !closing()) {
            refusal = FailureText.tlsKind(cause);
        }
        close(FailureText.of(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHandshakeTimer();
        releaseHandshakeSlot();
        if (closeReason.compareAndSet(null, phase == Phase.TLS ? "connection closed during the TLS handshake"
            : "connection closed by peer") && phase == Phase.TLS) {
            refusal = InboundRefusals.Kind.CLOSED;
        }
        String reason = closeReason.get();
        Phase was = phase;
        phase = Phase.ENDED;
        if (was == Phase.OPEN) {
            Duration lived = Duration.ofNanos(System.nanoTime() - openedAtNanos);
            transport.removed(connection, lived);
            log.info("{} connection with {} closed after {} ms: {}", connection.mode(), connection.peer().shortForm(),
                lived.toMillis(), FailureText.forLog(reason));
            try {
                transport.listener().closed(connection, reason);
            } catch (RuntimeException e) {
                log.warn("connection listener failed in closed() for {}", connection.peer().shortForm(), e);
            }
        } else if (was != Phase.ENDED) {
            SocketAddress remote = ctx.channel().remoteAddress();
            String who = connection != null ? connection.peer().shortForm() + " at " + remote : String.valueOf(remote);
            if (initiator || (connection != null && mode == TransportMode.PAIRED)) {
                // Our own dials, or a paired device that passed TLS (e.g. the loser of a simultaneous dial): bounded
                // by the reconnect backoff on either side, and the user wants to know why a peer does not connect.
                log.info("{} connection {} {} did not open: {}", mode, initiator ? "to" : "from", who,
                    FailureText.forLog(reason));
            } else {
                // Anyone can connect: one DEBUG line each, at most one WARN line a minute (see InboundRefusals).
                transport.refusals().refused(refusal, remote, mode, reason);
            }
            try {
                transport.listener().failed(remote, initiator, reason);
            } catch (RuntimeException e) {
                log.warn("connection listener failed in failed() for {}", remote, e);
            }
            if (outcome != null) {
                outcome.ended(null, reason);
            }
        }
        super.channelInactive(ctx);
    }

    /** TLS is up: check who the peer is before saying hello. */
    private void authenticate() {
        tlsUp = true;
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        SSLSession session = ssl.engine().getSession();
        if (!TlsContexts.TLS_1_3.equals(session.getProtocol())) {
            close("negotiated " + session.getProtocol() + ", but only TLS 1.3 is allowed");
            return;
        }
        X509Certificate certificate;
        DeviceId peer;
        try {
            Certificate[] chain = session.getPeerCertificates();
            certificate = (X509Certificate) chain[0];
            // Checked again here, not only in the trust manager: a resumed session skips the trust manager.
            peer = TlsIdentity.deviceIdOf(certificate);
        } catch (SSLPeerUnverifiedException | CryptoException | ClassCastException e) {
            close("peer certificate is not bound to a LoreHub device: " + e.getMessage());
            return;
        }
        if (peer.equals(transport.self())) {
            close("connected to itself (device " + peer.shortForm() + ")");
            return;
        }
        if (mode == TransportMode.PAIRED && !transport.isPaired(peer)) {
            refuse(InboundRefusals.Kind.UNPAIRED, "device " + peer + " is not paired with this device");
            return;
        }
        if (expected != null && !expected.equals(peer)) {
            close("expected device " + expected.shortForm() + " at " + ctx.channel().remoteAddress() + " but reached "
                + peer.shortForm());
            return;
        }
        connection = new NettyPeerConnection(ctx.channel(), this, peer, initiator, mode, transport.ownFingerprint(),
            TlsIdentity.fingerprint(certificate), config);
        phase = Phase.HELLO;
        ctx.writeAndFlush(Frames.hello(mode));
    }

    private void onHello(ByteBuf body) {
        if (phase != Phase.HELLO) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "unexpected transport hello");
        }
        if (body.readableBytes() < 2) {
            throw new MalformedFrameException("transport hello of " + body.readableBytes() + " bytes, expected 2");
        }
        byte version = body.readByte();
        byte peerMode = body.readByte();
        if (version != Frames.VERSION) {
            close("peer speaks transport version " + version + ", this device speaks " + Frames.VERSION);
            return;
        }
        if (peerMode != Frames.modeCode(mode)) {
            close("peer connected in " + Frames.modeName(peerMode) + " mode, this side is in " + mode + " mode");
            return;
        }
        cancelHandshakeTimer();
        String refused = transport.admit(connection);
        if (refused != null) {
            close(refused);
            return;
        }
        releaseHandshakeSlot();
        phase = Phase.OPEN;
        openedAtNanos = System.nanoTime();
        installIdleHandler();
        log.info("{} connection with {} open ({} {})", mode, connection.peer().shortForm(), initiator ? "dialed" : "accepted",
            ctx.channel().remoteAddress());
        try {
            transport.listener().opened(connection);
        } catch (RuntimeException e) {
            listenerFailed("opened", e);
        }
        if (outcome != null) {
            outcome.ended(connection, null);
        }
    }

    private void onData(ByteBuf body) {
        if (phase != Phase.OPEN) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION,
                "application frame before the transport hello");
        }
        byte[] frame = new byte[body.readableBytes()];
        body.readBytes(frame);
        try {
            transport.listener().frame(connection, frame);
        } catch (RuntimeException e) {
            listenerFailed("frame", e);
        }
    }

    private void onPeerClose(ByteBuf body) {
        int length = Math.min(body.readableBytes(), Frames.MAX_REASON_BYTES);
        String reason = body.toString(body.readerIndex(), length, StandardCharsets.UTF_8);
        if (closeReason.compareAndSet(null, "closed by peer: " + reason)) {
            ctx.channel().close();
        }
    }

    private void onIdle(IdleState state) {
        if (phase != Phase.OPEN || closing()) {
            return;
        }
        if (state == IdleState.READER_IDLE) {
            long idleNanos = config.idleTimeout().toNanos();
            // While the consumer holds reading paused, silence is ours, not the peer's.
            boolean recentlyResumed = System.nanoTime() - connection.resumedAtNanos() < idleNanos;
            if (!connection.paused() && !recentlyResumed) {
                close("idle timeout: nothing received for " + config.idleTimeout().toMillis() + " ms");
            }
        } else if (state == IdleState.WRITER_IDLE && ctx.channel().isWritable()) {
            // Not writable means data is queued anyway; a ping would only wait behind it.
            ctx.writeAndFlush(Frames.ping());
        }
    }

    private void installIdleHandler() {
        long readerMillis = config.idleTimeout().toMillis();
        long writerMillis = config.keepAliveInterval().toMillis();
        if (readerMillis == 0 && writerMillis == 0) {
            return;
        }
        ctx.pipeline().addAfter(PeerTransport.TLS_HANDLER, IDLE_HANDLER,
            new IdleStateHandler(readerMillis, writerMillis, 0, TimeUnit.MILLISECONDS));
    }

    /** Runs on the event loop after {@link #close} set the reason. */
    private void shutdown() {
        cancelHandshakeTimer();
        Channel channel = ctx.channel();
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        if (tlsUp) {
            // Tell the peer why (best effort), then close TLS (close_notify) and TCP. The reason may be stuck
            // behind queued data a stalled peer never reads, so the close does not wait for it for long.
            channel.writeAndFlush(Frames.close(closeReason.get())).addListener(ChannelFutureListener.CLOSE);
            ctx.executor().schedule(() -> {
                channel.close();
            }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            channel.close();
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    private void listenerFailed(String callback, RuntimeException e) {
        log.warn("connection listener failed in {}() for {}", callback, connection.peer().shortForm(), e);
        close("connection listener failed in " + callback + "(): " + e);
    }
}
