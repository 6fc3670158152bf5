package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.SessionConfig;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.sync.SyncStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One deterministic run: N real node cores, each on its own SQLite files, wired by a simulated
 * network, driven by one discrete-event loop on one thread with a virtual clock that jumps to the
 * next event. Everything random is drawn from streams split off the one seed.
 *
 * <p>The run: node 0 founds a realm and grants the others the write role; devices dial each other
 * (per the topology) and map the realm once they learn of it; the workload edits through each
 * device's lh tables while faults play; invariants are checked every {@link SimConfig#checkEveryMs()};
 * at {@link SimConfig#durationMs()} every fault heals and the workload stops; then every device must
 * hold the same events and show the same state (same digest) within {@link SimConfig#convergeWithinMs()};
 * finally the invariants are checked once more and the reference model is compared with every
 * device's tables.
 *
 * <p>The simulator plays the daemon's driver: after a capture, or after a session stored events, it
 * offers the new keys to the node's other open sessions; it restarts sessions whose realm set no
 * longer matches the membership; and it redials broken connections with backoff.
 */
public final class Simulation {
    static final long IDLE_TIMEOUT = 45_000;
    static final long CONNECT_TIMEOUT = 5_000;
    static final long RTO = 200;
    static final long BACKOFF_BASE = 500;
    static final long BACKOFF_MAX = 30_000;
    static final long CONVERGE_POLL = 100;

    // event kinds, for the trace
    private static final int DELIVER = 1;
    private static final int TIMER = 2;
    private static final int DIAL = 3;
    private static final int ESTABLISH = 4;
    private static final int IDLE = 5;
    private static final int OP = 6;
    private static final int CAPTURE = 7;
    private static final int PARTITION = 8;
    private static final int HEAL_PARTITION = 9;
    private static final int FLAP = 10;
    private static final int CRASH = 11;
    private static final int RESTART = 12;
    private static final int PAUSE = 13;
    private static final int WAKE = 14;
    private static final int JUMP = 15;
    private static final int MEMBERSHIP = 16;
    private static final int CHECK = 17;
    private static final int HEAL = 18;
    private static final int CONVERGE = 19;
    private static final int TIE_BREAK = 20;
    private static final int DIAL_FAILED = 21;
    private static final int MAINTAIN = 22;
    private static final int RELEASE = 23;

    private final SimConfig config;
    private final Path root;
    private final FaultPlan plan;
    private final SplittableRandom netRandom;
    private final SplittableRandom workRandom;
    private final SplittableRandom faultRandom;
    private final EventQueue queue = new EventQueue();
    private final TraceHash trace = new TraceHash();
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<Pair> pairs = new ArrayList<>();
    private final Map<SimNode, List<Pair>> pairsOf = new HashMap<>();
    private final int[][] cut;
    private final Workload workload;
    private final EventCatalog catalog = new EventCatalog();
    private final Map<EventId, long[]> arrivals = new HashMap<>();
    private final List<long[]> ackRecords = new ArrayList<>(); // {author, at, index into partitionMembers}
    private final List<int[]> partitionMembers = new ArrayList<>();
    private final List<EventId> ackIds = new ArrayList<>();
    private final Map<Long, Integer> fingerprints = new HashMap<>();
    private final List<long[]> divergence = new ArrayList<>();
    private final List<SimResult.Interval> partitionIntervals = new ArrayList<>();
    private final List<SimResult.Interval> downtimes = new ArrayList<>();
    private final List<Episode> episodes = new ArrayList<>();
    private final Set<Connection> live = new LinkedHashSet<>();
    private final Map<String, Integer> closeReasons = new TreeMap<>();
    private final Map<SimNode, Long> downSince = new HashMap<>();

    private long now;
    private long connectionIds;
    private RealmId realm;
    private SimNode admin;
    private SimNode lateJoiner;
    private SimNode revokee;
    private boolean joinDone;
    private boolean revokeDone;
    private boolean readdDone;
    private Failure failure;
    private boolean healed;
    private long healAt = -1;
    private long convergedAt = -1;
    private boolean done;
    private long lastDigestKey = Long.MIN_VALUE;
    private int activePartitions;

    private long framesSent;
    private long bytesSent;
    private long opsPerformed;
    private long opsSkipped;
    private int resets;
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
        this.plan = FaultPlan.draw(config, planRandom);
        this.workload = new Workload(workRandom);
        this.cut = new int[config.nodes()][config.nodes()];
        for (int i = 0; i < config.nodes(); i++) {
            long identitySeed = nodeRandom.nextLong();
            long cryptoSeed = nodeRandom.nextLong();
            long skew = plan.maxSkewMs() == 0 ? 0 : nodeRandom.nextLong(-plan.maxSkewMs(), plan.maxSkewMs() + 1);
            double drift = plan.maxDriftPpm() == 0 ? 0 : (nodeRandom.nextDouble() * 2 - 1) * plan.maxDriftPpm();
            nodes.add(new SimNode(i, root.resolve("n" + i), DeviceIdentity.generate(SeededRandom.of(identitySeed)),
                new LocalClock(skew, drift), cryptoSeed));
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
            fail(FailureClass.SAFETY, "the node core threw " + describe(e));
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

    private void fail(FailureClass kind, String message) {
        if (failure == null) {
            failure = new Failure(kind, now, message);
        }
        throw new SimFailure();
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        StackTraceElement[] st = e.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) {
            sb.append(" at ").append(st[i]);
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append(" caused by ").append(e.getCause());
        }
        return sb.toString();
    }

    private void at(long time, int kind, int a, int b, Runnable action) {
        queue.at(Math.max(time, now), kind, a, b, action);
    }

    private long wall(SimNode n) {
        return n.clock.wall(now);
    }

    private long uniform(SplittableRandom r, long lo, long hi) {
        return hi <= lo ? lo : lo + r.nextLong(hi - lo + 1);
    }

    private long exponential(SplittableRandom r, double mean) {
        return (long) Math.ceil(-mean * Math.log(1.0 - r.nextDouble()));
    }

    // ------------------------------------------------------------------ setup

    private void setup() {
        Path template = TemplateDatabase.get();
        for (SimNode n : nodes) {
            try {
                Files.createDirectories(n.dir);
                Files.copy(template, n.databaseFile(), StandardCopyOption.REPLACE_EXISTING);
                n.open(config.fold());
            } catch (IOException | SQLException e) {
                throw new IllegalStateException("Cannot create node " + n + " under " + n.dir + ": " + e.getMessage(), e);
            }
            fingerprints.merge(key(n), 1, Integer::sum);
            fingerprintKeys.put(n.index, key(n));
        }
        divergence.add(new long[] {0, 1});
        admin = nodes.get(0);
        boolean membership = config.membershipChanges();
        lateJoiner = membership && nodes.size() >= 4 ? nodes.get(nodes.size() - 1) : null;
        revokee = membership && nodes.size() >= 3 ? nodes.get(1) : null;
        // node 0 founds the realm: a project lh knows, a few lores, then shared
        String local = workload.uuid();
        try {
            admin.lh.addRealm(local, "proj", realmPath(admin), "git@example.org:team/proj.git", wall(admin));
            for (int i = 0; i < 3; i++) {
                admin.lh.addLore(workload.uuid(), local, workload.sentence(), "wisdom", List.of("api"), wall(admin));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lh-like writer failed on " + admin + ": " + e.getMessage(), e);
        }
        admin.replica.captureLocalChanges(wall(admin));
        realm = admin.replica.shareRealm(local, wall(admin));
        admin.localRealmId = local;
        admin.memberNow = true;
        for (SimNode n : nodes) {
            if (n != admin && n != lateJoiner) {
                admin.replica.addMember(realm, n.identity.publicKeys(), Role.WRITE, wall(admin));
                n.memberNow = true;
            }
        }
        settle(admin);

        List<int[]> edges = config.topology().edges(nodes.size());
        for (int[] e : edges) {
            Pair p = new Pair(pairs.size(), nodes.get(e[0]), nodes.get(e[1]));
            pairs.add(p);
            pairsOf.computeIfAbsent(p.a, k -> new ArrayList<>()).add(p);
            pairsOf.computeIfAbsent(p.b, k -> new ArrayList<>()).add(p);
            scheduleDial(p, uniform(netRandom, 0, 500));
        }
        long duration = config.durationMs();
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
        at(30_000, MAINTAIN, 0, 0, this::maintainKeys);
        scheduleFaults(duration);
        for (long t = config.checkEveryMs(); t < duration; t += config.checkEveryMs()) {
            at(t, CHECK, 0, 0, this::checkpoint);
        }
        at(duration, HEAL, 0, 0, this::heal);
    }

    private static String realmPath(SimNode n) {
        return "/sim/" + n.name + "/proj";
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
                cut[c[0]][c[1]] += on ? 1 : -1;
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
                if (e.kind.equals("flapping")) {
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
                at(Math.min(duration, t + down), RESTART, victim.index, 0, () -> restart(victim));
            }
        }
        if (plan.has(FaultKind.PAUSES)) {
            for (long t = exponential(faultRandom, plan.pauseGapMs()); t < duration; t += exponential(faultRandom, plan.pauseGapMs())) {
                SimNode sleeper = nodes.get(faultRandom.nextInt(n));
                long length = uniform(faultRandom, 1000, plan.pauseMaxMs());
                at(t, PAUSE, sleeper.index, 0, () -> pause(sleeper));
                at(Math.min(duration, t + length), WAKE, sleeper.index, 0, () -> wake(sleeper));
            }
        }
        if (plan.has(FaultKind.CLOCKS)) {
            for (long t = exponential(faultRandom, plan.jumpGapMs()); t < duration; t += exponential(faultRandom, plan.jumpGapMs())) {
                SimNode victim = nodes.get(faultRandom.nextInt(n));
                long delta = uniform(faultRandom, -plan.maxJumpMs(), plan.maxJumpMs());
                at(t, JUMP, victim.index, 0, () -> jump(victim, delta));
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
        refreshBlocks();
    }

    private void endEpisode(Episode e) {
        if (!e.active) {
            return;
        }
        e.active = false;
        activePartitions--;
        e.apply(false);
        partitionIntervals.add(new SimResult.Interval(e.startedAt, now, e.kind));
        refreshBlocks();
    }

    private void flap(Episode e) {
        if (!e.active) {
            return;
        }
        e.apply(!e.applied);
        refreshBlocks();
    }

    private void crash(SimNode n) {
        if (healed || !n.up || n.paused) {
            return;
        }
        crashes++;
        for (Endpoint e : List.copyOf(n.endpoints)) {
            teardown(e.conn(), "crash of " + n);
        }
        try {
            n.crash();
        } catch (SQLException e) {
            throw new IllegalStateException("closing " + n + " failed: " + e.getMessage(), e);
        }
        downSince.put(n, now); // its fingerprint stays: a crashed node keeps its durable log
    }

    private void restart(SimNode n) {
        if (n.up) {
            return;
        }
        try {
            n.open(config.fold());
        } catch (SQLException e) {
            throw new IllegalStateException("restarting " + n + " failed: " + e.getMessage(), e);
        }
        Long since = downSince.remove(n);
        downtimes.add(new SimResult.Interval(since == null ? now : since, now, "crash " + n.name));
        n.reloadMapping(realm);
        // acknowledged edits are committed: a restart must find every one of them
        for (EventId id : n.ackedInOrder) {
            if (!n.replica.has(id)) {
                fail(FailureClass.SAFETY, "acknowledged edit lost: event " + id.shortForm() + " written on " + n
                    + " is missing from its log after a restart");
            }
        }
        scheduleCapture(n, 1);
        settle(n);
        redialNow(n);
    }

    private void pause(SimNode n) {
        if (healed || !n.up || n.paused) {
            return;
        }
        pauses++;
        n.paused = true;
        downSince.put(n, now);
        refreshBlocks();
    }

    private void wake(SimNode n) {
        if (!n.paused) {
            return;
        }
        n.paused = false;
        Long since = downSince.remove(n);
        downtimes.add(new SimResult.Interval(since == null ? now : since, now, "sleep " + n.name));
        refreshBlocks();
        for (Endpoint e : n.endpoints) {
            e.conn().timerAt[e.side()] = Long.MAX_VALUE; // timers due during the sleep fire now
        }
        scheduleCapture(n, 1);
        settle(n);
        redialNow(n);
    }

    private void jump(SimNode n, long delta) {
        if (healed) {
            return;
        }
        clockJumps++;
        n.clock.jump(now, delta);
        for (Endpoint e : n.endpoints) {
            e.conn().timerAt[e.side()] = Long.MAX_VALUE;
        }
        if (n.up && !n.paused) {
            settle(n);
        }
    }

    /** True if nothing can pass from {@code from} to {@code to} (a cut, or either end asleep). */
    private boolean blocked(SimNode from, SimNode to) {
        return cut[from.index][to.index] > 0 || from.paused || to.paused;
    }

    /** Re-evaluates every connection direction after a cut, heal, sleep or wake. */
    private void refreshBlocks() {
        for (Connection c : List.copyOf(live)) {
            for (int side = 0; side < 2; side++) {
                if (c.dead) {
                    break;
                }
                Connection.Direction d = c.dirs[side];
                boolean b = blocked(c.ends[side], c.ends[1 - side]);
                if (b && d.blockedSince < 0) {
                    long since = now;
                    d.blockedSince = since;
                    int s = side;
                    // nothing (not even a keep-alive) arrives: the receiving end gives up after the idle timeout
                    at(now + IDLE_TIMEOUT, IDLE, (int) c.id, side, () -> {
                        if (!c.dead && c.dirs[s].blockedSince == since) {
                            teardown(c, "idle timeout");
                        }
                    });
                } else if (!b && d.blockedSince >= 0) {
                    d.blockedSince = -1;
                    // TCP retransmits what was held: it arrives one path delay after the link returns
                    Connection.Direction held = d;
                    List<Connection.InFlight> frames = new ArrayList<>(held.queue);
                    held.queue.clear();
                    held.lastArrival = 0;
                    for (Connection.InFlight f : frames) {
                        long arrival = Math.max(Math.max(f.arrival(), now + latency(c, side)), held.lastArrival);
                        held.queue.add(new Connection.InFlight(f.frame(), arrival, f.reset()));
                        held.lastArrival = arrival;
                    }
                    schedulePump(c, side);
                }
            }
        }
    }

    // ------------------------------------------------------------------ transport

    private void scheduleDial(Pair p, long delay) {
        long gen = ++p.dialGen;
        at(now + delay, DIAL, p.index, 0, () -> {
            if (p.dialGen == gen) {
                dial(p);
            }
        });
    }

    private long backoff(Pair p) {
        long ceiling = Math.min(BACKOFF_MAX, BACKOFF_BASE << Math.min(p.failures, 20));
        return netRandom.nextLong(ceiling + 1);
    }

    /** A (re)started or woken daemon dials its peers at once, with a fresh backoff. */
    private void redialNow(SimNode n) {
        for (Pair p : pairsOf.getOrDefault(n, List.of())) {
            if (p.conn == null && !p.attempting) {
                p.failures = 0;
                scheduleDial(p, uniform(netRandom, 0, 100));
            }
        }
    }

    private void dialFailed(Pair p) {
        p.attempting = false;
        p.failures++;
        if (p.conn == null) {
            scheduleDial(p, backoff(p));
        }
    }

    private boolean reachable(SimNode x, SimNode y) {
        return x.up && y.up && !x.paused && !y.paused && cut[x.index][y.index] == 0 && cut[y.index][x.index] == 0;
    }

    private void dial(Pair p) {
        if (p.conn != null || p.attempting) {
            return;
        }
        List<SimNode> able = new ArrayList<>();
        for (SimNode n : List.of(p.a, p.b)) {
            if (n.up && !n.paused) {
                able.add(n);
            }
        }
        if (able.isEmpty()) {
            p.failures++;
            scheduleDial(p, backoff(p));
            return;
        }
        SimNode dialer = able.get(netRandom.nextInt(able.size()));
        SimNode other = p.other(dialer);
        p.attempting = true;
        long rtt = 2 * plan.latency().sample(netRandom);
        if (!other.up) {
            at(now + rtt, DIAL_FAILED, p.index, 0, () -> dialFailed(p)); // connection refused
        } else if (!reachable(dialer, other)) {
            at(now + CONNECT_TIMEOUT, DIAL_FAILED, p.index, 0, () -> dialFailed(p));
        } else {
            // TCP handshake then TLS 1.3: about one and a half round trips
            at(now + rtt + rtt / 2 + 1, ESTABLISH, p.index, dialer.index, () -> establish(p, dialer));
        }
    }

    private void establish(Pair p, SimNode dialer) {
        SimNode other = p.other(dialer);
        if (!reachable(dialer, other) || p.conn != null) {
            dialFailed(p);
            return;
        }
        p.attempting = false;
        p.failures = 0;
        Connection c = open(p, dialer, other);
        p.conn = c;
        if (!healed && netRandom.nextDouble() < plan.duplicateRate()) {
            // both devices dialed at once: both connections run until the tie-break keeps the lower id's dial
            Connection c2 = open(p, other, dialer);
            boolean firstWins = dialer.id().compareTo(other.id()) < 0;
            Connection loser = firstWins ? c2 : c;
            p.conn = firstWins ? c : c2;
            p.duplicate = loser;
            at(now + uniform(netRandom, 1, 200), TIE_BREAK, (int) loser.id, 0, () -> teardown(loser, "tie-break"));
        }
    }

    private Connection open(Pair p, SimNode dialer, SimNode acceptor) {
        Connection c = new Connection(++connectionIds, p, dialer, acceptor, now);
        live.add(c);
        for (int side = 0; side < 2; side++) {
            c.dirs[side].pathLatency = plan.latency().sample(netRandom);
            if (blocked(c.ends[side], c.ends[1 - side])) {
                c.dirs[side].blockedSince = now;
            }
        }
        for (int side = 0; side < 2; side++) {
            SimNode n = c.ends[side];
            SyncSession s = new SyncSession(n.store, SessionConfig.defaults(), side == 0, c.ends[1 - side].id());
            c.sessions[side] = s;
            n.endpoints.add(new Endpoint(c, side));
            s.start(wall(n));
        }
        settle(c.ends[0]);
        settle(c.ends[1]);
        return c;
    }

    /** The connection dies: both sessions are dropped, in-flight frames lost; the pair redials. */
    private void teardown(Connection c, String why) {
        if (c.dead) {
            return;
        }
        c.dead = true;
        live.remove(c);
        for (int side = 0; side < 2; side++) {
            SimNode n = c.ends[side];
            int s = side;
            n.endpoints.removeIf(e -> e.conn() == c && e.side() == s);
            SyncSession session = c.sessions[side];
            if (session.isClosed() && !session.closedByPeer()) {
                CloseReason reason = session.closeReason();
                closeReasons.merge("closed by session: " + reason.name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
                if (reason != CloseReason.NORMAL && reason != CloseReason.TIMEOUT) {
                    fail(FailureClass.SAFETY, "a session between honest peers ended with " + reason + ": " + n + " closed its "
                        + "session with " + c.ends[1 - side] + ": " + session.closeMessage());
                }
            }
        }
        if (!c.sessions[0].isClosed() && !c.sessions[1].isClosed()) {
            closeReasons.merge("connection: " + why.replaceAll(" of n\\d+$", "").replaceAll(" n\\d+$", ""), 1, Integer::sum);
        }
        Pair p = c.pair;
        if (p.duplicate == c) {
            p.duplicate = null;
        }
        if (p.conn == c) {
            p.conn = null;
            if (p.duplicate != null && !p.duplicate.dead) {
                p.conn = p.duplicate;
                p.duplicate = null;
            } else {
                scheduleDial(p, backoff(p));
            }
        }
    }

    private long latency(Connection c, int side) {
        return plan.has(FaultKind.REORDER) ? plan.latency().sample(netRandom) : c.dirs[side].pathLatency;
    }

    /** Sends a frame from ends[side]: FIFO per direction; loss costs retransmission time; a reset kills the connection. */
    private void transmit(Connection c, int side, byte[] frame) {
        framesSent++;
        bytesSent += frame.length;
        Connection.Direction d = c.dirs[side];
        long delay = latency(c, side);
        if (!healed && plan.lossRate() > 0) {
            long rto = RTO;
            for (int i = 0; i < 6 && netRandom.nextDouble() < plan.lossRate(); i++) {
                delay += rto;
                rto *= 2;
            }
        }
        boolean reset = !healed && plan.resetRate() > 0 && netRandom.nextDouble() < plan.resetRate();
        long arrival = Math.max(d.lastArrival, now + delay);
        d.lastArrival = arrival;
        d.queue.add(new Connection.InFlight(frame, arrival, reset));
        if (d.blockedSince < 0) {
            schedulePump(c, side);
        }
    }

    private void schedulePump(Connection c, int side) {
        Connection.Direction d = c.dirs[side];
        if (d.pumpScheduled || d.queue.isEmpty()) {
            return;
        }
        d.pumpScheduled = true;
        at(d.queue.peek().arrival(), DELIVER, (int) c.id, side, () -> pump(c, side));
    }

    private void pump(Connection c, int side) {
        Connection.Direction d = c.dirs[side];
        d.pumpScheduled = false;
        if (c.dead || d.blockedSince >= 0) {
            return;
        }
        while (!d.queue.isEmpty() && d.queue.peek().arrival() <= now) {
            Connection.InFlight f = d.queue.poll();
            if (f.reset()) {
                resets++;
                teardown(c, "reset");
                return;
            }
            trace.add(f.frame());
            deliver(c, 1 - side, f.frame());
            if (c.dead || d.blockedSince >= 0) {
                return;
            }
        }
        schedulePump(c, side);
    }

    private void deliver(Connection c, int side, byte[] frame) {
        SimNode n = c.ends[side];
        SyncSession s = c.sessions[side];
        s.onFrame(frame, wall(n));
        List<StoredKey> ingested = s.drainIngested();
        if (!ingested.isEmpty()) {
            for (Endpoint e : List.copyOf(n.endpoints)) {
                if (e.conn() != c) {
                    e.session().onLocalChange(ingested, wall(n));
                }
            }
        }
        settle(n);
    }

    // ------------------------------------------------------------------ the driver

    /**
     * What the daemon's driver does after anything happened on a node: account for what was
     * stored, offer new local events to every session, map the realm once it is known, restart
     * sessions whose realms no longer match the membership, send what the sessions queued, set
     * their timers, and drop connections whose sessions ended.
     */
    private void settle(SimNode n) {
        if (!n.up) {
            return;
        }
        absorbStored(n);
        if (n.localRealmId == null && realm != null && n.replica.realms().containsKey(realm)
            && n.replica.membership(realm).role(n.id()).isPresent()) {
            n.localRealmId = n.replica.mapRealm(realm, realmPath(n), wall(n));
            n.membershipDirty = true; // sessions opened while the realm was an invitation restart to sync its data
            absorbStored(n);
        }
        if (n.membershipDirty) {
            n.membershipDirty = false;
            restartMismatched(n);
        }
        scheduleRelease(n);
        for (Endpoint e : List.copyOf(n.endpoints)) {
            Connection c = e.conn();
            if (c.dead) {
                continue;
            }
            byte[] f;
            while ((f = e.session().pollFrame()) != null) {
                transmit(c, e.side(), f);
            }
            scheduleTimer(e);
            if (c.sessions[0].isClosed() && c.sessions[1].isClosed()) {
                teardown(c, "closed");
            }
        }
    }

    private void absorbStored(SimNode n) {
        if (n.stored.isEmpty()) {
            return;
        }
        List<StoredKey> keys = new ArrayList<>(n.stored);
        n.stored.clear();
        List<StoredKey> own = new ArrayList<>();
        long fp = n.fingerprint;
        for (StoredKey k : keys) {
            EventId id = k.id();
            if (k.membership()) {
                n.membershipDirty = true;
            }
            if (n.held.add(id)) {
                fp ^= mix(id);
                arrivals.computeIfAbsent(id, x -> newArrivals())[n.index] = now;
                try {
                    catalog.learn(n, id);
                } catch (SQLException e) {
                    throw new IllegalStateException("reading event " + id.shortForm() + " back from " + n + " failed", e);
                }
            }
            if (!n.foreign.remove(id)) {
                own.add(k);
                if (n.acked.add(id)) {
                    n.ackedInOrder.add(id);
                    recordAck(n, k);
                }
            }
        }
        updateFingerprint(n, fp);
        if (!own.isEmpty()) {
            for (Endpoint e : n.endpoints) {
                e.session().onLocalChange(own, wall(n));
            }
        }
    }

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

    /** Each node's current event-set key (fingerprint and size), counted in {@link #fingerprints}. */
    private final Map<Integer, Long> fingerprintKeys = new HashMap<>();

    private void recordAck(SimNode n, StoredKey k) {
        EventCatalog.Info info = catalog.get(k.id());
        if (info == null || info.membership() || info.change().kind() == dev.lorehub.node.core.EntityKind.REALM) {
            return; // membership and realm bookkeeping are not edits
        }
        ackIds.add(k.id());
        int members = -1;
        if (activePartitions > 0) {
            List<Integer> side = component(n);
            side.removeIf(i -> i == n.index || !nodes.get(i).memberNow || nodes.get(i).localRealmId == null);
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
            for (Pair p : pairsOf.getOrDefault(x, List.of())) {
                SimNode y = p.other(x);
                if (!seen[y.index] && reachable(x, y)) {
                    seen[y.index] = true;
                    stack.add(y);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Sessions fix their realms at the Hello: after a membership change, restart those that no longer match. */
    private void restartMismatched(SimNode n) {
        for (Endpoint e : List.copyOf(n.endpoints)) {
            SyncSession s = e.session();
            if (s.isClosed()) {
                continue;
            }
            Set<RealmId> offered = new HashSet<>();
            for (SyncStore.RealmOffer o : n.store.offersFor(e.peer().id())) {
                offered.add(o.realm());
            }
            if (!offered.equals(s.realms()) || s.joinedSinceOpen()) {
                s.close(CloseReason.NORMAL, "realm membership changed; reconnecting to sync the new set of realms");
            }
        }
    }

    private void scheduleTimer(Endpoint e) {
        Connection c = e.conn();
        int side = e.side();
        long t = e.session().nextTimer();
        if (t == Long.MAX_VALUE || e.session().isClosed()) {
            c.timerAt[side] = Long.MAX_VALUE;
            return;
        }
        if (t == c.timerAt[side]) {
            return;
        }
        c.timerAt[side] = t;
        long gen = ++c.timerGen[side];
        SimNode n = e.node();
        at(now + n.clock.delayUntil(now, t), TIMER, (int) c.id, side, () -> {
            if (c.dead || c.timerGen[side] != gen || !n.up || n.paused) {
                return; // a sleeping node's timers are re-armed when it wakes
            }
            c.timerAt[side] = Long.MAX_VALUE;
            c.sessions[side].onTimer(wall(n));
            settle(n);
        });
    }

    /**
     * Events stamped too far ahead of a node's clock are held until its clock catches up; the
     * daemon's maintenance then stores them. The simulator wakes the node exactly then.
     */
    private void scheduleRelease(SimNode n) {
        java.util.OptionalLong due = n.replica.nextHeldRelease();
        if (due.isEmpty()) {
            return;
        }
        long at = now + Math.max(1, n.clock.delayUntil(now, due.getAsLong()));
        if (healed) {
            n.latestHoldDue = Math.max(n.latestHoldDue, at);
        }
        if (n.releaseAt >= 0 && n.releaseAt <= at) {
            return;
        }
        n.releaseAt = at;
        at(at, RELEASE, n.index, 0, () -> {
            if (n.releaseAt != at) {
                return;
            }
            n.releaseAt = -1;
            if (n.up && !n.paused) {
                n.replica.releaseHeld(wall(n));
            }
            settle(n);
        });
    }

    /**
     * Virtual time by which every event held for its stamp after the heal is due: clocks are
     * true from the heal on, so a stamp up to two hours ahead (swarm skew) delays convergence by
     * design; the liveness window counts from then.
     */
    private long holdsDueBy() {
        long latest = 0;
        for (SimNode n : nodes) {
            latest = Math.max(latest, n.latestHoldDue);
        }
        return latest;
    }

    private void scheduleCapture(SimNode n, long delay) {
        if (n.captureScheduled) {
            return;
        }
        n.captureScheduled = true;
        at(now + delay, CAPTURE, n.index, 0, () -> capture(n));
    }

    /** The daemon notices lh's changes (it polls the capture table) and turns them into events. */
    private void capture(SimNode n) {
        n.captureScheduled = false;
        if (!n.up || n.paused) {
            return; // restart and wake capture again
        }
        for (int i = 0; i < 1000; i++) {
            n.replica.captureLocalChanges(wall(n));
            if (!n.replica.hasPendingCapture()) {
                break;
            }
        }
        settle(n);
    }

    // ------------------------------------------------------------------ workload and membership

    private void operation() {
        if (healed) {
            return;
        }
        SimNode n = nodes.get(workRandom.nextInt(nodes.size()));
        if (!n.up || n.paused || n.localRealmId == null || !n.canWrite(realm)) {
            opsSkipped++;
            trace.add(-1);
        } else {
            String done;
            try {
                done = workload.perform(n, wall(n));
            } catch (SQLException e) {
                throw new IllegalStateException("the lh-like writer failed on " + n + ": " + e.getMessage(), e);
            }
            if (done == null) {
                opsSkipped++;
            } else {
                opsPerformed++;
                trace.add(n.index);
                trace.add(done);
                scheduleCapture(n, uniform(workRandom, 20, 250));
            }
        }
        at(now + Math.max(1, exponential(workRandom, 1000.0 / config.editsPerSecond())), OP, 0, 0, this::operation);
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
        admin.replica.addMember(realm, lateJoiner.identity.publicKeys(), Role.WRITE, wall(admin));
        lateJoiner.memberNow = true;
        joinDone = true;
        settle(admin);
    }

    private void revoke() {
        if (revokeDone) {
            return;
        }
        if (!adminReady()) {
            at(now + 2000, MEMBERSHIP, 1, 0, this::revoke);
            return;
        }
        admin.replica.removeMember(realm, revokee.id(), wall(admin));
        revokee.memberNow = false;
        revokeDone = true;
        settle(admin);
    }

    private void readd() {
        if (readdDone) {
            return;
        }
        if (!revokeDone || !adminReady()) {
            at(now + 2000, MEMBERSHIP, 2, 0, this::readd);
            return;
        }
        admin.replica.addMember(realm, revokee.identity.publicKeys(), Role.WRITE, wall(admin));
        revokee.memberNow = true;
        readdDone = true;
        settle(admin);
    }

    /** Admins keep realm keys healthy (the daemon does this after membership changes arrive). */
    private void maintainKeys() {
        if (adminReady()) {
            admin.replica.maintainKeys(wall(admin));
            settle(admin);
        }
        if (!healed) {
            at(now + 30_000, MAINTAIN, 0, 0, this::maintainKeys);
        }
    }

    // ------------------------------------------------------------------ checks

    private void checkpoint() {
        for (SimNode n : nodes) {
            if (n.up) {
                checkNode(n);
            }
        }
    }

    /** The invariants that must hold at every moment, on one running node. */
    private void checkNode(SimNode n) {
        List<String> problems = InvariantChecks.lhValid(n);
        if (!problems.isEmpty()) {
            fail(FailureClass.SAFETY, n + "'s tables are not valid for lh: " + String.join("; ", problems));
        }
        String resurrected = InvariantChecks.resurrection(n, realm, catalog);
        if (resurrected != null) {
            fail(FailureClass.SAFETY, resurrected);
        }
    }

    private void heal() {
        healed = true;
        healAt = now;
        for (SimNode n : nodes) {
            n.clock.sync(); // clock trouble ends with the other faults
            n.releaseAt = -1; // the clock moved: when held events fall due is computed again
            scheduleRelease(n);
        }
        for (Episode e : episodes) {
            endEpisode(e);
        }
        for (SimNode n : nodes) {
            if (!n.up) {
                restart(n);
            }
            if (n.paused) {
                wake(n);
            }
        }
        if (lateJoiner != null) {
            join();
        }
        if (revokee != null) {
            revoke();
            readd();
        }
        for (SimNode n : nodes) {
            scheduleCapture(n, 1);
        }
        refreshBlocks();
        at(now + 5, CONVERGE, 0, 0, this::convergenceCheck); // after the final captures (at +1 ms)
    }

    private void convergenceCheck() {
        boolean sameEvents = fingerprints.size() == 1;
        boolean allMapped = nodes.stream().allMatch(n -> n.localRealmId != null);
        long digestKey = fingerprintKeys.getOrDefault(0, 0L) * 7 + (allMapped ? 1 : 0);
        if (sameEvents && allMapped && digestKey != lastDigestKey) {
            lastDigestKey = digestKey;
            if (distinctDigests().size() == 1) {
                convergedAt = now;
                finalChecks();
                done = true;
                return;
            }
        }
        if (now - healAt >= config.convergeWithinMs() && now - holdsDueBy() >= config.convergeWithinMs()) {
            if (sameEvents && allMapped) {
                fail(FailureClass.NON_DETERMINISM, "every node holds the same " + nodes.get(0).held.size()
                    + " events but they show different state: digests " + distinctDigests() + "; " + tableDifference());
            }
            fail(FailureClass.LIVENESS, "no convergence within " + SimTime.format(config.convergeWithinMs())
                + " after the heal: " + divergenceReport());
        }
        at(now + CONVERGE_POLL, CONVERGE, 0, 0, this::convergenceCheck);
    }

    private Map<String, List<String>> distinctDigests() {
        Map<String, List<String>> byDigest = new TreeMap<>();
        for (SimNode n : nodes) {
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
            Map<String, String[]> la = a.lh.lores(a.localRealmId);
            Map<String, String[]> lb = b.lh.lores(b.localRealmId);
            Set<String> ids = new java.util.TreeSet<>(la.keySet());
            ids.addAll(lb.keySet());
            int shown = 0;
            for (String id : ids) {
                String ra = la.containsKey(id) ? String.join("|", java.util.Arrays.asList(la.get(id))) : "(absent)";
                String rb = lb.containsKey(id) ? String.join("|", java.util.Arrays.asList(lb.get(id))) : "(absent)";
                if (!ra.equals(rb) && shown++ < 2) {
                    sb.append("lore ").append(id).append(" on ").append(a).append(": ").append(ra).append(" but on ").append(b)
                        .append(": ").append(rb).append(" (its events: ").append(historyOf(EntityKind.LORE, id)).append("); ");
                }
            }
            Map<String, String> ra = a.lh.relationRows(a.localRealmId);
            Map<String, String> rb = b.lh.relationRows(b.localRealmId);
            if (!ra.equals(rb)) {
                Set<String> keys = new java.util.TreeSet<>(ra.keySet());
                keys.addAll(rb.keySet());
                for (String k : keys) {
                    if (!java.util.Objects.equals(ra.get(k), rb.get(k)) && shown++ < 3) {
                        sb.append("relation ").append(k.replace('\n', ' ')).append(": ").append(a).append(' ').append(ra.get(k))
                            .append(", ").append(b).append(' ').append(rb.get(k)).append("; ");
                    }
                }
            }
            if (shown == 0) {
                sb.append("lores and relations are equal: the realm row differs");
            }
        } catch (SQLException e) {
            sb.append("(tables unreadable: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }

    /** An entity's events as the catalog knows them, for failure reports. */
    private String historyOf(EntityKind kind, String entity) {
        List<String> out = new ArrayList<>();
        for (EventId id : catalog.eventsOf(EventCatalog.key(kind, entity))) {
            EventCatalog.Info e = catalog.get(id);
            String author = "?";
            for (SimNode n : nodes) {
                if (n.id().equals(e.author())) {
                    author = n.name;
                }
            }
            boolean authorised = admin.replica.authorized(realm, e.id());
            out.add(id.shortForm() + " by " + author + " at " + HybridClockText.format(e.hlc())
                + (e.change().deleted() ? " delete" : " " + e.change().assignments().keySet() + e.change().sets().keySet())
                + " parents " + e.change().parents().stream().map(EventId::shortForm).toList()
                + (authorised ? "" : " UNAUTHORISED"));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    private String divergenceReport() {
        StringBuilder sb = new StringBuilder();
        Set<EventId> union = new HashSet<>();
        for (SimNode n : nodes) {
            union.addAll(n.held);
        }
        for (SimNode n : nodes) {
            sb.append(n.name).append(" holds ").append(n.held.size()).append('/').append(union.size()).append(" events");
            if (n.localRealmId == null) {
                sb.append(" (realm not mapped)");
            }
            sb.append(", ").append(n.endpoints.size()).append(" sessions open");
            try {
                for (var held : n.replica.events().heldCounts()) {
                    sb.append(", held ").append(held.count()).append(' ').append(held.reason()).append(" (").append(held.example())
                        .append(')');
                }
                for (var refusal : n.replica.events().refusals()) {
                    sb.append(", refused ").append(refusal.count()).append(' ').append(refusal.reason()).append(" (")
                        .append(refusal.lastDetail()).append(')');
                }
            } catch (SQLException e) {
                sb.append(", refusals unreadable: ").append(e.getMessage());
            }
            for (Endpoint e : n.endpoints) {
                if (!e.session().isSynced()) {
                    sb.append(" [with ").append(e.peer()).append(" not synced]");
                }
            }
            sb.append("; ");
        }
        int shown = 0;
        for (SimNode n : nodes) {
            for (EventId id : union) {
                if (!n.held.contains(id) && shown < 3) {
                    EventCatalog.Info info = catalog.get(id);
                    sb.append("e.g. ").append(n.name).append(" lacks ").append(id.shortForm())
                        .append(info == null ? "" : info.membership() ? " (membership)" : " (" + info.change().kind() + ")");
                    long[] arrival = arrivals.get(id);
                    for (Endpoint e : n.endpoints) {
                        SimNode peer = e.peer();
                        if (peer.held.contains(id) && arrival != null) {
                            SyncSession ours = e.session();
                            SyncSession theirs = e.conn().sessions[1 - e.side()];
                            sb.append(", which ").append(peer.name).append(" has held since ")
                                .append(SimTime.format(arrival[peer.index])).append(" while their connection opened at ")
                                .append(SimTime.format(e.conn().openedAt)).append(" (").append(e.side() == 0 ? n.name : peer.name)
                                .append(" dialed; ").append(peer.name).append(" sent ").append(theirs.stats().eventsSent())
                                .append(" events, ").append(n.name).append(" stored ").append(ours.stats().eventsStored())
                                .append(", both synced: ").append(ours.isSynced() && theirs.isSynced()).append(')');
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
        for (SimNode n : nodes) {
            checkNode(n);
            Set<EventId> inLog = new HashSet<>();
            for (StoredKey k : n.replica.keys(realm)) {
                inLog.add(k.id());
            }
            for (SimNode author : nodes) {
                for (EventId id : author.ackedInOrder) {
                    if (!inLog.contains(id)) {
                        fail(FailureClass.SAFETY, "acknowledged edit lost: event " + id.shortForm() + " written on " + author
                            + " is not in " + n + "'s log after convergence");
                    }
                }
            }
        }
        ReferenceOracle.Model model = ReferenceOracle.model(catalog, (author, hlc, id) -> admin.replica.authorized(realm, id));
        oracleSkippedEntities = model.skippedEntities();
        oracleChecked = model.checkedFields();
        oracleSkippedFields = model.skippedFields();
        for (SimNode n : nodes) {
            try {
                List<String> problems = ReferenceOracle.compare(model, n.name, n.lh.lores(n.localRealmId),
                    n.lh.relationRows(n.localRealmId));
                if (!problems.isEmpty()) {
                    fail(FailureClass.SAFETY, "the reference model disagrees with what lh shows: "
                        + String.join("; ", problems.subList(0, Math.min(4, problems.size()))));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading " + n + "'s tables failed: " + e.getMessage(), e);
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
        return new SimResult(config, plan.describe(), failure, healAt, convergedAt < 0 ? -1 : convergedAt - healAt, now,
            framesSent, bytesSent, ackIds.size(), opsPerformed, opsSkipped, partitionEdits, reached, trace.hex(),
            arrivals.size(), (int) connectionIds, resets, Map.copyOf(closeReasons), crashes, pauses, episodes.size(),
            clockJumps, List.copyOf(divergence), List.copyOf(partitionIntervals), List.copyOf(downtimes), oracleChecked,
            oracleSkippedFields, oracleSkippedEntities);
    }

    private void closeAll() {
        for (SimNode n : nodes) {
            if (n.up) {
                try {
                    n.crash();
                } catch (SQLException | RuntimeException e) {
                    // best effort: the directory is deleted next
                }
            }
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

    /** An empty LoreHub database with the node's tables, created once per JVM and copied for every node. */
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
                    file.toFile().deleteOnExit();
                    dir.toFile().deleteOnExit();
                    template = file;
                } catch (IOException e) {
                    throw new IllegalStateException("Cannot create the template database: " + e.getMessage(), e);
                }
            }
            return template;
        }
    }

}
