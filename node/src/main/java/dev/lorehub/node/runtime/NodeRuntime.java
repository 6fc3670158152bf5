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
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.metrics.NodeMetrics;
import dev.lorehub.node.metrics.ObservedSyncStore;
import dev.lorehub.node.metrics.SessionProgress;
import dev.lorehub.node.metrics.SessionSnapshot;
import dev.lorehub.node.store.EventStore;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.ReplicaSyncStore;
import dev.lorehub.node.sync.SessionConfig;
import dev.lorehub.node.sync.SyncSession;
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
import java.util.LinkedHashMap;
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
import java.util.function.LongSupplier;

/**
 * The running node: the replica, the TLS transport, discovery, and one sync session per
 * connected paired peer, driven from a single node thread (DESIGN.md §4: the sans-IO session and
 * replica never see a socket or a thread; this class is their driver).
 *
 * <p>Netty callbacks only hand work to the node thread. A change lh makes is captured by the
 * triggers and picked up by a poll every {@value #CAPTURE_POLL_MILLIS} ms, then offered to every
 * connected peer at once. Events one session stores are offered to all the others (that is how a
 * relay forwards). A session's outgoing frames flow only while its connection is writable; a
 * connection whose frames pile up on the node thread stops being read, so a busy node slows its
 * peers through TCP rather than by growing a queue.
 */
public final class NodeRuntime implements AutoCloseable {
    /** Protocol version announced in discovery. */
    public static final int PROTOCOL_VERSION = 1;
    static final long CAPTURE_POLL_MILLIS = 50;
    private static final long MAINTENANCE_MILLIS = 2_000;
    private static final int PAUSE_READING_ABOVE = 64;
    private static final int RESUME_READING_BELOW = 16;
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    private final NodeHome home;
    private final NodeConfig config;
    private final LongSupplier clock;
    private final ScheduledExecutorService node;
    private final SecureRandom random = new SecureRandom();
    private final Set<DeviceId> paired = ConcurrentHashMap.newKeySet();
    private final Map<PeerConnection, Link> links = new LinkedHashMap<>();
    private final Map<PeerConnection, AtomicInteger> backlog = new ConcurrentHashMap<>();
    private final List<ScheduledFuture<?>> loops = new ArrayList<>();
    private final NodeLock lock;
    private final NodeMetrics metrics;

    private DeviceIdentity identity;
    private Replica replica;
    private ReplicaSyncStore store;
    private ParallelEnvelopeVerifier verifier;
    private PeerTransport transport;
    private ListeningEndpoint endpoint;
    private Discovery discovery;
    private PairingService pairing;
    private PeerAddresses addresses;
    private String displayName;
    private volatile boolean closed;
    private volatile Thread nodeThread;
    private final boolean online;

    /** A sync session on one open connection. */
    private static final class Link {
        final PeerConnection connection;
        final SyncSession session;
        final SessionProgress progress;
        ScheduledFuture<?> timer;
        long timerAt = Long.MAX_VALUE;

        Link(PeerConnection connection, SyncSession session, SessionProgress progress) {
            this.connection = connection;
            this.session = session;
            this.progress = progress;
        }
    }

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
            ReplicaOptions.DEFAULT.withVerifier(verifier));
        store = new ReplicaSyncStore(replica, ReconcileConfig.defaults(), random);
        replica.addListener(keys -> {
            if (collecting != null) {
                collecting.addAll(keys);
            }
        });
        for (EventStore.PeerRow p : replica.peers()) {
            paired.add(DeviceId.fromBytes(p.device()));
        }
        displayName = config.displayName() != null ? config.displayName() : defaultDisplayName();
        pairing = new PairingService(this);
        addresses = new PeerAddresses(this);
        if (!online) {
            return null;
        }
        TlsIdentity tls = TlsIdentity.create(identity, Instant.ofEpochMilli(clock.getAsLong()), random);
        transport = new PeerTransport(TransportConfig.defaults(), tls, paired::contains, new Listener(), random);
        InetAddress bind = InetAddress.getByName(config.bind().get(0));
        try {
            endpoint = transport.listen(new InetSocketAddress(bind, config.port()));
        } catch (RuntimeException e) {
            throw new NodeException("Cannot listen on " + bind.getHostAddress() + ":" + config.port() + ": " + e.getMessage()
                + ". Another program may use the port: set \"port\" in " + home.config() + " (0 picks a free one).",
                NodeException.NETWORK);
        }
        for (String extra : config.bind().subList(1, config.bind().size())) {
            transport.listen(new InetSocketAddress(InetAddress.getByName(extra), endpoint.address().getPort()));
        }
        startDiscovery();
        addresses.dialRemembered();
        loops.add(node.scheduleWithFixedDelay(this::pollCapture, CAPTURE_POLL_MILLIS, CAPTURE_POLL_MILLIS, TimeUnit.MILLISECONDS));
        loops.add(node.scheduleWithFixedDelay(this::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS, TimeUnit.MILLISECONDS));
        if (config.mode() == NodeConfig.Mode.MANUAL) {
            loops.add(node.scheduleWithFixedDelay(this::resyncAll, config.interval(), config.interval(), TimeUnit.SECONDS));
        }
        LOG.info("Node {} ({}) listening on {}:{}, {} paired peer(s)", identity.id().shortForm(), displayName,
            endpoint.address().getAddress().getHostAddress(), endpoint.address().getPort(), paired.size());
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
            endpoint.address().getPort(), PROTOCOL_VERSION);
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

    // ---- transport events

    private final class Listener implements ConnectionListener {
        @Override
        public void opened(PeerConnection c) {
            later(() -> {
                if (c.mode() == TransportMode.PAIRING) {
                    pairing.opened(c);
                } else {
                    onOpened(c);
                }
            });
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
                        onFrame(c, frame);
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
            if (writable) {
                later(() -> {
                    Link link = links.get(c);
                    if (link != null) {
                        flush(link);
                    }
                });
            }
        }

        @Override
        public void closed(PeerConnection c, String reason) {
            backlog.remove(c);
            later(() -> {
                if (c.mode() == TransportMode.PAIRING) {
                    pairing.closed(c, reason);
                } else {
                    onClosed(c, reason);
                }
            });
        }

        @Override
        public void failed(java.net.SocketAddress remote, boolean initiator, String reason) {
            LOG.debug("Connection {} {} failed: {}", initiator ? "to" : "from", remote, reason);
        }
    }

    private void onOpened(PeerConnection c) {
        if (closed) {
            c.close("node shutting down");
            return;
        }
        SessionProgress progress = new SessionProgress(c.peer(), now());
        SyncSession session = new SyncSession(new ObservedSyncStore(store, metrics, progress, clock, System::nanoTime),
            SessionConfig.defaults(), c.initiator(), c.peer());
        Link link = new Link(c, session, progress);
        links.put(c, link);
        addresses.opened(c);
        metrics.sessionOpened(c.peer(), now());
        session.start(now());
        LOG.info("Connected to {} ({})", c.peer().shortForm(), c.remote());
        afterInput(link);
    }

    private void onFrame(PeerConnection c, byte[] frame) {
        Link link = links.get(c);
        if (link == null) {
            return;
        }
        metrics.contact(c.peer(), now());
        link.session.onFrame(frame, now());
        afterInput(link);
    }

    private void onClosed(PeerConnection c, String reason) {
        Link link = links.remove(c);
        if (link != null) {
            if (link.timer != null) {
                link.timer.cancel(false);
            }
            LOG.info("Disconnected from {}: {}", c.peer().shortForm(), reason);
            metrics.sessionClosed(c.peer(), now(), now() - link.progress.openedAt(), failure(link, reason));
        }
    }

    /** Why a closed session counts as a failed sync, or null when it ended normally. */
    private String failure(Link link, String transportReason) {
        CloseReason reason = link.session.closeReason();
        if (reason == CloseReason.NORMAL || closed) {
            return null;
        }
        if (reason != null) {
            return (link.session.closedByPeer() ? "the peer ended the session: " : "") + reason + ": "
                + link.session.closeMessage();
        }
        return link.progress.everSyncedView() ? null : "connection lost before the sync completed: " + transportReason;
    }

    /** After any input to a session: send what it produced, offer what it stored elsewhere, re-arm its timer. */
    private void afterInput(Link link) {
        flush(link);
        List<StoredKey> stored = link.session.drainIngested();
        if (!stored.isEmpty()) {
            List<StoredKey> local = stored.stream().filter(StoredKey::local).toList();
            List<StoredKey> received = stored.stream().filter(k -> !k.local()).toList();
            if (!local.isEmpty()) {
                offer(local, null);
            }
            if (!received.isEmpty()) {
                offer(received, link);
            }
        }
        armTimer(link);
    }

    private void flush(Link link) {
        while (link.connection.writable()) {
            byte[] f = link.session.pollFrame();
            if (f == null) {
                break;
            }
            link.connection.send(f);
        }
        if (link.session.isClosed() && links.containsKey(link.connection)) {
            CloseReason reason = link.session.closeReason();
            String why = (link.session.closedByPeer() ? "peer ended the session: " : "") + reason + ": "
                + link.session.closeMessage();
            if (reason != CloseReason.NORMAL) {
                LOG.warn("Sync with {} ended: {}", link.connection.peer().shortForm(), why);
            }
            link.connection.close(why);
        }
    }

    private void armTimer(Link link) {
        long at = link.session.nextTimer();
        if (at == link.timerAt) {
            return;
        }
        if (link.timer != null) {
            link.timer.cancel(false);
        }
        link.timerAt = at;
        if (at == Long.MAX_VALUE) {
            link.timer = null;
            return;
        }
        link.timer = schedule(() -> {
            if (links.get(link.connection) == link) {
                link.timerAt = Long.MAX_VALUE;
                link.session.onTimer(now());
                afterInput(link);
            }
        }, Math.max(0, at - now()));
    }

    /** Offers new events to every session except {@code source}'s (live push; relays forward this way). */
    void offer(List<StoredKey> keys, Link source) {
        if (config.mode() == NodeConfig.Mode.MANUAL) {
            return;
        }
        for (Link link : List.copyOf(links.values())) {
            if (link != source) {
                link.session.onLocalChange(keys, now());
                flush(link);
                armTimer(link);
            }
        }
    }

    // ---- periodic work

    private void pollCapture() {
        try {
            while (replica.hasPendingCapture()) {
                List<StoredKey> keys = replica.captureLocalChanges(now());
                if (!keys.isEmpty()) {
                    offer(keys, null);
                }
                if (keys.isEmpty()) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Capturing local changes failed (will retry): {}", e.getMessage());
        }
    }

    private void maintain() {
        restartStaleSessions();
        try {
            for (var realm : replica.autoMapByGitRemote(now(), founder -> false)) {
                LOG.info("Mapped synced realm {} to the local project with the same git remote", realm);
            }
            List<StoredKey> keys = new ArrayList<>(replica.maintainKeys(now()));
            java.util.OptionalLong due = replica.nextHeldRelease();
            if (due.isPresent() && due.getAsLong() <= now()) {
                keys.addAll(replica.releaseHeld(now()));
            }
            replica.pruneInvitations(now());
            if (!replica.unsynced().isEmpty()) {
                keys.addAll(replica.retryUnsynced(now()));
            }
            if (config.conflicts().autoResolve()) {
                keys.addAll(replica.resolveAllKeepingWinners(now()));
            }
            if (!keys.isEmpty()) {
                offer(keys, null);
            }
        } catch (RuntimeException e) {
            LOG.warn("Maintenance failed (will retry): {}", e.getMessage());
        }
    }

    /**
     * A session fixes its realms at Hello. When membership changed since (a realm was granted to
     * the peer, or the peer was removed from one), end it; the transport reconnects and the new
     * session opens exactly the realms shared now, so a new member starts syncing and a removed
     * one stops receiving offers.
     */
    private void restartStaleSessions() {
        for (Link link : List.copyOf(links.values())) {
            if (!link.session.isOpen()) {
                continue;
            }
            DeviceId peer = link.connection.peer();
            Set<dev.lorehub.crypto.RealmId> open = link.session.realms();
            boolean stale = link.session.joinedSinceOpen();
            for (var offer : store.offersFor(peer)) {
                stale |= !open.contains(offer.realm());
            }
            for (var realm : open) {
                var m = replica.membership(realm);
                stale |= m.founder().isPresent() && !m.members().containsKey(peer);
            }
            if (stale) {
                LOG.info("Realm membership changed for {}: restarting its sync session", peer.shortForm());
                link.session.close(CloseReason.NORMAL, "realm membership changed; reconnecting");
                flush(link);
            }
        }
    }

    /** Manual mode: drop every session; the transport reconnects and the new sessions reconcile fully. */
    private void resyncAll() {
        for (Link link : List.copyOf(links.values())) {
            link.session.close(CloseReason.NORMAL, "periodic resync");
            flush(link);
        }
    }

    // ---- discovery

    private final class Discovered implements DiscoveryListener {
        @Override
        public void peerFound(DiscoveredPeer peer) {
            later(() -> addresses.mdnsChanged(peer));
            if (peer.deviceId().isPresent()) {
                DeviceId id = DeviceId.parse(peer.deviceId().get());
                if (!paired.contains(id)) {
                    LOG.debug("Saw unpaired device {} ({})", id.shortForm(), peer.displayName());
                    return;
                }
                for (InetAddress a : peer.addresses()) {
                    transport.connectTo(id, new InetSocketAddress(a, peer.port()));
                }
            } else {
                for (InetAddress a : peer.addresses()) {
                    transport.connectOnce(new InetSocketAddress(a, peer.port()), TransportMode.PAIRED, null);
                }
            }
        }

        @Override
        public void peerLost(DiscoveredPeer peer) {
            later(() -> addresses.mdnsChanged(peer));
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
        return endpoint.address();
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
        replica.pinPeer(peer, now());
        paired.add(peer.id());
        if (!online) {
            return;
        }
        for (DiscoveredPeer p : discovery.peers()) {
            if (p.deviceId().map(peer.id().toString()::equals).orElse(false)) {
                for (InetAddress a : p.addresses()) {
                    transport.connectTo(peer.id(), new InetSocketAddress(a, p.port()));
                }
            }
        }
    }

    PeerAddresses addresses() { return addresses; }

    /** The pairing service (invite and join). */
    public PairingService pairing() {
        return pairing;
    }

    /** Runs an operation against the replica on the node thread, then pushes the events it wrote to every peer. */
    public <T> T withReplica(ReplicaWork<T> work) {
        return call(() -> {
            collecting = new ArrayList<>();
            T result;
            try {
                result = work.run(replica, now());
            } finally {
                List<StoredKey> written = collecting;
                collecting = null;
                if (!written.isEmpty()) {
                    offer(written, null);
                }
            }
            return result;
        });
    }

    /** Events written by the operation running in {@link #withReplica}, or null outside one. */
    private List<StoredKey> collecting;

    /** Work on the replica (node thread). */
    @FunctionalInterface
    public interface ReplicaWork<T> {
        T run(Replica replica, long now) throws Exception;
    }

    /** Connected peers, each with whether its session is fully synced right now. */
    public Map<DeviceId, Boolean> connectedPeers() {
        return call(() -> {
            Map<DeviceId, Boolean> out = new HashMap<>();
            for (Link link : links.values()) {
                out.put(link.connection.peer(), link.session.isSynced());
            }
            return out;
        });
    }

    /** The node's metrics (also what the dashboard shows of each peer). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Every open sync session now: progress per realm, whether it is synced, counters. */
    public List<SessionSnapshot> sessions() {
        return call(() -> {
            List<SessionSnapshot> out = new ArrayList<>();
            for (Link link : links.values()) {
                out.add(new SessionSnapshot(link.progress.view(now()), link.session.isSynced(), link.session.stats()));
            }
            return out;
        });
    }

    /** Forgets a paired device: no more syncing with it. */
    public boolean unpair(DeviceId peer) {
        return call(() -> {
            paired.remove(peer);
            if (online) {
                transport.forget(peer);
            }
            return replica.unpinPeer(peer, now());
        });
    }

    /** True once every open session is synced (tests and the demo wait for it). */
    public boolean idle() {
        return call(() -> !replica.hasPendingCapture() && links.values().stream().allMatch(l -> l.session.isSynced()
            && !l.session.hasPendingOutput()));
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
            for (Link link : links.values()) {
                sb.append("; session with ").append(link.connection.peer().shortForm()).append(link.session.isSynced()
                    ? " synced" : " busy").append(' ').append(link.session.realms().size()).append(" realm(s) ")
                    .append(link.session.stats());
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
        try {
            if (replica != null) {
                call(() -> {
                    loops.forEach(f -> f.cancel(false));
                    if (pairing != null) {
                        pairing.close();
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("Stopping loops: {}", e.toString());
        }
        // The transport first: it tells every peer "transport closed" and stops redialing, so no
        // peer reconnects into a node that is going away; then goodbyes on mDNS.
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
