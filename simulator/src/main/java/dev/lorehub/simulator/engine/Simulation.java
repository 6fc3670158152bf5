package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.ReplicaOptions;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.endpoint.EndpointConfig;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.SessionConfig;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.sync.SyncStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.lorehub.node.core.StorageException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One deterministic run: N devices, each a real node ({@code Replica} on its own SQLite files and
 * the {@link NodeEndpoint} the daemon drives), wired by a simulated {@link Network}, driven by one
 * discrete-event loop on one thread with a virtual clock that jumps to the next event. Everything
 * random is drawn from streams split off the one seed.
 *
 * <p>The simulator is the endpoint's second driver (the daemon is the first): it feeds each
 * endpoint its inputs (connections opened and closed, frames, writability, failed dials, discovery
 * reports, wake-ups, the user's commands) with a {@link NodeEndpoint.Moment} of two clocks — virtual
 * time as the monotonic clock, the device's simulated {@link LocalClock} as the wall clock — and
 * carries out its actions ({@link #drive}). Fan-out, restarts of stale sessions, reconnecting with
 * backoff, the tie-break between duplicate connections, capture cadence and maintenance are all
 * the endpoint's; the simulator adds only what the world does: the network, the faults, the users
 * (lh writes, admins granting and revoking, users joining realms) and the checks.
 *
 * <p>The run: node 0 founds a realm and grants the others the write role; devices pair per the
 * topology, find each other (discovery), connect and join the realm once they hold a grant; the
 * workload edits through each device's lh tables while faults play (also while a node is down:
 * lh is its own program); invariants are checked every {@link SimConfig#checkEveryMs()}; at the end
 * of the fault phase every fault heals and the workload stops; then every honest device must hold
 * the same events and show the same state (same digest, same conflict records) within
 * {@link SimConfig#convergeWithinMs()}; finally the invariants are checked once more and the
 * reference model is compared with every device's tables.
 */
public final class Simulation {
    static final long CONVERGE_POLL = 100;
    private static final String DEBUG = System.getenv("SIM_DEBUG_EVENTS");
    /** How long after a grant arrives the user runs {@code realm join}. */
    static final long JOIN_DELAY = 200;
    /** Wake-ups at one virtual instant beyond which the endpoint is taken to spin. */
    static final int MAX_SPINS = 10_000;

    // event kinds, for the trace
    static final int DELIVER = 1;
    static final int WAKE = 2;
    static final int DIAL_DONE = 3;
    static final int IDLE = 5;
    static final int OP = 6;
    static final int DISCOVERY = 7;
    static final int PARTITION = 8;
    static final int HEAL_PARTITION = 9;
    static final int FLAP = 10;
    static final int CRASH = 11;
    static final int RESTART = 12;
    static final int PAUSE = 13;
    static final int RESUME = 14;
    static final int JUMP = 15;
    static final int MEMBERSHIP = 16;
    static final int CHECK = 17;
    static final int HEAL = 18;
    static final int CONVERGE = 19;
    static final int JOIN = 20;
    static final int STOP = 21;
    static final int ATTACK = 22;
    static final int DB_CHANGED = 23;

    private final SimConfig config;
    private final Path root;
    private final FaultPlan plan;
    private final SplittableRandom netRandom;
    private final SplittableRandom workRandom;
    private final SplittableRandom faultRandom;
    private final SplittableRandom userRandom;
    private final SplittableRandom watchRandom;
    private final EventQueue queue = new EventQueue();
    private final TraceHash trace = new TraceHash();
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimNode> honest = new ArrayList<>();
    private final Map<DeviceId, SimNode> byId = new HashMap<>();
    private final List<int[]> edges;
    private final Map<SimNode, List<SimNode>> neighbours = new HashMap<>();
    private final Network network;
    private final Workload workload;
    private final EventCatalog catalog = new EventCatalog();
    /** As the daemon runs where the OS reports file changes: a capture soon after each report, a safety poll between. */
    private final EndpointConfig endpointConfig =
        EndpointConfig.defaults().withDatabaseWatched(EndpointConfig.WATCHED_CAPTURE_EVERY);
    private final ReplicaOptions replicaOptions;
    private final Map<EventId, long[]> arrivals = new HashMap<>();
    private final List<long[]> ackRecords = new ArrayList<>(); // {author, at, index into partitionMembers}
    private final List<int[]> partitionMembers = new ArrayList<>();
    private final List<EventId> ackIds = new ArrayList<>();
    private final Map<Long, Integer> fingerprints = new HashMap<>();
    private final Map<Integer, Long> fingerprintKeys = new HashMap<>();
    private final List<long[]> divergence = new ArrayList<>();
    private final List<SimResult.Interval> partitionIntervals = new ArrayList<>();
    private final List<SimResult.Interval> downtimes = new ArrayList<>();
    private final List<Episode> episodes = new ArrayList<>();
    private final Map<String, Integer> closeReasons = new TreeMap<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final Map<SimNode, Long> downSince = new HashMap<>();
    private Adversary adversary;

    private long now;
    private RealmId realm;
    private SimNode admin;
    private SimNode lateJoiner;
    private SimNode revokee;
    private boolean joinDone;
    private boolean revokeDone;
    private boolean readdDone;
    private Failure failure;
    private boolean healed;
    private long faultEnd;
    private long healAt = -1;
    private long convergedAt = -1;
    private boolean done;
    private long lastDigestKey = Long.MIN_VALUE;
    private long nextHoldPoll;
    private int activePartitions;

    private long opsPerformed;
    private long opsSkipped;
    private int crashes;
    private int pauses;
    private int clockJumps;
    private int oracleChecked;
    private int oracleSkippedFields;
    private int oracleSkippedEntities;

    private Simulation(SimConfig config, Path root) {
        this.config = config;
        this.root = root;
        SplittableRandom master = new SplittableRandom(config.seed());
        SplittableRandom planRandom = master.split();
        this.netRandom = master.split();
        this.workRandom = master.split();
        this.faultRandom = master.split();
        SplittableRandom nodeRandom = master.split();
        this.userRandom = master.split();
        SplittableRandom attackRandom = master.split();
        this.watchRandom = master.split();
        this.plan = FaultPlan.draw(config, planRandom);
        this.workload = new Workload(workRandom);
        this.replicaOptions = ReplicaOptions.DEFAULT.withVerifier(new SharedVerifier());
        int adversaryIndex = plan.has(FaultKind.ADVERSARIAL) && config.nodes() >= 3 ? config.nodes() - 1 : -1;
        for (int i = 0; i < config.nodes(); i++) {
            long identitySeed = nodeRandom.nextLong();
            long cryptoSeed = nodeRandom.nextLong();
            long skew = plan.maxSkewMs() == 0 ? 0 : nodeRandom.nextLong(-plan.maxSkewMs(), plan.maxSkewMs() + 1);
            double drift = plan.maxDriftPpm() == 0 ? 0 : (nodeRandom.nextDouble() * 2 - 1) * plan.maxDriftPpm();
            SimNode n = new SimNode(i, root.resolve("n" + i), DeviceIdentity.generate(SeededRandom.of(identitySeed)),
                new LocalClock(skew, drift), cryptoSeed, i == adversaryIndex);
            nodes.add(n);
            byId.put(n.id(), n);
            if (!n.adversarial) {
                honest.add(n);
            }
        }
        this.edges = config.topology().edges(config.nodes());
        for (int[] e : edges) {
            neighbours.computeIfAbsent(nodes.get(e[0]), k -> new ArrayList<>()).add(nodes.get(e[1]));
            neighbours.computeIfAbsent(nodes.get(e[1]), k -> new ArrayList<>()).add(nodes.get(e[0]));
        }
        this.network = new Network(this, plan, netRandom, nodes);
        if (adversaryIndex >= 0) {
            this.adversary = new Adversary(this, nodes.get(adversaryIndex), attackRandom, plan);
        }
    }

    /**
     * Runs a scenario in a fresh temporary directory under {@code tmpRoot} (deleted afterwards).
     *
     * @throws IllegalStateException if the simulator itself cannot run (files, the template database)
     */
    public static SimResult run(SimConfig config, Path tmpRoot) {
        Path dir;
        try {
            Files.createDirectories(tmpRoot);
            dir = Files.createTempDirectory(tmpRoot, "sim-" + config.seed() + "-");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a temporary directory under " + tmpRoot + ": " + e.getMessage(), e);
        }
        Simulation sim = new Simulation(config, dir);
        try {
            return sim.execute();
        } finally {
            sim.closeAll();
            deleteTree(dir);
        }
    }

    // ------------------------------------------------------------------ the loop

    private SimResult execute() {
        try {
            setup();
            while (!done && failure == null) {
                EventQueue.Scheduled s = queue.poll();
                if (s == null) {
                    break;
                }
                now = s.at();
                trace.add(now);
                trace.add(((long) s.kind() << 40) ^ ((long) s.a() << 20) ^ s.b());
                s.action().run();
            }
        } catch (SimFailure f) {
            // recorded
        } catch (RuntimeException e) {
            fail(FailureClass.SAFETY, "the node core threw " + describe(e), false);
        }
        return result();
    }

    /** Thrown to stop the loop once a failure is recorded. */
    private static final class SimFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimFailure() {
            super(null, null, false, false);
        }
    }

    void fail(FailureClass kind, String message) {
        fail(kind, message, true);
    }

    private void fail(FailureClass kind, String message, boolean raise) {
        if (failure == null) {
            failure = new Failure(kind, now, message);
        }
        if (raise) {
            throw new SimFailure();
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        StackTraceElement[] st = e.getStackTrace();
        for (int i = 0; i < Math.min(8, st.length); i++) {
            sb.append(" at ").append(st[i]);
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append(" caused by ").append(e.getCause());
        }
        return sb.toString();
    }

    void at(long time, int kind, int a, int b, Runnable action) {
        queue.at(Math.max(time, now), kind, a, b, action);
    }

    long now() {
        return now;
    }

    boolean healed() {
        return healed;
    }

    RealmId realm() {
        return realm;
    }

    SimNode admin() {
        return admin;
    }

    List<SimNode> honest() {
        return honest;
    }

    Network network() {
        return network;
    }

    EventCatalog catalog() {
        return catalog;
    }

    void count(String counter) {
        counters.merge(counter, 1L, Long::sum);
    }

    void traceFrame(byte[] frame) {
        trace.add(frame);
    }

    long wall(SimNode n) {
        return n.clock.wall(now);
    }

    private long uniform(SplittableRandom r, long lo, long hi) {
        return hi <= lo ? lo : lo + r.nextLong(hi - lo + 1);
    }

    private long exponential(SplittableRandom r, double mean) {
        return (long) Math.ceil(-mean * Math.log(1.0 - r.nextDouble()));
    }

    // ------------------------------------------------------------------ driving endpoints

    /**
     * Carries out what a node's endpoint asks (sends, disconnects, dials), lets its user join a realm
     * it was just granted, and arranges its next wake-up: the daemon's driver loop, and nothing more.
     */
    void drive(SimNode n) {
        if (!n.up) {
            return;
        }
        NodeEndpoint.Action action;
        while ((action = n.endpoint.poll()) != null) {
            if (action instanceof NodeEndpoint.Send send) {
                network.send(n, send.connection(), send.frame());
            } else if (action instanceof NodeEndpoint.Disconnect d) {
                network.disconnect(n, d.connection(), d.reason());
            } else if (action instanceof NodeEndpoint.Dial dial) {
                network.dial(n, dial);
            }
            if (!n.up) {
                return;
            }
        }
        if (n.checkJoin) {
            n.checkJoin = false;
            int incarnation = n.incarnation;
            at(now + JOIN_DELAY, JOIN, n.index, 0, () -> {
                if (n.incarnation == incarnation) {
                    userJoins(n);
                }
            });
        }
        scheduleWake(n, n.endpoint.nextWakeup());
    }

    private void scheduleWake(SimNode n, long next) {
        if (next == Long.MAX_VALUE) {
            return;
        }
        long t = Math.max(next, now);
        if (n.wakeAt <= t && n.wakeAt >= now) {
            return; // an earlier wake-up is pending; it asks again
        }
        n.wakeAt = t;
        long generation = ++n.wakeGeneration;
        at(t, WAKE, n.index, 0, () -> {
            if (n.wakeGeneration != generation) {
                return;
            }
            n.wakeAt = Long.MAX_VALUE;
            if (!n.up || n.paused) {
                return; // a sleeping node ticks when it wakes
            }
            if (n.spinAt == now) {
                if (++n.spins > MAX_SPINS) {
                    fail(FailureClass.LIVENESS, n + "'s endpoint asked to be woken at " + SimTime.format(now)
                        + " again and again: it never gets past that instant");
                }
            } else {
                n.spinAt = now;
                n.spins = 0;
            }
            n.endpoint.tick(n.moment(now));
            drive(n);
        });
    }

    /** What the replica of {@code n} stored (local and received), after the transaction committed. */
    private void stored(SimNode n, List<StoredKey> keys) {
        long fp = n.fingerprint;
        boolean changed = false;
        for (StoredKey k : keys) {
            EventId id = k.id();
            if (DEBUG != null && DEBUG.contains(id.shortForm())) {
                try {
                    var e = n.replica.events().get(id);
                    System.err.println("DEBUG " + SimTime.format(now) + " " + n + " stored " + id.shortForm() + " local=" + k.local()
                        + " opaque=" + e.map(x -> x.opaque()).orElse(null) + " role=" + n.replica.membership(realm).role(n.id())
                        + " epochs=" + n.replica.keyring(realm).map(x -> x.epochs().size()).orElse(-1)
                        + " batch=" + keys.size() + " membership=" + keys.stream().filter(StoredKey::membership).count()
                        + " state=" + (catalog.get(id) == null || catalog.get(id).change() == null ? "?"
                        : viewOf(n, realm, catalog.get(id).change().entityId())));
                } catch (StorageException ex) {
                    throw new IllegalStateException(ex);
                }
            }
            if (n.held.add(id)) {
                changed = true;
                fp ^= mix(id);
                if (!n.adversarial) {
                    arrivals.computeIfAbsent(id, x -> newArrivals())[n.index] = now;
                    try {
                        catalog.learn(n, id, k.realm());
                    } catch (StorageException e) {
                        throw new IllegalStateException("reading event " + id.shortForm() + " back from " + n + " failed", e);
                    }
                }
            }
            if (k.local() && !n.adversarial && k.realm().equals(realm)) {
                n.ackedInOrder.add(id);
                recordAck(n, k);
            }
            if (k.membership() && n.mapped.size() < joinable(n).size()) {
                n.checkJoin = true;
            }
        }
        if (changed) {
            updateFingerprint(n, fp);
        }
    }

    /** The realms the user of {@code n} joins once granted. */
    private List<RealmId> joinable(SimNode n) {
        List<RealmId> out = new ArrayList<>();
        if (realm != null) {
            out.add(realm);
        }
        if (adversary != null && adversary.secondRealm() != null && !n.adversarial) {
            out.add(adversary.secondRealm());
        }
        return out;
    }

    /** {@code realm join}: the user maps each realm this device holds a grant to onto a project. */
    private void userJoins(SimNode n) {
        if (!n.up || n.paused) {
            n.checkJoin = true; // looked at again after the restart or wake
            return;
        }
        for (RealmId r : joinable(n)) {
            if (n.mapped.containsKey(r) || !n.replica.realms().containsKey(r)
                || n.replica.membership(r).role(n.id()).isEmpty()) {
                continue;
            }
            String path = "/sim/" + n.name + "/" + (r.equals(realm) ? "proj" : "second");
            String local = withReplica(n, (rep, wall) -> rep.mapRealm(r, path, wall));
            n.mapped.put(r, local);
        }
        drive(n);
    }

    /** A command on a running node (as the CLI runs it through the daemon); its effects fan out. */
    <T> T withReplica(SimNode n, NodeEndpoint.ReplicaWork<T> work) {
        try {
            return n.endpoint.withReplica(work, n.moment(now));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("a command on " + n + " failed: " + e.getMessage(), e);
        }
    }

    /** The endpoint's hooks: the simulator observes what it stores and how sessions end. */
    private final class Hooks implements NodeEndpoint.Hooks {
        private final SimNode n;

        Hooks(SimNode n) {
            this.n = n;
        }

        @Override
        public SyncStore sessionStore(DeviceId peer, long connection, SyncStore base) {
            return n.adversarial ? adversary.sessionStore(base) : base;
        }

        @Override
        public void stored(List<StoredKey> keys, NodeEndpoint.Moment at) {
            Simulation.this.stored(n, keys);
        }

        @Override
        public void sessionClosed(DeviceId peer, long connection, SyncSession session, String reason, NodeEndpoint.Moment at) {
            Simulation.this.sessionClosed(n, peer, connection, session, reason);
        }
    }

    /**
     * How a session ended. A session ended with anything but NORMAL between two honest devices is a
     * safety failure (a protocol violation, flooding, a malformed frame: one of them is wrong); with
     * an attacker it is expected. A TIMEOUT is counted, and is a liveness failure when the connection
     * ran clean (no partition, sleep, loss or crash touched it) for the whole timeout before it.
     */
    private void sessionClosed(SimNode n, DeviceId peerId, long connection, SyncSession session, String reason) {
        SimNode peer = byId.get(peerId);
        CloseReason why = session.closeReason();
        String key;
        if (why == null) {
            key = "connection: " + reason.replaceAll("\\d+", "N");
        } else {
            key = (session.closedByPeer() ? "ended by peer: " : "ended: ") + why.name().toLowerCase(Locale.ROOT);
        }
        boolean withAttacker = n.adversarial || peer == null || peer.adversarial;
        closeReasons.merge((withAttacker ? "attacker " : "") + key, 1, Integer::sum);
        if (why == null || session.closedByPeer() || why == CloseReason.NORMAL) {
            return;
        }
        if (withAttacker) {
            count(n.adversarial ? "attacker_sessions_ended_by_attacker" : "attacker_sessions_refused");
            return;
        }
        if (why == CloseReason.TIMEOUT) {
            count("timeouts");
            Connection c = network.connection(connection);
            long window = Math.max(SessionConfig.defaults().progressTimeout(), SessionConfig.defaults().helloTimeout()) + 1000;
            if (c != null && now - c.lastDisturbed <= window) {
                count("timeouts_after_faults");
                return;
            }
            fail(FailureClass.LIVENESS, "a session between healthy, connected, awake devices timed out: " + n + " gave up on "
                + peer + " (" + session.closeMessage() + ") on " + (c == null ? "connection " + connection
                : c + ", open since " + SimTime.format(c.openedAt) + ", last touched by a fault at "
                + SimTime.format(c.lastDisturbed)) + "; " + sessionReport(n, peer));
        }
        fail(FailureClass.SAFETY, "a session between honest peers ended with " + why + ": " + n + " closed its session with "
            + peer + ": " + session.closeMessage() + (why == CloseReason.INTERNAL ? " [" + membershipReport(n) + "]" : ""));
    }

    /** The main realm's membership as a node sees it (for failure reports). */
    private String membershipReport(SimNode n) {
        var m = n.replica.membership(realm);
        StringBuilder sb = new StringBuilder(n + " sees epoch " + m.currentEpoch() + ", holds keys of epochs "
            + n.replica.keyring(realm).map(k -> k.epochs().stream().map(e -> e.epoch()).toList()).orElse(List.of())
            + ", members lacking the current key " + m.missingCurrentKey().stream().map(d -> byId.get(d)).toList()
            + ", membership:");
        for (var e : m.events()) {
            SimNode author = byId.get(e.author());
            SimNode subject = e.change().subject() == null ? null : byId.get(e.change().subject());
            sb.append(' ').append(e.change().op()).append(subject == null ? "" : " " + subject).append(" by ").append(author)
                .append(" epoch ").append(e.change().epoch()).append(" wraps ").append(e.change().wrappedKeys().size())
                .append(" at ").append(HybridClockText.format(e.hlc())).append(';');
        }
        return sb.toString();
    }

    private String sessionReport(SimNode a, SimNode b) {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : List.of(a, b)) {
            SimNode other = n == a ? b : a;
            sb.append(n).append(n.up ? "" : " (down)").append(n.paused ? " (asleep)" : "");
            if (n.up) {
                n.endpoint.session(other.id()).ifPresent(s -> sb.append(" session open=").append(s.isOpen())
                    .append(" synced=").append(s.isSynced()).append(" progress=").append(s.progress())
                    .append(" next timer ").append(s.nextTimer() == Long.MAX_VALUE ? "none" : SimTime.format(s.nextTimer())));
            }
            sb.append("; ");
        }
        return sb.toString();
    }

    /** A frame reached an open end (the attacker's frames are inspected for what it must never see). */
    void delivered(Connection c, int side, byte[] frame) {
        if (adversary != null && c.ends[side].adversarial) {
            adversary.received(c.ends[1 - side], frame);
        }
    }

    /** The mDNS announcement of {@code from} reaches {@code to} (if it runs, is awake and can hear it). */
    void announce(SimNode from, SimNode to) {
        at(now, DISCOVERY, from.index, to.index, () -> {
            if (network.reachable(from, to) && to.endpoint.paired().contains(from.id())) {
                to.endpoint.reported(from.id(), from.address, to.moment(now));
                drive(to);
            }
        });
    }

    /** Discovery after {@code n} (re)started or woke: it and its paired neighbours see each other. */
    private void discover(SimNode n) {
        for (SimNode p : neighbours.getOrDefault(n, List.of())) {
            long delay = uniform(netRandom, 50, 1500);
            int incarnation = n.incarnation;
            at(now + delay, DISCOVERY, n.index, p.index, () -> {
                if (n.incarnation != incarnation || !network.reachable(n, p)) {
                    return;
                }
                n.endpoint.reported(p.id(), p.address, n.moment(now));
                drive(n);
                p.endpoint.reported(n.id(), n.address, p.moment(now));
                drive(p);
            });
        }
    }

    // ------------------------------------------------------------------ setup

    private void setup() {
        Path template = TemplateDatabase.get();
        for (SimNode n : nodes) {
            try {
                Files.createDirectories(n.dir);
                n.createDisk(template);
                n.openLh();
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("Cannot create node " + n + " under " + n.dir + ": " + e.getMessage(), e);
            }
            startProcess(n);
            if (!n.adversarial) {
                fingerprints.merge(key(n), 1, Integer::sum);
                fingerprintKeys.put(n.index, key(n));
            }
        }
        divergence.add(new long[] {0, 1});
        admin = nodes.get(0);
        boolean membership = config.membershipChanges();
        lateJoiner = membership && honest.size() >= 4 ? honest.get(honest.size() - 1) : null;
        revokee = membership && honest.size() >= 3 ? honest.get(1) : null;
        // pairing: each pair per the topology pins the other's device record
        for (int[] e : edges) {
            SimNode a = nodes.get(e[0]);
            SimNode b = nodes.get(e[1]);
            pair(a, b);
            pair(b, a);
        }
        // node 0 founds the realm: a project lh knows, a few lores, then shared
        String local = workload.uuid();
        try {
            admin.lh.addRealm(local, "proj", "/sim/" + admin.name + "/proj", "git@example.org:team/proj.git", wall(admin));
            for (int i = 0; i < 3; i++) {
                admin.lh.addLore(workload.uuid(), local, workload.sentence(), "wisdom", List.of("api"), wall(admin));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lh-like writer failed on " + admin + ": " + e.getMessage(), e);
        }
        realm = withReplica(admin, (r, wall) -> {
            r.captureLocalChanges(wall);
            RealmId shared = r.shareRealm(local, wall);
            for (SimNode n : nodes) {
                if (n != admin && n != lateJoiner) {
                    r.addMember(shared, n.identity.publicKeys(), adversary != null && n.adversarial
                        ? adversary.role() : Role.WRITE, wall);
                    n.memberNow = true;
                }
            }
            return shared;
        });
        admin.mapped.put(realm, local);
        admin.memberNow = true;
        admin.canWrite = true;
        if (adversary != null) {
            adversary.setup(local);
        }
        drive(admin);
        for (SimNode n : nodes) {
            discover(n);
        }
        long duration = config.durationMs();
        faultEnd = Math.max(duration, plan.longOutageStartMs() + plan.longOutageMs());
        if (config.editsPerSecond() > 0) {
            at(exponential(workRandom, 1000.0 / config.editsPerSecond()), OP, 0, 0, this::operation);
        }
        if (lateJoiner != null) {
            at(duration / 4, MEMBERSHIP, 0, 0, this::join);
        }
        if (revokee != null) {
            at(duration * 45 / 100, MEMBERSHIP, 1, 0, this::revoke);
            at(duration * 65 / 100, MEMBERSHIP, 2, 0, this::readd);
        }
        if (adversary != null) {
            adversary.schedule(duration);
        }
        scheduleFaults(duration);
        for (long t = config.checkEveryMs(); t < faultEnd; t += config.checkEveryMs()) {
            at(t, CHECK, 0, 0, this::checkpoint);
        }
        at(faultEnd, HEAL, 0, 0, this::heal);
    }

    private void pair(SimNode self, SimNode peer) {
        withReplica(self, (r, wall) -> {
            r.pinPeer(DeviceRecord.create(peer.identity, peer.name), wall);
            return null;
        });
        self.endpoint.paired(peer.id(), self.moment(now));
        drive(self);
    }

    /** Starts the node process of {@code n} from its files, with a fresh endpoint. */
    private void startProcess(SimNode n) {
        n.start(config.fold(), replicaOptions, endpointConfig, new Hooks(n), now);
        if (n.mapped.size() < joinable(n).size()) {
            n.checkJoin = true;
        }
        n.refreshCanWrite(realm);
        drive(n);
    }

    // ------------------------------------------------------------------ faults

    /** A partition episode: directed cuts applied from start to end (a flapping link toggles within). */
    private final class Episode {
        final String kind;
        final List<int[]> cuts;
        boolean active;
        boolean applied;
        long startedAt;

        Episode(String kind, List<int[]> cuts) {
            this.kind = kind;
            this.cuts = cuts;
        }

        void apply(boolean on) {
            if (on == applied) {
                return;
            }
            applied = on;
            for (int[] c : cuts) {
                network.cut(c[0], c[1], on ? 1 : -1);
            }
        }
    }

    private void scheduleFaults(long duration) {
        int n = nodes.size();
        if (plan.has(FaultKind.PARTITIONS)) {
            long t = 2000 + exponential(faultRandom, plan.partitionGapMs());
            while (t < duration) {
                long length = uniform(faultRandom, 2000, plan.partitionMaxMs());
                long end = Math.min(duration, t + length);
                Episode e = drawEpisode(n);
                int id = episodes.size();
                episodes.add(e);
                at(t, PARTITION, id, 0, () -> startEpisode(e));
                at(end, HEAL_PARTITION, id, 0, () -> endEpisode(e));
                if (e.kind.startsWith("flapping")) {
                    for (long f = t + uniform(faultRandom, 500, 8000); f < end; f += uniform(faultRandom, 500, 8000)) {
                        at(f, FLAP, id, 0, () -> flap(e));
                    }
                }
                t = end + exponential(faultRandom, plan.partitionGapMs());
            }
        }
        if (plan.has(FaultKind.CRASHES)) {
            for (long t = exponential(faultRandom, plan.crashGapMs()); t < duration; t += exponential(faultRandom, plan.crashGapMs())) {
                SimNode victim = nodes.get(faultRandom.nextInt(n));
                long down = uniform(faultRandom, 200, plan.downMaxMs());
                at(t, CRASH, victim.index, 0, () -> crash(victim));
                at(Math.min(duration, t + down), RESTART, victim.index, 0, () -> restart(victim, "crash"));
            }
        }
        if (plan.has(FaultKind.RESTARTS)) {
            for (long t = exponential(faultRandom, plan.restartGapMs()); t < duration;
                 t += exponential(faultRandom, plan.restartGapMs())) {
                SimNode victim = nodes.get(faultRandom.nextInt(n));
                long down = uniform(faultRandom, 500, plan.stoppedMaxMs());
                at(t, STOP, victim.index, 0, () -> stop(victim));
                at(Math.min(duration, t + down), RESTART, victim.index, 1, () -> restart(victim, "stop"));
            }
        }
        if (plan.has(FaultKind.PAUSES)) {
            for (long t = exponential(faultRandom, plan.pauseGapMs()); t < duration; t += exponential(faultRandom, plan.pauseGapMs())) {
                SimNode sleeper = nodes.get(faultRandom.nextInt(n));
                long length = uniform(faultRandom, 1000, plan.pauseMaxMs());
                at(t, PAUSE, sleeper.index, 0, () -> pause(sleeper));
                at(Math.min(duration, t + length), RESUME, sleeper.index, 0, () -> wake(sleeper));
            }
        }
        if (plan.has(FaultKind.CLOCKS)) {
            for (long t = exponential(faultRandom, plan.jumpGapMs()); t < duration; t += exponential(faultRandom, plan.jumpGapMs())) {
                SimNode victim = nodes.get(faultRandom.nextInt(n));
                long delta = uniform(faultRandom, -plan.maxJumpMs(), plan.maxJumpMs());
                at(t, JUMP, victim.index, 0, () -> jump(victim, delta));
            }
            // an NTP step or a user fixing the time zone: one device's wall clock moves by an hour mid-session
            SimNode victim = nodes.get(faultRandom.nextInt(n));
            long delta = faultRandom.nextBoolean() ? 3_600_000L : -3_600_000L;
            at(uniform(faultRandom, duration / 5, duration * 4 / 5), JUMP, victim.index, 1, () -> {
                count("hour_steps");
                jump(victim, delta);
            });
        }
        if (plan.longOutageMs() > 0) {
            SimNode victim = nodes.get(faultRandom.nextInt(n));
            long start = plan.longOutageStartMs();
            long end = start + plan.longOutageMs();
            if (plan.longOutageSleeps()) {
                at(start, PAUSE, victim.index, 1, () -> {
                    count("long_sleeps");
                    pause(victim);
                });
                at(end, RESUME, victim.index, 1, () -> wake(victim));
            } else {
                List<int[]> cuts = new ArrayList<>();
                for (int y = 0; y < n; y++) {
                    if (y != victim.index) {
                        cuts.add(new int[] {victim.index, y});
                        cuts.add(new int[] {y, victim.index});
                    }
                }
                Episode e = new Episode("long isolation of " + victim, cuts);
                int id = episodes.size();
                episodes.add(e);
                at(start, PARTITION, id, 1, () -> {
                    count("long_partitions");
                    startEpisode(e);
                });
                at(end, HEAL_PARTITION, id, 1, () -> endEpisode(e));
            }
        }
    }

    private Episode drawEpisode(int n) {
        List<int[]> cuts = new ArrayList<>();
        int kind = faultRandom.nextInt(5);
        switch (kind) {
            case 0 -> { // isolate one node
                int x = faultRandom.nextInt(n);
                for (int y = 0; y < n; y++) {
                    if (y != x) {
                        cuts.add(new int[] {x, y});
                        cuts.add(new int[] {y, x});
                    }
                }
                return new Episode("isolate n" + x, cuts);
            }
            case 1 -> { // split in halves (a random half)
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    order.add(i);
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = faultRandom.nextInt(i + 1);
                    int tmp = order.get(i);
                    order.set(i, order.get(j));
                    order.set(j, tmp);
                }
                Set<Integer> left = new HashSet<>(order.subList(0, n / 2));
                for (int x = 0; x < n; x++) {
                    for (int y = 0; y < n; y++) {
                        if (left.contains(x) != left.contains(y)) {
                            cuts.add(new int[] {x, y});
                        }
                    }
                }
                return new Episode("split halves", cuts);
            }
            case 2 -> { // one-way links
                int count = 1 + faultRandom.nextInt(Math.max(1, n));
                for (int i = 0; i < count; i++) {
                    int x = faultRandom.nextInt(n);
                    int y = faultRandom.nextInt(n);
                    if (x != y) {
                        cuts.add(new int[] {x, y});
                    }
                }
                return new Episode("one-way links", cuts);
            }
            case 3 -> { // a flapping link
                int x = faultRandom.nextInt(n);
                int y = (x + 1 + faultRandom.nextInt(n - 1)) % n;
                cuts.add(new int[] {x, y});
                cuts.add(new int[] {y, x});
                return new Episode("flapping n" + x + "-n" + y, cuts);
            }
            default -> { // random cuts
                for (int x = 0; x < n; x++) {
                    for (int y = x + 1; y < n; y++) {
                        if (faultRandom.nextInt(10) < 3) {
                            cuts.add(new int[] {x, y});
                            cuts.add(new int[] {y, x});
                        }
                    }
                }
                return new Episode("random cuts", cuts);
            }
        }
    }

    private void startEpisode(Episode e) {
        if (healed) {
            return;
        }
        e.active = true;
        activePartitions++;
        e.apply(true);
        e.startedAt = now;
        network.refreshBlocks();
    }

    private void endEpisode(Episode e) {
        if (!e.active) {
            return;
        }
        e.active = false;
        activePartitions--;
        e.apply(false);
        partitionIntervals.add(new SimResult.Interval(e.startedAt, now, e.kind));
        network.refreshBlocks();
    }

    private void flap(Episode e) {
        if (!e.active) {
            return;
        }
        e.apply(!e.applied);
        network.refreshBlocks();
    }

    /** The process dies between two events: sessions, in-flight frames and memory are lost; the files stay. */
    private void crash(SimNode n) {
        if (healed || !n.up || n.paused) {
            return;
        }
        crashes++;
        network.processGone(n, "connection reset: the peer's process died");
        n.halt();
        downSince.put(n, now); // its fingerprint stays: a crashed node keeps its durable log
    }

    /** The user stops the node ({@code stop}): every session says goodbye, then the process exits. */
    private void stop(SimNode n) {
        if (healed || !n.up || n.paused) {
            return;
        }
        count("stops");
        n.endpoint.shutdown(n.moment(now));
        drive(n);
        network.processGone(n, "connection reset: the peer's process exited");
        n.halt();
        downSince.put(n, now);
    }

    private void restart(SimNode n, String why) {
        if (n.up) {
            return;
        }
        if (n.paused) {
            n.onWake.add(() -> restart(n, why)); // the laptop is asleep: the service starts when it wakes
            return;
        }
        startProcess(n);
        Long since = downSince.remove(n);
        downtimes.add(new SimResult.Interval(since == null ? now : since, now, why + " " + n.name));
        // acknowledged edits are committed: a restart must find every one of them
        for (EventId id : n.ackedInOrder) {
            if (!n.replica.has(id)) {
                fail(FailureClass.SAFETY, "acknowledged edit lost: event " + id.shortForm() + " written on " + n
                    + " is missing from its log after a restart");
            }
        }
        checkNode(n);
        discover(n);
    }

    private void pause(SimNode n) {
        if (healed || n.paused) {
            return;
        }
        pauses++;
        n.paused = true;
        downSince.putIfAbsent(n, now);
        network.refreshBlocks();
    }

    private void wake(SimNode n) {
        if (!n.paused) {
            return;
        }
        n.paused = false;
        if (n.up) {
            Long since = downSince.remove(n);
            downtimes.add(new SimResult.Interval(since == null ? now : since, now, "sleep " + n.name));
        }
        network.refreshBlocks();
        network.woke(n);
        List<Runnable> waiting = new ArrayList<>(n.onWake);
        n.onWake.clear();
        for (Runnable r : waiting) {
            r.run();
        }
        if (n.up) {
            n.endpoint.tick(n.moment(now)); // timers that fell due during the sleep
            n.endpoint.networkChanged(n.moment(now)); // the OS reports the network back: redial at once
            drive(n);
            discover(n);
        }
    }

    private void jump(SimNode n, long delta) {
        if (healed) {
            return;
        }
        clockJumps++;
        n.clock.jump(now, delta);
    }

    // ------------------------------------------------------------------ workload and membership

    /**
     * One lh operation on a random device. lh is its own program: it writes while the node process
     * is stopped or crashed (the node captures those writes when it starts), never while the laptop
     * sleeps; and only where the device may write by its own last view of the membership.
     */
    private void operation() {
        if (healed || now >= config.durationMs()) {
            return;
        }
        SimNode n = nodes.get(workRandom.nextInt(nodes.size()));
        String local = n.localRealm(realm);
        if (n.paused || local == null || !n.refreshCanWrite(realm)) {
            opsSkipped++;
            trace.add(-1);
        } else {
            String result;
            try {
                result = workload.perform(n, local, wall(n));
            } catch (SQLException e) {
                throw new IllegalStateException("the lh-like writer failed on " + n + ": " + e.getMessage(), e);
            }
            if (result == null) {
                opsSkipped++;
            } else {
                opsPerformed++;
                if (!n.up) {
                    count("edits_while_stopped");
                } else {
                    reportDatabaseChange(n);
                }
                trace.add(n.index);
                trace.add(result);
            }
        }
        at(now + Math.max(1, exponential(workRandom, 1000.0 / config.editsPerSecond())), OP, 0, 0, this::operation);
    }

    /**
     * The daemon's database watcher, played by the simulator: lh wrote on a running node, and its endpoint hears of it
     * 1 to 10 ms later; or, one report in twenty (the OS drops file-change events when its queue overflows), never,
     * and the endpoint finds the change at its safety poll.
     */
    private void reportDatabaseChange(SimNode n) {
        if (watchRandom.nextInt(20) == 0) {
            count("change_reports_lost");
            return;
        }
        int incarnation = n.incarnation;
        at(now + 1 + watchRandom.nextInt(10), DB_CHANGED, n.index, 0, () -> {
            if (n.incarnation == incarnation && n.up && !n.paused) {
                n.endpoint.databaseChanged(n.moment(now));
                drive(n);
            }
        });
    }

    private boolean adminReady() {
        return admin.up && !admin.paused;
    }

    private void join() {
        if (joinDone) {
            return;
        }
        if (!adminReady()) {
            at(now + 2000, MEMBERSHIP, 0, 0, this::join);
            return;
        }
        withReplica(admin, (r, wall) -> r.addMember(realm, lateJoiner.identity.publicKeys(), Role.WRITE, wall));
        lateJoiner.memberNow = true;
        joinDone = true;
        drive(admin);
    }

    private void revoke() {
        if (revokeDone) {
            return;
        }
        if (!adminReady()) {
            at(now + 2000, MEMBERSHIP, 1, 0, this::revoke);
            return;
        }
        withReplica(admin, (r, wall) -> {
            r.removeMember(realm, revokee.id(), wall);
            return null;
        });
        revokee.memberNow = false;
        revokeDone = true;
        drive(admin);
    }

    private void readd() {
        if (readdDone) {
            return;
        }
        if (!revokeDone || !adminReady()) {
            at(now + 2000, MEMBERSHIP, 2, 0, this::readd);
            return;
        }
        withReplica(admin, (r, wall) -> r.addMember(realm, revokee.identity.publicKeys(), Role.WRITE, wall));
        revokee.memberNow = true;
        readdDone = true;
        drive(admin);
    }

    // ------------------------------------------------------------------ bookkeeping

    private long[] newArrivals() {
        long[] a = new long[nodes.size()];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    private static long mix(EventId id) {
        byte[] b = id.toBytes();
        long x = 0;
        for (int i = 0; i < 8; i++) {
            x = (x << 8) | (b[i] & 0xff);
        }
        return x;
    }

    private long key(SimNode n) {
        return n.fingerprint * 31 + n.held.size();
    }

    private void updateFingerprint(SimNode n, long fp) {
        n.fingerprint = fp;
        if (n.adversarial) {
            return;
        }
        long next = key(n);
        Long old = fingerprintKeys.put(n.index, next);
        if (old != null && old == next) {
            return;
        }
        if (old != null && fingerprints.merge(old, -1, Integer::sum) == 0) {
            fingerprints.remove(old);
        }
        fingerprints.merge(next, 1, Integer::sum);
        int distinct = fingerprints.size();
        long[] last = divergence.get(divergence.size() - 1);
        if (last[1] != distinct) {
            divergence.add(new long[] {now, distinct});
        }
    }

    private void recordAck(SimNode n, StoredKey k) {
        EventCatalog.Info info = catalog.get(k.id());
        if (info == null || info.membership() || info.change().kind() == EntityKind.REALM) {
            return; // membership and realm bookkeeping are not edits
        }
        ackIds.add(k.id());
        int members = -1;
        if (activePartitions > 0) {
            List<Integer> side = component(n);
            side.removeIf(i -> i == n.index || !nodes.get(i).memberNow || nodes.get(i).localRealm(realm) == null
                || nodes.get(i).adversarial);
            if (!side.isEmpty()) {
                members = partitionMembers.size();
                partitionMembers.add(side.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        ackRecords.add(new long[] {n.index, now, members});
    }

    /** Nodes reachable from {@code n} over uncut, awake links of the topology right now. */
    private List<Integer> component(SimNode n) {
        List<Integer> out = new ArrayList<>();
        boolean[] seen = new boolean[nodes.size()];
        List<SimNode> stack = new ArrayList<>(List.of(n));
        seen[n.index] = true;
        while (!stack.isEmpty()) {
            SimNode x = stack.remove(stack.size() - 1);
            out.add(x.index);
            for (SimNode y : neighbours.getOrDefault(x, List.of())) {
                if (!seen[y.index] && network.reachable(x, y)) {
                    seen[y.index] = true;
                    stack.add(y);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    // ------------------------------------------------------------------ checks

    private void checkpoint() {
        for (SimNode n : honest) {
            if (n.up) {
                checkNode(n);
            }
        }
    }

    /** The invariants that must hold at every moment, on one running honest node. */
    private void checkNode(SimNode n) {
        if (n.adversarial) {
            return;
        }
        List<String> problems = InvariantChecks.lhValid(n);
        if (!problems.isEmpty()) {
            fail(FailureClass.SAFETY, n + "'s tables are not valid for lh: " + String.join("; ", problems));
        }
        String resurrected = InvariantChecks.resurrection(n, realm, catalog);
        if (resurrected != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("lore ([0-9a-f-]{36})").matcher(resurrected);
            fail(FailureClass.SAFETY, resurrected + (m.find() ? " (the lore's events: " + historyOf(EntityKind.LORE, m.group(1))
                + "; on " + n + ": " + viewOf(n, realm, m.group(1)) + ")" : ""));
        }
    }

    private void heal() {
        healed = true;
        healAt = now;
        for (SimNode n : nodes) {
            n.clock.sync(); // clock trouble ends with the other faults
        }
        for (Episode e : episodes) {
            endEpisode(e);
        }
        for (SimNode n : nodes) {
            if (n.paused) {
                wake(n);
            }
            if (!n.up) {
                restart(n, "down");
            }
        }
        if (lateJoiner != null) {
            join();
        }
        if (revokee != null) {
            revoke();
            readd();
        }
        if (adversary != null) {
            adversary.heal();
        }
        network.refreshBlocks();
        pollHolds();
        at(now + 5, CONVERGE, 0, 0, this::convergenceCheck);
    }

    /**
     * Events stamped too far ahead of a node's clock are held until its clock catches up, and the
     * endpoint's maintenance then stores them: the liveness bound counts from when the latest one
     * falls due (clocks are true from the heal on, so a stamp up to two hours ahead delays
     * convergence by design). An attacker's stamps years ahead are never due and do not count.
     */
    private void pollHolds() {
        for (SimNode n : honest) {
            if (!n.up) {
                continue;
            }
            OptionalLong due = n.replica.nextHeldRelease();
            if (due.isPresent()) {
                long delay = n.clock.delayUntil(now, due.getAsLong());
                if (delay < 4 * 3_600_000L) {
                    n.latestHoldDue = Math.max(n.latestHoldDue, now + delay + endpointConfig.maintainEvery());
                }
            }
        }
        nextHoldPoll = now + 10_000;
    }

    private long holdsDueBy() {
        long latest = 0;
        for (SimNode n : honest) {
            latest = Math.max(latest, n.latestHoldDue);
        }
        return latest;
    }

    private boolean nothingPendingCapture() {
        for (SimNode n : honest) {
            if (n.up && n.replica.hasPendingCapture()) {
                return false;
            }
        }
        return true;
    }

    private boolean allMapped() {
        for (SimNode n : honest) {
            if (n.mapped.size() < joinable(n).size()) {
                return false;
            }
        }
        return true;
    }

    private void convergenceCheck() {
        if (now >= nextHoldPoll) {
            pollHolds();
        }
        boolean sameEvents = fingerprints.size() == 1;
        // every lh write is captured (also those made while a node was stopped): nothing may wait in lh's capture table
        boolean allMapped = allMapped() && nothingPendingCapture();
        long digestKey = fingerprintKeys.getOrDefault(0, 0L) * 7 + (allMapped ? 1 : 0);
        if (sameEvents && allMapped && digestKey != lastDigestKey) {
            lastDigestKey = digestKey;
            if (distinctDigests().size() == 1) {
                String conflicts = Conflicts.difference(honest);
                if (conflicts == null) {
                    convergedAt = now;
                    finalChecks();
                    done = true;
                    return;
                }
                lastDigestKey = Long.MIN_VALUE; // conflict records may still be catching up: look again
                if (now - healAt >= config.convergeWithinMs() && now - holdsDueBy() >= config.convergeWithinMs()) {
                    fail(FailureClass.NON_DETERMINISM, "every honest node holds the same events and shows the same state, but "
                        + "their conflict records differ: " + conflicts);
                }
            }
        }
        if (now - healAt >= config.convergeWithinMs() && now - holdsDueBy() >= config.convergeWithinMs()) {
            if (sameEvents && allMapped) {
                fail(FailureClass.NON_DETERMINISM, "every honest node holds the same " + honest.get(0).held.size()
                    + " events but they show different state: digests " + distinctDigests() + "; " + tableDifference());
            }
            fail(FailureClass.LIVENESS, "no convergence within " + SimTime.format(config.convergeWithinMs())
                + " after the heal: " + divergenceReport());
        }
        at(now + CONVERGE_POLL, CONVERGE, 0, 0, this::convergenceCheck);
    }

    private Map<String, List<String>> distinctDigests() {
        Map<String, List<String>> byDigest = new TreeMap<>();
        for (SimNode n : honest) {
            byDigest.computeIfAbsent(n.replica.digest(), d -> new ArrayList<>()).add(n.name);
        }
        return byDigest;
    }

    /** The first rows in which two nodes of different digests differ (for a non-determinism report). */
    private String tableDifference() {
        Map<String, List<String>> groups = distinctDigests();
        if (groups.size() < 2) {
            return "";
        }
        List<List<String>> g = new ArrayList<>(groups.values());
        SimNode a = nodes.get(Integer.parseInt(g.get(0).get(0).substring(1)));
        SimNode b = nodes.get(Integer.parseInt(g.get(1).get(0).substring(1)));
        StringBuilder sb = new StringBuilder();
        try {
            int shown = 0;
            for (RealmId r : joinable(a)) {
                Map<String, String[]> la = a.lh.lores(a.localRealm(r));
                Map<String, String[]> lb = b.lh.lores(b.localRealm(r));
                Set<String> ids = new java.util.TreeSet<>(la.keySet());
                ids.addAll(lb.keySet());
                for (String id : ids) {
                    String ra = la.containsKey(id) ? String.join("|", java.util.Arrays.asList(la.get(id))) : "(absent)";
                    String rb = lb.containsKey(id) ? String.join("|", java.util.Arrays.asList(lb.get(id))) : "(absent)";
                    if (!ra.equals(rb) && shown++ < 2) {
                        sb.append("lore ").append(id).append(" on ").append(a).append(": ").append(ra).append(" but on ")
                            .append(b).append(": ").append(rb).append(" (its events: ").append(historyOf(EntityKind.LORE, id))
                            .append("; on ").append(a).append(": ").append(viewOf(a, r, id)).append("; on ").append(b)
                            .append(": ").append(viewOf(b, r, id)).append("); ");
                    }
                }
                Map<String, String> ra = a.lh.relationRows(a.localRealm(r));
                Map<String, String> rb = b.lh.relationRows(b.localRealm(r));
                if (!ra.equals(rb)) {
                    Set<String> keys = new java.util.TreeSet<>(ra.keySet());
                    keys.addAll(rb.keySet());
                    for (String k : keys) {
                        if (!java.util.Objects.equals(ra.get(k), rb.get(k)) && shown++ < 3) {
                            sb.append("relation ").append(k.replace('\n', ' ')).append(": ").append(a).append(' ')
                                .append(ra.get(k)).append(", ").append(b).append(' ').append(rb.get(k)).append("; ");
                        }
                    }
                }
            }
            if (shown == 0) {
                sb.append("lores and relations are equal: a realm row differs");
            }
        } catch (SQLException e) {
            sb.append("(tables unreadable: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    /** How one node sees a lore: its folded state, and each event's standing there. */
    private String viewOf(SimNode n, RealmId r, String lore) {
        StringBuilder sb = new StringBuilder();
        var state = n.replica.state(r, EntityKind.LORE, lore);
        sb.append(state.presence()).append(" heads ").append(state.heads().stream().map(EventId::shortForm).toList())
            .append(" pending ").append(state.pendingEvents());
        for (EventId id : catalog.eventsOf(EventCatalog.key(EntityKind.LORE, lore))) {
            try {
                var e = n.replica.events().get(id);
                sb.append(", ").append(id.shortForm()).append(e.isEmpty() ? " missing" : e.get().opaque() ? " opaque"
                    : n.replica.authorized(r, id) ? " applied" : " unauthorised");
            } catch (StorageException ex) {
                sb.append(", unreadable");
            }
        }
        return sb.toString();
    }

    /** An entity's events as the catalog knows them, for failure reports. */
    private String historyOf(EntityKind kind, String entity) {
        List<String> out = new ArrayList<>();
        for (EventId id : catalog.eventsOf(EventCatalog.key(kind, entity))) {
            EventCatalog.Info e = catalog.get(id);
            SimNode author = byId.get(e.author());
            boolean authorised = admin.replica.authorized(e.realm(), e.id());
            out.add(id.shortForm() + " by " + (author == null ? "?" : author.name) + " at " + HybridClockText.format(e.hlc())
                + (e.change().deleted() ? " delete" : " " + e.change().assignments().keySet() + e.change().sets().keySet())
                + " parents " + e.change().parents().stream().map(EventId::shortForm).toList()
                + (authorised ? "" : " UNAUTHORISED"));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    private String divergenceReport() {
        StringBuilder sb = new StringBuilder();
        Set<EventId> union = new HashSet<>();
        for (SimNode n : honest) {
            union.addAll(n.held);
        }
        for (SimNode n : honest) {
            sb.append(n.name).append(" holds ").append(n.held.size()).append('/').append(union.size()).append(" events");
            if (n.mapped.size() < joinable(n).size()) {
                sb.append(" (a realm not joined; ").append(n.up ? membershipReport(n) : "down").append(')');
            }
            sb.append(", ").append(network.openOf(n)).append(" connections open");
            if (n.up) {
                if (n.replica.hasPendingCapture()) {
                    sb.append(", lh changes not captured");
                }
                int unsynced = n.replica.unsynced().size();
                if (unsynced > 0) {
                    sb.append(", ").append(unsynced).append(" lh changes unsynced (").append(n.replica.unsynced().get(0).reason())
                        .append(')');
                }
                try {
                    for (var held : n.replica.events().heldCounts()) {
                        sb.append(", held ").append(held.count()).append(' ').append(held.reason()).append(" (")
                            .append(held.example()).append(')');
                    }
                    for (var refusal : n.replica.events().refusals()) {
                        sb.append(", refused ").append(refusal.count()).append(' ').append(refusal.reason()).append(" (")
                            .append(refusal.lastDetail()).append(')');
                    }
                } catch (StorageException e) {
                    sb.append(", refusals unreadable: ").append(e.getMessage());
                }
                for (NodeEndpoint.PeerStatus p : n.endpoint.status()) {
                    SimNode peer = byId.get(p.peer());
                    if (!p.connected()) {
                        sb.append(" [").append(peer).append(" not connected: ").append(p.lastError()).append(", ")
                            .append(p.failedDials()).append(" retries]");
                    }
                }
            }
            sb.append("; ");
        }
        int shown = 0;
        for (SimNode n : honest) {
            for (EventId id : union) {
                if (!n.held.contains(id) && shown < 3) {
                    EventCatalog.Info info = catalog.get(id);
                    sb.append("e.g. ").append(n.name).append(" lacks ").append(id.shortForm())
                        .append(info == null ? "" : info.membership() ? " (membership)" : " (" + info.change().kind() + ")");
                    long[] arrival = arrivals.get(id);
                    if (arrival != null) {
                        for (SimNode peer : honest) {
                            if (arrival[peer.index] >= 0) {
                                sb.append(", ").append(peer.name).append(" has held it since ")
                                    .append(SimTime.format(arrival[peer.index]));
                                break;
                            }
                        }
                    }
                    sb.append("; ");
                    shown++;
                }
            }
        }
        return sb.toString();
    }

    private void finalChecks() {
        for (SimNode n : honest) {
            checkNode(n);
            Set<EventId> inLog = new HashSet<>();
            for (StoredKey k : n.replica.keys(realm)) {
                inLog.add(k.id());
            }
            for (SimNode author : honest) {
                for (EventId id : author.ackedInOrder) {
                    if (!inLog.contains(id)) {
                        fail(FailureClass.SAFETY, "acknowledged edit lost: event " + id.shortForm() + " written on " + author
                            + " is not in " + n + "'s log after convergence");
                    }
                }
            }
        }
        ReferenceOracle.Model model = ReferenceOracle.model(catalog, realm, id -> admin.replica.authorized(realm, id));
        oracleSkippedEntities = model.skippedEntities();
        oracleChecked = model.checkedFields();
        oracleSkippedFields = model.skippedFields();
        for (SimNode n : honest) {
            try {
                List<String> problems = ReferenceOracle.compare(model, n.name, n.lh.lores(n.localRealm(realm)),
                    n.lh.relationRows(n.localRealm(realm)));
                if (!problems.isEmpty()) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("lore ([0-9a-f-]{36})").matcher(problems.get(0));
                    String history = m.find() ? " (the lore's events: " + historyOf(EntityKind.LORE, m.group(1)) + "; on " + n
                        + ": " + viewOf(n, realm, m.group(1)) + ")" : "";
                    fail(FailureClass.SAFETY, "the reference model disagrees with what lh shows: "
                        + String.join("; ", problems.subList(0, Math.min(4, problems.size()))) + history);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading " + n + "'s tables failed: " + e.getMessage(), e);
            }
        }
        if (adversary != null) {
            String broken = adversary.finalChecks();
            if (broken != null) {
                fail(FailureClass.SAFETY, broken);
            }
        }
    }

    // ------------------------------------------------------------------ result

    private SimResult result() {
        long partitionEdits = 0;
        long reached = 0;
        for (int i = 0; i < ackRecords.size(); i++) {
            long[] r = ackRecords.get(i);
            if (r[2] < 0) {
                continue;
            }
            partitionEdits++;
            long[] arrival = arrivals.get(ackIds.get(i));
            boolean all = true;
            for (int member : partitionMembers.get((int) r[2])) {
                if (arrival == null || arrival[member] < 0 || arrival[member] > r[1] + config.availabilityMs()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                reached++;
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>(counters);
        counts.put("dials", (long) network.dials);
        counts.put("failed_dials", (long) network.failedDials);
        if (adversary != null) {
            adversary.report(counts);
        }
        return new SimResult(config, plan.describe(), failure, healAt, convergedAt < 0 ? -1 : convergedAt - healAt, now,
            network.framesSent, network.bytesSent, ackIds.size(), opsPerformed, opsSkipped, partitionEdits, reached,
            trace.hex(), arrivals.size(), network.connections(), network.resets, Map.copyOf(closeReasons), crashes, pauses,
            episodes.size(), clockJumps, List.copyOf(divergence), List.copyOf(partitionIntervals), List.copyOf(downtimes),
            oracleChecked, oracleSkippedFields, oracleSkippedEntities, Map.copyOf(counts));
    }

    private void closeAll() {
        for (SimNode n : nodes) {
            n.closeAll();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temporary file is harmless
                }
            });
        } catch (IOException e) {
            // ditto
        }
    }

    /**
     * An empty LoreHub database with the node's tables, created once per JVM and copied to every device's
     * disk ({@link SimNode#createDisk}); in rollback-journal mode, which a copy in memory needs.
     */
    static final class TemplateDatabase {
        private static Path template;

        private TemplateDatabase() {
        }

        static synchronized Path get() {
            if (template == null) {
                try {
                    Path dir = Files.createTempDirectory("lorehub-sim-template-");
                    Path file = dir.resolve("lorehub.db");
                    try (LoreHubDatabase db = LoreHubDatabase.create(file, SimNode.DB)) {
                        db.installCapture();
                    }
                    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                         java.sql.Statement s = c.createStatement()) {
                        s.execute("PRAGMA journal_mode = DELETE");
                    }
                    file.toFile().deleteOnExit();
                    dir.toFile().deleteOnExit();
                    template = file;
                } catch (IOException | SQLException e) {
                    throw new IllegalStateException("Cannot create the template database: " + e.getMessage(), e);
                }
            }
            return template;
        }
    }
}
