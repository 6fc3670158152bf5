package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.FoldPolicy;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaOptions;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.endpoint.EndpointConfig;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.sync.ReplicaSyncStore;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated device: its disk (a real LoreHub SQLite database, held in memory for the run, see
 * {@link #createDisk}; and its key store, a file in a temporary directory), the node process while
 * it runs (its {@link Replica} and the {@link NodeEndpoint} the daemon would drive), the lh-like
 * writer (lh is a separate program: it keeps working while the node is stopped or crashed, never
 * while the laptop sleeps), and what the simulator knows about it (events held, edits acknowledged).
 *
 * <p>The simulator plays only the daemon's I/O for this device: it feeds the endpoint's inputs and
 * carries out its actions ({@link Simulation#drive}); every decision (what to send, when to dial,
 * when to capture, when to restart a session) is the endpoint's.
 */
final class SimNode {
    /**
     * The simulator's database settings: no yielding (no other process), no fsync (the database is in
     * memory anyway, {@link #createDisk}). A simulated crash is a crash of the process, not of the
     * machine: every committed transaction is on the device's disk and survives it; what a crash loses
     * is what was never committed.
     */
    static final LoreHubDatabase.Settings DB = LoreHubDatabase.Settings.DEFAULT.withYieldToOtherWriters(false)
        .withFsyncCommits(false);

    final int index;
    final String name;
    final Path dir;
    final DeviceIdentity identity;
    final LocalClock clock;
    final PeerAddress address;
    /** An attacker's device (its sessions carry forged frames too); never counted among the honest. */
    final boolean adversarial;
    private final long cryptoSeed;

    Replica replica;
    ReplicaSyncStore store;
    NodeEndpoint endpoint;
    /** The lh-like writer: opened once, kept across crashes and stops (lh is its own program). */
    LhClient lh;
    /** Keeps the device's in-memory database for the run ({@link #createDisk}); never used otherwise. */
    private Connection disk;
    /** The node process runs (false: crashed or stopped). */
    boolean up;
    /** The laptop sleeps: nothing runs, not even lh. */
    boolean paused;
    /** Counts process starts; events scheduled for an older process are ignored. */
    int incarnation;

    /** Synced realm → the local lh realm id it is mapped to here. */
    final Map<RealmId, String> mapped = new TreeMap<>();
    /** Whether the admin has made this device a member of the main realm (the simulator's own record). */
    boolean memberNow;
    /** Whether, by its own view of the membership when last seen, the device may write in the main realm. */
    boolean canWrite;
    /** A membership event arrived while a realm is unmapped here: see whether the user can join it now. */
    boolean checkJoin;

    /** Events held (committed to the durable log), and an order-independent fingerprint of the set. */
    final Set<EventId> held = new HashSet<>();
    long fingerprint;
    /** Events this device wrote itself (acknowledged once committed), in the order written. */
    final List<EventId> ackedInOrder = new ArrayList<>();

    /** Virtual time of the scheduled endpoint wake-up (Long.MAX_VALUE: none). */
    long wakeAt = Long.MAX_VALUE;
    long wakeGeneration;
    /** Wake-ups at one virtual instant, to catch an endpoint that asks for the same instant forever. */
    long spinAt = -1;
    int spins;
    /** What waits for the laptop to wake up (dials that were in flight when it fell asleep). */
    final List<Runnable> onWake = new ArrayList<>();
    /** After the heal: the latest virtual time at which an event held here for its stamp falls due. */
    long latestHoldDue;

    SimNode(int index, Path dir, DeviceIdentity identity, LocalClock clock, long cryptoSeed, boolean adversarial) {
        this.index = index;
        this.name = "n" + index;
        this.dir = dir;
        this.identity = identity;
        this.clock = clock;
        this.cryptoSeed = cryptoSeed;
        this.adversarial = adversarial;
        this.address = new PeerAddress(name + ".sim", 7000 + index);
    }

    DeviceId id() {
        return identity.id();
    }

    Path databaseFile() {
        return dir.resolve("lorehub.db");
    }

    /** The endpoint's time now: monotonic is virtual time (it never steps), wall is this device's clock. */
    NodeEndpoint.Moment moment(long now) {
        return new NodeEndpoint.Moment(now, clock.wall(now));
    }

    /**
     * Creates the device's disk: its LoreHub database, a copy of {@code template}, held in memory by
     * SQLite's memdb VFS under {@link #databaseFile()}'s name ({@link LoreHubDatabase#openInMemory}) for
     * the whole run. This connection keeps it there whatever the node process and lh do, as a disk keeps
     * a file: a crashed node finds every commit, and only the end of the run ({@link #closeAll}) frees it.
     *
     * @param template a LoreHub database file in rollback-journal mode (memdb cannot open a copy of a
     *                 database in WAL mode)
     */
    void createDisk(Path template) throws SQLException {
        String source = template.toAbsolutePath().toString();
        String quote = source.contains("'") ? "\"" : "'"; // sqlite-jdbc's command takes either, and no escapes
        disk = DriverManager.getConnection(LoreHubDatabase.inMemoryUrl(databaseFile()));
        try (Statement s = disk.createStatement()) {
            s.executeUpdate("restore from " + quote + source + quote); // sqlite-jdbc's command for SQLite's backup API
        }
    }

    /** lh, opened once for the life of the device, on its disk. */
    void openLh() throws SQLException {
        lh = new LhClient(LoreHubDatabase.inMemoryUrl(databaseFile()));
    }

    /**
     * Starts the node process: opens the database and key store, the replica, its sync store and a
     * fresh endpoint (which reads paired peers, their last addresses and status from the files).
     */
    void start(FoldPolicy fold, ReplicaOptions options, EndpointConfig config, NodeEndpoint.Hooks hooks, long now) {
        incarnation++;
        SecureRandom random = SeededRandom.of(cryptoSeed * 1_000_003L + incarnation);
        LoreHubDatabase db = LoreHubDatabase.openInMemory(databaseFile(), DB);
        replica = SqliteReplicas.open(db, identity, SecretStore.open(dir.resolve("keys.lhks")), random, options.withFold(fold));
        store = new ReplicaSyncStore(replica, ReconcileConfig.defaults(), random);
        endpoint = new NodeEndpoint(replica, store, config, new SplittableRandom(cryptoSeed ^ (incarnation * 0x9E3779B97F4A7C15L)),
            hooks, moment(now));
        up = true;
        wakeAt = Long.MAX_VALUE;
        wakeGeneration++;
        mapped.clear();
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : replica.realms().entrySet()) {
            if (e.getValue().localRealmId() != null) {
                mapped.put(e.getKey(), e.getValue().localRealmId());
            }
        }
    }

    /** The process ends, abruptly (crash) or after its endpoint said goodbye (stop): memory is gone, files stay. */
    void halt() {
        try {
            replica.close();
        } finally {
            replica = null;
            store = null;
            endpoint = null;
            up = false;
            checkJoin = false;
            wakeAt = Long.MAX_VALUE;
            wakeGeneration++;
        }
    }

    /** The local lh realm the main realm is mapped to here, or null. */
    String localRealm(RealmId realm) {
        return realm == null ? null : mapped.get(realm);
    }

    /** Refreshes {@link #canWrite} from the replica's view (only while the process runs). */
    boolean refreshCanWrite(RealmId realm) {
        if (up && realm != null && replica.realms().containsKey(realm)) {
            canWrite = replica.membership(realm).role(id()).map(Role::canWrite).orElse(false);
        }
        return canWrite;
    }

    /** Closes lh for good (end of the run). */
    void closeAll() {
        try {
            if (up) {
                halt();
            }
        } catch (RuntimeException e) {
            // best effort: the directory is deleted next
        }
        try {
            if (lh != null) {
                lh.close();
            }
        } catch (SQLException | RuntimeException e) {
            // ditto
        }
        try {
            if (disk != null) {
                disk.close(); // the last connection: memdb frees the database
            }
        } catch (SQLException e) {
            // ditto
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
