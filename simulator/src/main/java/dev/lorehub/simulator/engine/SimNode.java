package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.FoldPolicy;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaOptions;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.store.EventStore;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.sync.ReplicaSyncStore;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One simulated device: its files (a real LoreHub SQLite database and key store in a temporary
 * directory), the node core over them while the process is up, the lh-like writer, and what the
 * simulator knows about it (events held, edits acknowledged, open connections).
 */
final class SimNode {
    /** The simulator's database settings: no yielding (no other process), no fsync (crashes are of the process, not the disk). */
    static final LoreHubDatabase.Settings DB = LoreHubDatabase.Settings.DEFAULT.withYieldToOtherWriters(false)
        .withFsyncCommits(false);

    final int index;
    final String name;
    final Path dir;
    final DeviceIdentity identity;
    final LocalClock clock;
    private final long cryptoSeed;

    Replica replica;
    ReplicaSyncStore syncStore;
    ObservedStore store;
    LhClient lh;
    boolean up;
    boolean paused;
    int restarts;

    /** The local lh realm id the synced realm is mapped to here (null until mapped). */
    String localRealmId;
    /** Whether the admin has made this device a member (the simulator's own record, for availability). */
    boolean memberNow;

    /** Events held (committed to the durable log), and an order-independent fingerprint of the set. */
    final Set<EventId> held = new HashSet<>();
    long fingerprint;
    /** Events this device wrote itself (its edits, acknowledged once committed). */
    final Set<EventId> acked = new HashSet<>();
    final List<EventId> ackedInOrder = new ArrayList<>();

    /** Open connection ends, in the order they opened. */
    final List<Endpoint> endpoints = new ArrayList<>();
    /** Keys the replica reported stored since the simulator last looked. */
    final List<StoredKey> stored = new ArrayList<>();
    /** Ids among {@link #stored} that arrived from a peer (the rest were written here). */
    final Set<EventId> foreign = new HashSet<>();
    boolean captureScheduled;
    boolean membershipDirty;
    /** Virtual time of the scheduled release of events held for their future stamps (-1: none). */
    long releaseAt = -1;
    /** After the heal: the latest virtual time at which an event held here for its stamp falls due. */
    long latestHoldDue;

    SimNode(int index, Path dir, DeviceIdentity identity, LocalClock clock, long cryptoSeed) {
        this.index = index;
        this.name = "n" + index;
        this.dir = dir;
        this.identity = identity;
        this.clock = clock;
        this.cryptoSeed = cryptoSeed;
    }

    DeviceId id() {
        return identity.id();
    }

    Path databaseFile() {
        return dir.resolve("lorehub.db");
    }

    /** Starts the process: opens the database and key store, the replica, its sync store and the lh writer. */
    void open(FoldPolicy fold) throws SQLException {
        SecureRandom random = SeededRandom.of(cryptoSeed * 1_000_003L + restarts);
        LoreHubDatabase db = LoreHubDatabase.open(databaseFile(), DB);
        replica = Replica.open(db, identity, SecretStore.open(dir.resolve("keys.lhks")), random,
            ReplicaOptions.DEFAULT.withFold(fold));
        syncStore = new ReplicaSyncStore(replica, ReconcileConfig.defaults(), random);
        replica.addListener(stored::addAll);
        store = new ObservedStore(syncStore, foreign);
        lh = new LhClient(databaseFile());
        up = true;
    }

    /** Reads back where the synced realm is mapped (after a restart). */
    void reloadMapping(RealmId realm) {
        EventStore.RealmRow row = realm == null ? null : replica.realms().get(realm);
        localRealmId = row == null ? null : row.localRealmId();
    }

    /** True if this device, by its own view of the membership, may write in the realm. */
    boolean canWrite(RealmId realm) {
        return replica.membership(realm).role(id()).map(Role::canWrite).orElse(false);
    }

    /** A process crash: everything in memory is gone, the files stay. */
    void crash() throws SQLException {
        endpoints.clear();
        stored.clear();
        foreign.clear();
        captureScheduled = false;
        membershipDirty = false;
        try {
            lh.close();
        } finally {
            replica.close();
            replica = null;
            syncStore = null;
            store = null;
            lh = null;
            up = false;
            restarts++;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
