package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.InvalidDeviceIdException;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.DiscoveryListener;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.discovery.StaticPeer;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaOptions;
import dev.lorehub.node.endpoint.EndpointConfig;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;
import dev.lorehub.node.metrics.NodeMetrics;
import dev.lorehub.node.metrics.ObservedSyncStore;
import dev.lorehub.node.metrics.SessionProgress;
import dev.lorehub.node.metrics.SessionSnapshot;
import dev.lorehub.node.store.EventStore;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.ReplicaSyncStore;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.sync.SyncStore;
import dev.lorehub.node.transport.ConnectionListener;
import dev.lorehub.node.transport.ListeningEndpoint;
import dev.lorehub.node.transport.PeerConnection;
import dev.lorehub.node.transport.PeerTransport;
import dev.lorehub.node.transport.TransportConfig;
import dev.lorehub.node.transport.TransportMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The running node: a thin driver of the sans-IO {@link NodeEndpoint} (DESIGN.md §4). It owns
 * the I/O — the TLS transport (Netty), discovery (JmDNS), the control socket's requests and one
 * node thread — and carries every event to the endpoint with the time on both clocks, then does
 * what the endpoint asks: send a frame, close a connection, dial a peer, wake it at a time. Which
 * peers to dial and when, which of two connections survives, what to offer to whom, when to
 * capture lh's changes and when to restart a session are the endpoint's decisions, the same code
 * the simulator runs.
 *
 * <p>Netty callbacks only hand work to the node thread. A connection whose frames pile up on the
 * node thread stops being read, so a busy node slows its peers through TCP rather than by growing
 * a queue; a session's frames go out only while its connection is writable.
 */
public final class NodeRuntime implements AutoCloseable {
    /** Protocol version announced in discovery. */
    public static final int PROTOCOL_VERSION = 1;
    private static final int PAUSE_READING_ABOVE = 64;
    private static final int RESUME_READING_BELOW = 16;
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    private final NodeHome home;
    private final NodeConfig config;
    private final LongSupplier clock;
    private final ScheduledExecutorService node;
    private final SecureRandom random = new SecureRandom();
    /** Paired devices, read by the transport during TLS handshakes (any thread). */
    private final Set<DeviceId> paired = ConcurrentHashMap.newKeySet();
    private final Map<Long, PeerConnection> connections = new HashMap<>();
    private final Map<PeerConnection, Long> connectionIds = new ConcurrentHashMap<>();
    private final Map<Long, SessionProgress> progress = new HashMap<>();
    private final Map<PeerConnection, AtomicInteger> backlog = new ConcurrentHashMap<>();
    private final AtomicLong nextConnectionId = new AtomicLong();
    private final NodeLock lock;
    private final NodeMetrics metrics;
    private final long monoOrigin = System.nanoTime();

    private DeviceIdentity identity;
    private Replica replica;
    private ReplicaSyncStore store;
    private NodeEndpoint endpoint;
    private ParallelEnvelopeVerifier verifier;
    private PeerTransport transport;
    private ListeningEndpoint listening;
    private Discovery discovery;
    private PairingService pairing;
    private MdnsWatch mdns;
    private String displayName;
    private ScheduledFuture<?> wakeup;
    private long wakeupAt = Long.MAX_VALUE;
    private volatile boolean closed;
    private volatile Thread nodeThread;
    /** The remotes' thread (null without remotes or offline). */
    private volatile RemoteRunner remotes;
    private final boolean online;

    private NodeRuntime(NodeHome home, NodeConfig config, LongSupplier clock, NodeLock lock, boolean online) {
        this.online = online;
        this.home = home;
        this.config = config;
        this.clock = clock;
        this.lock = lock;
        this.metrics = new NodeMetrics(clock.getAsLong());
        this.node = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lorehub-node");
            t.setDaemon(true);
            nodeThread = t;
            return t;
        });
    }

    /**
     * Starts a node on an initialised data directory (see {@code lorehub-node init}): opens the
     * database and keys, listens, starts discovery and dials paired peers.
     *
     * @throws NodeException saying what is wrong and what to do (not initialised, already running, port taken ...)
     */
    public static NodeRuntime start(NodeHome home, NodeConfig config, LongSupplier clock) {
        return start(home, config, clock, true);
    }

    /**
     * As {@link #start(NodeHome, NodeConfig, LongSupplier)}; {@code online = false} opens only the
     * replica (no listening, no discovery, no peers): for CLI commands that change sync state while
     * no daemon runs. What they write syncs when the daemon next starts.
     */
    public static NodeRuntime start(NodeHome home, NodeConfig config, LongSupplier clock, boolean online) {
        if (online && !config.enabled()) {
            throw new NodeException("Sync is disabled in " + home.config() + " (\"enabled\": false): set it to true to start.",
                NodeException.CONFIG);
        }
        NodeLock lock = NodeLock.acquire(home);
        NodeRuntime runtime = new NodeRuntime(home, config, clock, lock, online);
        try {
            runtime.call(runtime::open);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private Void open() throws Exception {
        NodeFiles.requireInitialised(home);
        identity = DeviceIdentity.load(home.identity());
        verifier = ParallelEnvelopeVerifier.perCore();
        LoreHubDatabase db = LoreHubDatabase.open(home.database());
        replica = Replica.open(db, identity, SecretStore.open(home.realmKeys()), random,
            ReplicaOptions.DEFAULT.withVerifier(verifier).withTicker(System::nanoTime));
        store = new ReplicaSyncStore(replica, ReconcileConfig.defaults(), random);
        for (EventStore.PeerRow p : replica.peers()) {
            paired.add(DeviceId.fromBytes(p.device()));
        }
        displayName = config.displayName() != null ? config.displayName() : defaultDisplayName();
        EndpointConfig endpointConfig = EndpointConfig.defaults()
            .withLivePush(config.mode() != NodeConfig.Mode.MANUAL, config.interval() * 1000L)
            .withAutoResolve(config.conflicts().autoResolve())
            .withAutoJoin(config.autoJoinFounders(paired)); // live view: a device unpaired later stops counting
        endpoint = new NodeEndpoint(replica, store, endpointConfig, random, new Hooks(), moment());
        pairing = new PairingService(this);
        mdns = new MdnsWatch(() -> Set.copyOf(paired), clock);
        if (!online) {
            return null;
        }
        TlsIdentity tls = TlsIdentity.create(identity, Instant.ofEpochMilli(clock.getAsLong()), random);
        transport = new PeerTransport(TransportConfig.defaults(), tls, paired::contains, new Listener());
        InetAddress bind = InetAddress.getByName(config.bind().get(0));
        try {
            listening = transport.listen(new InetSocketAddress(bind, config.port()));
        } catch (RuntimeException e) {
            throw new NodeException("Cannot listen on " + bind.getHostAddress() + ":" + config.port() + ": " + e.getMessage()
                + ". Another program may use the port: set \"port\" in " + home.config() + " (0 picks a free one).",
                NodeException.NETWORK);
        }
        for (String extra : config.bind().subList(1, config.bind().size())) {
            transport.listen(new InetSocketAddress(InetAddress.getByName(extra), listening.address().getPort()));
        }
        startDiscovery();
        if (!config.backends().isEmpty()) {
            remotes = RemoteRunner.start(config.backends(), home.nodeDir(), home.database(), this, clock);
        }
        drive();
        LOG.info("Node {} ({}) listening on {}:{}, {} paired peer(s)", identity.id().shortForm(), displayName,
            listening.address().getAddress().getHostAddress(), listening.address().getPort(), paired.size());
        return null;
    }

    private void startDiscovery() throws SocketException, UnknownHostException {
        List<InetAddress> mdns = mdnsAddresses();
        List<StaticPeer> statics = new ArrayList<>();
        for (String s : config.staticPeers()) {
            try {
                statics.add(StaticPeer.parse(s));
            } catch (IllegalArgumentException e) {
                throw new NodeException(home.config() + ": static peer \"" + s + "\" is not host:port: " + e.getMessage(),
                    NodeException.CONFIG);
            }
        }
        LocalNode self = new LocalNode(identity.id().toString(), identity.id().shortForm(), displayName,
            listening.address().getPort(), PROTOCOL_VERSION);
        discovery = Discovery.create(DiscoveryConfig.builder(self).mdnsAddresses(mdns).staticPeers(statics)
            .deviceIdValidator(NodeRuntime::isDeviceId).acceptedProtocolVersions(PROTOCOL_VERSION, PROTOCOL_VERSION).build(),
            new Discovered());
        discovery.start();
    }

    private List<InetAddress> mdnsAddresses() throws SocketException, UnknownHostException {
        List<InetAddress> out = new ArrayList<>();
        for (String a : config.mdns()) {
            if (a.equalsIgnoreCase("auto")) {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (ni.isUp() && !ni.isLoopback() && ni.supportsMulticast()) {
                        for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
                            if (ia instanceof java.net.Inet4Address) {
                                out.add(ia);
                            }
                        }
                    }
                }
            } else {
                out.add(InetAddress.getByName(a));
            }
        }
        return out;
    }

    private static boolean isDeviceId(String text) {
        try {
            DeviceId.parse(text);
            return true;
        } catch (InvalidDeviceIdException e) {
            return false;
        }
    }

    private static String defaultDisplayName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lorehub-node";
        }
    }

    // ---- running work on the node thread

    /**
     * Runs {@code work} on the node thread and waits for it (inline when already there);
     * exceptions come back unwrapped.
     */
    <T> T call(Callable<T> work) {
        if (Thread.currentThread() == nodeThread) {
            try {
                return work.call();
            } catch (dev.lorehub.node.core.ReplicaException e) {
                throw new NodeException(e.getMessage(), NodeException.REFUSED);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new NodeException(e.getMessage(), NodeException.INTERNAL);
            }
        }
        try {
            return node.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted", NodeException.INTERNAL);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof dev.lorehub.node.core.ReplicaException r) {
                throw new NodeException(r.getMessage(), NodeException.REFUSED);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new NodeException(cause.getMessage(), NodeException.INTERNAL);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new NodeException("the node has stopped", NodeException.INTERNAL);
        }
    }

    /** Runs {@code work} on the node thread later, logging (not propagating) failures. */
    void later(Runnable work) {
        try {
            node.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("Node task failed: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    ScheduledFuture<?> schedule(Runnable work, long delayMillis) {
        return node.schedule(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("Node task failed: {}", e.toString(), e);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    long now() {
        return clock.getAsLong();
    }

    /** Now on both clocks: monotonic for the endpoint's timers, wall (the injected clock) for what is recorded. */
    private NodeEndpoint.Moment moment() {
        return new NodeEndpoint.Moment((System.nanoTime() - monoOrigin) / 1_000_000L, clock.getAsLong());
    }

    // ---- driving the endpoint (node thread)

    /** Does what the endpoint asks, then sets the timer for its next wake-up. */
    private void drive() {
        NodeEndpoint.Action action;
        while ((action = endpoint.poll()) != null) {
            if (action instanceof NodeEndpoint.Send send) {
                PeerConnection c = connections.get(send.connection());
                if (c != null) {
                    c.send(send.frame());
                }
            } else if (action instanceof NodeEndpoint.Disconnect d) {
                PeerConnection c = connections.get(d.connection());
                if (c != null) {
                    c.close(d.reason());
                }
            } else if (action instanceof NodeEndpoint.Dial dial) {
                dial(dial);
            }
        }
        if (!online || closed) {
            return;
        }
        long next = endpoint.nextWakeup();
        NodeEndpoint.Moment now = moment();
        if (wakeup != null && !wakeup.isDone() && wakeupAt <= next) {
            return;
        }
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        wakeupAt = next;
        wakeup = node.schedule(() -> guarded(() -> {
            wakeupAt = Long.MAX_VALUE;
            endpoint.tick(moment());
            drive();
        }), Math.max(0, Math.min(next - now.mono(), 60_000)), TimeUnit.MILLISECONDS);
    }

    private void dial(NodeEndpoint.Dial dial) {
        if (!online || closed) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(dial.address().host(), dial.address().port());
        if (address.isUnresolved()) {
            endpoint.dialFailed(dial.peer(), dial.address(), "cannot resolve " + dial.address().host(), moment());
            return;
        }
        transport.connectOnce(address, TransportMode.PAIRED, dial.peer()).whenComplete((c, failure) -> later(() -> {
            if (failure != null) {
                LOG.debug("Dial to {} failed: {}", dial.address(), failure.getMessage());
                endpoint.dialFailed(dial.peer(), dial.address(), failure.getMessage(), moment());
            } else {
                opened(c, dial.address());
            }
            drive();
        }));
    }

    private void opened(PeerConnection c, PeerAddress dialed) {
        long id = nextConnectionId.incrementAndGet();
        connections.put(id, c);
        connectionIds.put(c, id);
        LOG.info("Connected to {} ({})", c.peer().shortForm(), c.remote());
        endpoint.opened(id, c.peer(), c.initiator(), dialed, moment());
    }

    /** Runs work on the node thread; a failure is logged, never lost silently, and never kills the thread. */
    private void guarded(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Node task failed: {}", e.toString(), e);
        }
    }

    /** What the endpoint reports goes to the metrics and the dashboard. */
    private final class Hooks implements NodeEndpoint.Hooks {
        @Override
        public SyncStore sessionStore(DeviceId peer, long connection, SyncStore base) {
            SessionProgress p = new SessionProgress(peer, now());
            progress.put(connection, p);
            return new ObservedSyncStore(base, metrics, p, clock, System::nanoTime);
        }

        @Override
        public void sessionOpened(DeviceId peer, long connection, SyncSession session, NodeEndpoint.Moment now) {
            metrics.sessionOpened(peer, now.wall());
        }

        @Override
        public void sessionClosed(DeviceId peer, long connection, SyncSession session, String reason,
                                  NodeEndpoint.Moment now) {
            SessionProgress p = progress.remove(connection);
            CloseReason why = session.closeReason();
            String failure = null;
            if (why != null && why != CloseReason.NORMAL && !closed) {
                failure = (session.closedByPeer() ? "the peer ended the session: " : "") + why + ": " + session.closeMessage();
                LOG.warn("Sync with {} ended: {}", peer.shortForm(), failure);
            } else if (why == null && p != null && !p.everSyncedView() && !closed) {
                failure = "connection lost before the sync completed: " + reason;
            }
            metrics.sessionClosed(peer, now.wall(), p == null ? 0 : now.wall() - p.openedAt(), failure);
        }

        @Override
        public void contact(DeviceId peer, NodeEndpoint.Moment now) {
            metrics.contact(peer, now.wall());
        }

        @Override
        public void stored(List<dev.lorehub.node.core.StoredKey> keys, NodeEndpoint.Moment now) {
            RemoteRunner r = remotes;
            if (r != null && keys.stream().anyMatch(dev.lorehub.node.core.StoredKey::local)) {
                r.nudge(); // this device wrote: the remotes get it soon, not at their next interval
            }
        }
    }

    // ---- transport events

    private final class Listener implements ConnectionListener {
        @Override
        public void opened(PeerConnection c) {
            if (c.mode() == TransportMode.PAIRING) {
                later(() -> pairing.opened(c));
            } else if (!c.initiator()) {
                later(() -> {
                    NodeRuntime.this.opened(c, null);
                    drive();
                });
            }
            // a connection this node dialed reaches the endpoint from dial(), with the address it dialed
        }

        @Override
        public void frame(PeerConnection c, byte[] frame) {
            AtomicInteger pending = backlog.computeIfAbsent(c, k -> new AtomicInteger());
            if (pending.incrementAndGet() > PAUSE_READING_ABOVE) {
                c.pauseReading(true);
            }
            later(() -> {
                try {
                    if (c.mode() == TransportMode.PAIRING) {
                        pairing.frame(c, frame);
                    } else {
                        Long id = connectionIds.get(c);
                        if (id != null) {
                            endpoint.frame(id, frame, moment());
                            drive();
                        }
                    }
                } finally {
                    if (pending.decrementAndGet() < RESUME_READING_BELOW) {
                        c.pauseReading(false);
                    }
                }
            });
        }

        @Override
        public void writabilityChanged(PeerConnection c, boolean writable) {
            later(() -> {
                Long id = connectionIds.get(c);
                if (id != null) {
                    endpoint.writable(id, writable, moment());
                    drive();
                }
            });
        }

        @Override
        public void closed(PeerConnection c, String reason) {
            backlog.remove(c);
            later(() -> {
                if (c.mode() == TransportMode.PAIRING) {
                    pairing.closed(c, reason);
                    return;
                }
                Long id = connectionIds.remove(c);
                if (id != null) {
                    connections.remove(id);
                    LOG.info("Disconnected from {}: {}", c.peer().shortForm(), reason);
                    endpoint.closed(id, reason, moment());
                    drive();
                }
            });
        }

        @Override
        public void failed(java.net.SocketAddress remote, boolean initiator, String reason) {
            LOG.debug("Connection {} {} failed: {}", initiator ? "to" : "from", remote, reason);
        }
    }

    // ---- discovery

    private final class Discovered implements DiscoveryListener {
        @Override
        public void peerFound(DiscoveredPeer peer) {
            later(() -> {
                mdns.changed(peer);
                if (peer.deviceId().isPresent()) {
                    DeviceId id = DeviceId.parse(peer.deviceId().get());
                    if (!paired.contains(id)) {
                        LOG.debug("Saw unpaired device {} ({})", id.shortForm(), peer.displayName());
                        return;
                    }
                    for (InetAddress a : peer.addresses()) {
                        endpoint.reported(id, new PeerAddress(a.getHostAddress(), peer.port()), moment());
                    }
                } else {
                    for (InetAddress a : peer.addresses()) {
                        endpoint.staticAddress(new PeerAddress(a.getHostAddress(), peer.port()), moment());
                    }
                }
                drive();
            });
        }

        @Override
        public void peerLost(DiscoveredPeer peer) {
            later(() -> mdns.changed(peer));
            LOG.debug("Peer {} left the network", peer.key());
        }
    }

    // ---- operations used by the CLI (through the control socket) and the demo

    /** This device's id. */
    public DeviceId deviceId() {
        return identity.id();
    }

    public String displayName() {
        return displayName;
    }

    /** The address the sync server listens on. */
    public InetSocketAddress address() {
        requireOnline("listening");
        return listening.address();
    }

    void requireOnline(String what) {
        if (!online) {
            throw new NodeException(what + " needs the node on the network: run it while `lorehub-node start` is running, "
                + "or let this command start the node (it does unless the data directory is in use).", NodeException.STATE);
        }
    }

    public NodeHome home() {
        return home;
    }

    Replica replica() {
        return replica;
    }

    Discovery discovery() {
        requireOnline("pairing");
        return discovery;
    }

    PeerTransport transport() {
        requireOnline("pairing");
        return transport;
    }

    DeviceIdentity identity() {
        return identity;
    }

    SecureRandom random() {
        return random;
    }

    NodeConfig config() {
        return config;
    }

    /** Pins a newly paired peer and starts syncing with it (node thread). */
    void pinned(dev.lorehub.crypto.DeviceRecord peer) {
        pinned(peer, null);
    }

    /**
     * Pins a newly paired peer and starts syncing with it (node thread); {@code address}, where it
     * was reached for pairing (a `pair --peer` address), is remembered and dialed.
     */
    void pinned(dev.lorehub.crypto.DeviceRecord peer, PeerAddress address) {
        replica.pinPeer(peer, now());
        paired.add(peer.id());
        endpoint.paired(peer.id(), moment());
        if (address != null) {
            replica.notePeerAddress(peer.id(), address.toString(), now());
            endpoint.reported(peer.id(), address, moment());
        }
        if (online) {
            for (DiscoveredPeer p : discovery.peers()) {
                if (p.deviceId().map(peer.id().toString()::equals).orElse(false)) {
                    for (InetAddress a : p.addresses()) {
                        endpoint.reported(peer.id(), new PeerAddress(a.getHostAddress(), p.port()), moment());
                    }
                }
            }
        }
        drive();
    }

    /** What status says about mDNS (node thread). */
    MdnsWatch mdns() {
        return mdns;
    }

    /** The pairing service (invite and join). */
    /** The remotes this node drives, if any are configured. */
    public java.util.Optional<RemoteRunner> remotes() {
        return java.util.Optional.ofNullable(remotes);
    }

    public PairingService pairing() {
        return pairing;
    }

    /** Runs an operation against the replica on the node thread, then pushes the events it wrote to every peer. */
    public <T> T withReplica(ReplicaWork<T> work) {
        return call(() -> {
            try {
                return endpoint.withReplica(work::run, moment());
            } finally {
                drive();
            }
        });
    }

    /** Work on the replica (node thread). */
    @FunctionalInterface
    public interface ReplicaWork<T> {
        T run(Replica replica, long now) throws Exception;
    }

    /** Connected peers, each with whether its session is fully synced right now. */
    public Map<DeviceId, Boolean> connectedPeers() {
        return call(() -> {
            Map<DeviceId, Boolean> out = new HashMap<>();
            for (SyncSession session : endpoint.sessions().values()) {
                out.put(session.peer(), session.isSynced());
            }
            return out;
        });
    }

    /** Where every paired peer stands, per realm (status, the dashboard). */
    public List<NodeEndpoint.PeerStatus> peerStatus() {
        return call(endpoint::status);
    }

    /** The node's metrics (also what the dashboard shows of each peer). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Every open sync session now: progress per realm, whether it is synced, counters. */
    public List<SessionSnapshot> sessions() {
        return call(() -> {
            List<SessionSnapshot> out = new ArrayList<>();
            for (Map.Entry<Long, SyncSession> e : endpoint.sessions().entrySet()) {
                SessionProgress p = progress.get(e.getKey());
                if (p != null) {
                    out.add(new SessionSnapshot(p.view(now()), e.getValue().isSynced(), e.getValue().stats()));
                }
            }
            return out;
        });
    }

    /** Forgets a paired device: no more syncing with it. */
    public boolean unpair(DeviceId peer) {
        return call(() -> {
            paired.remove(peer);
            endpoint.unpaired(peer, moment());
            drive();
            return replica.unpinPeer(peer, now());
        });
    }

    /** True once every open session is synced (tests and the demo wait for it). */
    public boolean idle() {
        return call(endpoint::idle);
    }

    /** A one-line account of this node's sync state, for diagnostics. */
    public String describe() {
        return call(() -> {
            StringBuilder sb = new StringBuilder(displayName + " " + identity.id().shortForm() + ": pending capture "
                + replica.hasPendingCapture() + ", digest " + replica.digest().substring(0, 12));
            for (var e : replica.realms().entrySet()) {
                sb.append(", realm ").append(e.getKey().toString(), 0, 8).append(" mapped to ").append(e.getValue().localRealmId())
                    .append(" events ").append(replica.events().count(e.getKey().toBytes()));
            }
            for (SyncSession session : endpoint.sessions().values()) {
                sb.append("; session with ").append(session.peer().shortForm()).append(session.isSynced() ? " synced" : " busy")
                    .append(' ').append(session.realms().size()).append(" realm(s) ").append(session.stats());
            }
            return sb.toString();
        });
    }

    /** Waits (bounded) until every open session is synced; returns whether it got there. */
    public boolean awaitIdle(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (idle()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }


    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (remotes != null) {
            remotes.close(); // its rounds store through this node: stop them first
        }
        try {
            if (replica != null) {
                call(() -> {
                    if (wakeup != null) {
                        wakeup.cancel(false);
                    }
                    if (pairing != null) {
                        pairing.close();
                    }
                    if (endpoint != null) {
                        endpoint.shutdown(moment()); // every session says goodbye before the transport closes
                        drive();
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("Stopping loops: {}", e.toString());
        }
        // The transport next: it closes every connection, so no peer reconnects into a node that is
        // going away; then goodbyes on mDNS.
        if (transport != null) {
            transport.close();
        }
        if (discovery != null) {
            discovery.close();
        }
        try {
            if (replica != null) {
                call(() -> {
                    replica.close();
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("Closing the database: {}", e.getMessage());
        }
        node.shutdown();
        try {
            node.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (verifier != null) {
            verifier.close();
        }
        lock.close();
    }
}
