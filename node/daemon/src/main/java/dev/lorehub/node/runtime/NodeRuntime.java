package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaOptions;
import dev.lorehub.node.endpoint.EndpointConfig;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;
import dev.lorehub.node.metrics.NodeMetrics;
import dev.lorehub.node.metrics.SessionSnapshot;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.sync.ReplicaSyncStore;
import dev.lorehub.node.transport.ListeningEndpoint;
import dev.lorehub.node.transport.PeerTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;

/**
 * The running node: the composition root of the daemon, a thin driver of the sans-IO
 * {@link NodeEndpoint} (DESIGN.md §4). It opens the replica and builds the endpoint, then wires
 * the drivers around it: the {@link NodeThread} every piece of state lives on, the
 * {@link NetworkDriver} (Netty in, sends, closes, dials and wake-ups out), the
 * {@link DiscoveryDriver} (mDNS and static peers), the {@link RemoteRunner} (remotes), the
 * {@link PairingService}, and {@link SessionMetricsHooks} (metrics and the dashboard's view). Which
 * peers to dial and when, which of two connections survives, what to offer to whom, when to
 * capture lh's changes and when to restart a session are the endpoint's decisions, the same code
 * the simulator runs; this class only exposes the node's operations to the control socket, the
 * CLI, the dashboard and the demo.
 *
 * <p>Threading: every public method may be called from any thread; each runs its work on the node
 * thread and waits for it. Invariant: the replica and the endpoint are touched on the node thread only.
 */
public final class NodeRuntime implements AutoCloseable {
    /** Protocol version announced in discovery. */
    public static final int PROTOCOL_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    private final NodeHome home;
    private final NodeConfig config;
    private final DriverClock clock;
    private final NodeThread node = new NodeThread();
    private final SecureRandom random = new SecureRandom();
    private final NodeLock lock;
    private final NodeMetrics metrics;
    private final SyncPeers peers;
    private final boolean online;

    private DeviceIdentity identity;
    private Replica replica;
    /** The LoreHub database under {@link #replica} (the replica owns and closes it), for the status reports' lh lookups. */
    private LoreHubDatabase database;
    private NodeEndpoint endpoint;
    private SessionMetricsHooks hooks;
    private ParallelEnvelopeVerifier verifier;
    private NetworkDriver network;
    private ListeningEndpoint listening;
    private DiscoveryDriver discovery;
    private PairingService pairing;
    private MdnsWatch mdns;
    private DatabaseWatcher watcher;
    private String displayName;
    private volatile boolean closed;
    /** The remotes' thread (null without remotes or offline). */
    private volatile RemoteRunner remotes;

    private NodeRuntime(NodeHome home, NodeConfig config, LongSupplier clock, NodeLock lock, boolean online) {
        this.online = online;
        this.home = home;
        this.config = config;
        this.clock = new DriverClock(clock);
        this.peers = new SyncPeers(this.clock);
        this.lock = lock;
        this.metrics = new NodeMetrics(clock.getAsLong());
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
        if (online) {
            StartupChecks.requireEnabled(home, config);
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
        StartupChecks.requireInitialised(home);
        identity = DeviceIdentity.load(home.identity());
        verifier = ParallelEnvelopeVerifier.perCore();
        database = LoreHubDatabase.open(home.database());
        replica = SqliteReplicas.open(database, identity, SecretStore.open(home.realmKeys()), random,
            ReplicaOptions.DEFAULT.withVerifier(verifier).withTicker(System::nanoTime));
        ReplicaSyncStore store = new ReplicaSyncStore(replica, ReconcileConfig.defaults(), random);
        peers.load(replica);
        displayName = StartupChecks.displayName(config);
        EndpointConfig endpointConfig = EndpointConfig.defaults()
            .withLivePush(config.mode() != NodeConfig.Mode.MANUAL, config.interval() * 1000L)
            .withAutoResolve(config.conflicts().autoResolve())
            .withAutoJoin(config.autoJoinFounders(peers.live())); // live view: a device unpaired later stops counting
        if (online) {
            watcher = DatabaseWatcher.start(home.database(), () -> node.later(this::databaseChanged)).orElse(null);
            if (watcher != null) {
                endpointConfig = endpointConfig.withDatabaseWatched(EndpointConfig.WATCHED_CAPTURE_EVERY);
            }
        }
        hooks = new SessionMetricsHooks(metrics, clock, () -> closed, () -> remotes);
        endpoint = new NodeEndpoint(replica, store, endpointConfig, random, hooks, clock.moment());
        pairing = new PairingService(this);
        mdns = new MdnsWatch(peers::snapshot, clock.wallClock());
        network = new NetworkDriver(endpoint, pairing, node, clock);
        peers.attach(endpoint, network);
        if (!online) {
            return null;
        }
        TlsIdentity tls = TlsIdentity.create(identity, Instant.ofEpochMilli(clock.wall()), random);
        listening = network.listen(tls, peers::contains, config, home);
        LocalNode self = new LocalNode(identity.id().toString(), identity.id().shortForm(), displayName,
            listening.address().getPort(), PROTOCOL_VERSION);
        discovery = DiscoveryDriver.start(self, config, home, endpoint, network, node, clock, mdns, peers.live());
        peers.attach(discovery);
        if (!config.backends().isEmpty()) {
            remotes = RemoteRunner.start(config.backends(), home.nodeDir(), home.database(), this, clock.wallClock());
        }
        network.drive();
        LOG.info("Node {} ({}) listening on {}:{}, {} paired peer(s)", identity.id().shortForm(), displayName,
            listening.address().getAddress().getHostAddress(), listening.address().getPort(), peers.live().size());
        return null;
    }

    /** The database files changed (node thread): the endpoint looks for lh's changes now. */
    private void databaseChanged() {
        watcher.handled(); // before looking: a change from now on reports again
        if (!closed && endpoint != null && network != null) {
            endpoint.databaseChanged(clock.moment());
            network.drive();
        }
    }

    // ---- the node thread, for the services wired here

    /** Runs {@code work} on the node thread and waits for it; see {@link NodeThread#call}. */
    <T> T call(Callable<T> work) {
        return node.call(work);
    }

    /** Runs {@code work} on the node thread later, logging (not propagating) failures. */
    void later(Runnable work) {
        node.later(work);
    }

    ScheduledFuture<?> schedule(Runnable work, long delayMillis) {
        return node.schedule(work, delayMillis);
    }

    // ---- operations used by the CLI (through the control socket), the dashboard and the demo

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
                + "or let this command start the node (it does unless the data directory is in use).", NodeException.Reason.STATE);
        }
    }

    public NodeHome home() {
        return home;
    }

    /** The LoreHub database the replica runs on; use it on the node thread only ({@link #withReplica}). */
    LoreHubDatabase database() {
        return database;
    }

    Replica replica() {
        return replica;
    }

    Discovery discovery() {
        requireOnline("pairing");
        return discovery.discovery();
    }

    PeerTransport transport() {
        requireOnline("pairing");
        return network.transport();
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

    /**
     * Pins a newly paired peer and starts syncing with it (node thread); {@code address}, where it
     * was reached for pairing (a `pair --peer` address), is remembered and dialed.
     */
    void pinned(DeviceRecord peer, PeerAddress address) {
        peers.pin(peer, address);
    }

    /** What status says about mDNS (node thread). */
    MdnsWatch mdns() {
        return mdns;
    }

    /** The remotes this node drives, if any are configured. */
    public Optional<RemoteRunner> remotes() {
        return Optional.ofNullable(remotes);
    }

    /** The pairing service (invite and join). */
    public PairingService pairing() {
        return pairing;
    }

    /** Runs an operation against the replica on the node thread, then pushes the events it wrote to every peer. */
    public <T> T withReplica(ReplicaWork<T> work) {
        return call(() -> {
            try {
                return endpoint.withReplica(work::run, clock.moment());
            } finally {
                network.drive();
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
        return call(peers::connected);
    }

    /** Where every paired peer stands, per realm (status, the dashboard). */
    public List<NodeEndpoint.PeerStatus> peerStatus() {
        return call(peers::status);
    }

    /** The node's metrics (also what the dashboard shows of each peer). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Every open sync session now: progress per realm, whether it is synced, counters. */
    public List<SessionSnapshot> sessions() {
        return call(() -> hooks.snapshots(endpoint.sessions(), clock.wall()));
    }

    /** Forgets a paired device: no more syncing with it. */
    public boolean unpair(DeviceId peer) {
        return call(() -> peers.unpair(peer));
    }

    /** True once every open session is synced (tests and the demo wait for it). */
    public boolean idle() {
        return call(endpoint::idle);
    }

    /** A one-line account of this node's sync state, for diagnostics. */
    public String describe() {
        return call(() -> NodeDescription.of(displayName, identity.id(), replica, endpoint.sessions().values()));
    }

    /** Waits (bounded) until every open session is synced; returns whether it got there. */
    public boolean awaitIdle(Duration max) {
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

    /**
     * Stops in the order that loses nothing: the remotes (their rounds store through this node),
     * then every session's goodbye, the transport (so no peer reconnects into a node going away),
     * mDNS goodbyes, the database, the node thread and the lock.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        if (network != null) {
            network.stopping();
        }
        if (remotes != null) {
            remotes.close();
        }
        try {
            if (replica != null) {
                call(() -> {
                    if (pairing != null) {
                        pairing.close();
                    }
                    if (network != null) {
                        network.shutdownSessions();
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("Stopping loops: {}", e.toString());
        }
        if (network != null) {
            network.closeTransport();
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
        if (verifier != null) {
            verifier.close();
        }
        lock.close();
    }
}
