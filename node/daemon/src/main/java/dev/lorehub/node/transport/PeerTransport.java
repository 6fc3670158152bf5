package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The node's network edge: TCP through Netty, TLS 1.3 with mutual authentication, length-prefixed
 * frames. It dials when told, accepts, and moves whole frames; it knows nothing of the sync protocol
 * above it (DESIGN.md §5), and keeps no policy: which peers to dial, when to redial and which of two
 * connections to the same peer survives are decided by the node's sans-IO endpoint
 * ({@code dev.lorehub.node.endpoint.NodeEndpoint}), the same code the simulator runs.
 *
 * <p><b>Authentication.</b> Both sides present their {@link TlsIdentity} certificate. In
 * {@link TransportMode#PAIRED} mode a peer is let in only if its certificate is bound to a device for
 * which {@code paired} is true, checked by the crypto module's pinning trust manager during the
 * handshake (so an unpaired device fails TLS) and again when the connection opens; in
 * {@link TransportMode#PAIRING} mode any properly bound certificate is let in. Sessions are never
 * resumed, so the pin check runs in every handshake (see {@link TlsContexts}). Each
 * {@link PeerConnection} exposes the authenticated {@link PeerConnection#peer() device id} and both
 * certificate fingerprints.
 *
 * <p><b>Strangers.</b> Anyone can connect. At most {@link TransportConfig#maxHandshakingInbound()}
 * accepted connections may be in their handshake at once (more are closed at once), each for at most
 * {@link TransportConfig#handshakeTimeout()}. Inbound connections refused before the peer authenticated
 * as a paired device are logged at DEBUG each and, at WARN, in a few lines a minute at most (see
 * {@link InboundRefusals}), in words, never with the bytes the stranger sent.
 *
 * <p><b>Keep-alive.</b> The transport keeps connections alive itself: after
 * {@link TransportConfig#keepAliveInterval()} without sending, it sends a ping control frame, and it
 * closes a connection on which nothing arrived for {@link TransportConfig#idleTimeout()}. The
 * application never sees pings.
 *
 * <p><b>Threading.</b> Public methods are thread-safe. {@link #listen}, {@link ListeningEndpoint#close}
 * and {@link #close} block briefly and must not be called from a listener callback; the rest never
 * block. Listener callbacks run on Netty event-loop threads (see {@link ConnectionListener}); the
 * daemon hands their work to its node thread. The {@code paired} predicate is called on event-loop
 * threads during handshakes and must be fast and thread-safe (e.g. a concurrent set's {@code contains}).
 */
public final class PeerTransport implements AutoCloseable {
    static final String TLS_HANDLER = "tls";

    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final TransportConfig config;
    private final TlsIdentity identity;
    private final byte[] ownFingerprint;
    private final Predicate<DeviceId> paired;
    private final ConnectionListener listener;
    private final TlsContexts tls;
    private final EventLoopGroup group;

    private final InboundRefusals refusals;
    /** Accepted connections still in their handshake, over every endpoint (see {@link TransportConfig#maxHandshakingInbound()}). */
    private final AtomicInteger handshakingInbound = new AtomicInteger();

    private final Object lock = new Object();
    private boolean closed;
    /** Every channel not yet closed (servers and connections), for close(). */
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

    /**
     * Creates the transport and its event loops; nothing is bound or dialed yet.
     *
     * @param config   limits and timing
     * @param identity this device's TLS certificate and key
     * @param paired   which devices {@link TransportMode#PAIRED} connections accept; fast and thread-safe
     * @param listener receives connections and frames (on event-loop threads)
     */
    public PeerTransport(TransportConfig config, TlsIdentity identity, Predicate<DeviceId> paired, ConnectionListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.paired = Objects.requireNonNull(paired, "paired");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ownFingerprint = identity.fingerprint();
        this.tls = new TlsContexts(identity, paired);
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
            new DefaultThreadFactory("lorehub-transport-" + identity.deviceId().shortForm(), true), NioIoHandler.newFactory());
        this.refusals = new InboundRefusals(identity.deviceId().shortForm(), (delay, task) -> schedule(delay, task));
    }

    /** This device. */
    public DeviceId self() {
        return identity.deviceId();
    }

    /** Listens in {@link TransportMode#PAIRED} mode; see {@link #listen(InetSocketAddress, TransportMode)}. */
    public ListeningEndpoint listen(InetSocketAddress bind) {
        return listen(bind, TransportMode.PAIRED);
    }

    /**
     * Binds a server socket (port 0 picks a free port) and accepts connections authenticated per
     * {@code mode}. Several endpoints may be open at once, e.g. the normal one and, while a pairing code
     * is open, a pairing one. Blocks until bound.
     *
     * @throws TransportException naming the address if it cannot be bound
     * @throws IllegalStateException after {@link #close()}
     */
    public ListeningEndpoint listen(InetSocketAddress bind, TransportMode mode) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(mode, "mode");
        ensureOpen();
        ServerBootstrap server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(new ChannelSetup(this, config, tls, mode, false, null, null));
        if (config.socketBufferBytes() > 0) {
            server.option(ChannelOption.SO_RCVBUF, config.socketBufferBytes()); // inherited by accepted sockets
        }
        applyChildOptions(server);
        ChannelFuture bound = server.bind(bind).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new TransportException("cannot listen on " + bind + ": " + bound.cause().getMessage(), bound.cause());
        }
        Channel channel = bound.channel();
        track(channel);
        Endpoint endpoint = new Endpoint(channel, (InetSocketAddress) channel.localAddress(), mode);
        log.info("{} listening on {} in {} mode", self().shortForm(), endpoint.address(), mode);
        return endpoint;
    }

    /**
     * Dials once, without retries (the endpoint decides whether and when to dial again). The
     * listener's {@link ConnectionListener#opened} runs before the future completes.
     *
     * @param expected the device that must answer, or null to accept any device the mode allows
     * @return completes with the open connection, or exceptionally with a {@link TransportException}
     *         saying why it did not open (connect failure, TLS refusal, timeout)
     */
    public CompletableFuture<PeerConnection> connectOnce(InetSocketAddress address, TransportMode mode, DeviceId expected) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mode, "mode");
        CompletableFuture<PeerConnection> result = new CompletableFuture<>();
        dial(address, mode, expected, (opened, failure) -> {
            if (opened != null) {
                result.complete(opened);
            } else {
                result.completeExceptionally(new TransportException(failure));
            }
        });
        return result;
    }

    /**
     * Stops everything: no more dials or accepts; every connection is closed with reason
     * {@code "transport closed"} (the peer is told) and gets its {@link ConnectionListener#closed}
     * before this returns; the event loops are shut down. Bounded to a few seconds. Idempotent. Do not
     * call from a listener callback (it would only start the shutdown, not wait for it).
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<Channel> closing = new ArrayList<>(channels);
        for (Channel channel : closing) {
            ConnectionHandler handler = channel.pipeline().get(ConnectionHandler.class);
            if (handler != null) {
                handler.close("transport closed");
            } else {
                channel.close();
            }
        }
        boolean onEventLoop = onEventLoop();
        if (!onEventLoop) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
            for (Channel channel : closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                    log.warn("{} transport: a channel did not close within {} ms", self().shortForm(), CLOSE_WAIT_MILLIS);
                    break;
                }
            }
        }
        // Graceful shutdown runs the tasks still queued, among them the channelInactive callbacks.
        io.netty.util.concurrent.Future<?> terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!onEventLoop && !terminated.awaitUninterruptibly(CLOSE_WAIT_MILLIS)) {
            log.warn("{} transport: event loops did not stop within {} ms", self().shortForm(), CLOSE_WAIT_MILLIS);
        }
        log.info("{} transport closed", self().shortForm());
    }

    // ---- package-private: called by ConnectionHandler and ChannelSetup ----

    ConnectionListener listener() {
        return listener;
    }

    boolean isPaired(DeviceId peer) {
        return paired.test(peer);
    }

    byte[] ownFingerprint() {
        return ownFingerprint;
    }

    InboundRefusals refusals() {
        return refusals;
    }

    /**
     * Takes a handshake slot for a just-accepted connection; false (and the connection is counted as
     * refused) when {@link TransportConfig#maxHandshakingInbound()} are already in their handshake.
     */
    boolean inboundHandshakeStarted(Channel channel, TransportMode mode) {
        if (handshakingInbound.incrementAndGet() <= config.maxHandshakingInbound()) {
            return true;
        }
        handshakingInbound.decrementAndGet();
        String reason = "closed at once: " + config.maxHandshakingInbound()
            + " other inbound connections are still in their handshake";
        refusals.refused(InboundRefusals.Kind.TOO_MANY, channel.remoteAddress(), mode, reason);
        try {
            listener.failed(channel.remoteAddress(), false, reason);
        } catch (RuntimeException e) {
            log.warn("connection listener failed in failed() for {}", channel.remoteAddress(), e);
        }
        return false;
    }

    /** An accepted connection left its handshake (opened or ended): its slot is free. */
    void inboundHandshakeEnded() {
        handshakingInbound.decrementAndGet();
    }

    /** For tests: accepted connections in their handshake now. */
    int handshakingInbound() {
        return handshakingInbound.get();
    }

    /** Remembers a channel until it closes, so that close() can reach it. */
    void track(Channel channel) {
        channels.add(channel);
        channel.closeFuture().addListener(done -> channels.remove(channel));
        boolean late;
        synchronized (lock) {
            late = closed;
        }
        if (late) {
            channel.close();
        }
    }

    /**
     * Decides whether a connection that completed its handshakes may open: in
     * {@link TransportMode#PAIRED} mode only a paired device (checked again here, after TLS, because
     * a device may have been unpaired while its handshake ran). Returns null if admitted, else the
     * reason to close it.
     */
    String admit(NettyPeerConnection connection) {
        synchronized (lock) {
            if (closed) {
                return "transport closed";
            }
        }
        if (connection.mode() == TransportMode.PAIRED && !paired.test(connection.peer())) {
            return "device " + connection.peer() + " is not paired with this device";
        }
        return null;
    }

    /** An opened connection closed (nothing to do: the endpoint decides whether to redial). */
    void removed(NettyPeerConnection connection, Duration lived) {
    }

    // ---- internals ----

    private void dial(InetSocketAddress address, TransportMode mode, DeviceId expected, DialOutcome outcome) {
        synchronized (lock) {
            if (closed) {
                outcome.ended(null, "transport closed");
                return;
            }
        }
        Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .handler(new ChannelSetup(this, config, tls, mode, true, expected, outcome));
        applyOptions(bootstrap);
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(address);
        } catch (RejectedExecutionException e) {
            outcome.ended(null, "transport closed");
            return;
        }
        connect.addListener(done -> {
            if (done.isSuccess()) {
                return; // from here on the ConnectionHandler reports the outcome
            }
            Throwable cause = done.cause();
            String reason = cause instanceof ConnectTimeoutException
                ? "connect to " + address + " timed out after " + config.connectTimeout().toMillis() + " ms"
                : "connect to " + address + " failed: " + (cause == null ? "cancelled" : FailureText.of(cause));
            log.debug("{}", reason);
            try {
                listener.failed(address, true, reason);
            } catch (RuntimeException e) {
                log.warn("connection listener failed in failed() for {}", address, e);
            }
            outcome.ended(null, reason);
        });
    }

    private void applyOptions(Bootstrap bootstrap) {
        bootstrap.option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()));
        if (config.socketBufferBytes() > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
                .option(ChannelOption.SO_RCVBUF, config.socketBufferBytes());
        }
    }

    private void applyChildOptions(ServerBootstrap server) {
        server.childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()));
        if (config.socketBufferBytes() > 0) {
            server.childOption(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
                .childOption(ChannelOption.SO_RCVBUF, config.socketBufferBytes());
        }
    }

    private void schedule(Duration delay, Runnable task) {
        try {
            group.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: nothing will run anyway
        }
    }

    private boolean onEventLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private void ensureOpen() {
        synchronized (lock) {
            ensureOpenLocked();
        }
    }

    private void ensureOpenLocked() {
        if (closed) {
            throw new IllegalStateException("transport is closed");
        }
    }

    /** A bound server channel. */
    private final class Endpoint implements ListeningEndpoint {
        private final Channel channel;
        private final InetSocketAddress address;
        private final TransportMode mode;

        Endpoint(Channel channel, InetSocketAddress address, TransportMode mode) {
            this.channel = channel;
            this.address = address;
            this.mode = mode;
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

        @Override
        public TransportMode mode() {
            return mode;
        }

        @Override
        public void close() {
            channel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }

        @Override
        public String toString() {
            return "ListeningEndpoint[" + address + " " + mode + "]";
        }
    }
}
