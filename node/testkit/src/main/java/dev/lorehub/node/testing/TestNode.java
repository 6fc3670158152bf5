package dev.lorehub.node.testing;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.EnvelopeVerifier;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.store.LhWriter;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.sync.ReplicaSyncStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;

/**
 * A real node core for tests: a LoreHub database in its own directory (a real SQLite file), a
 * seeded identity, a key store, the replica and its sync store, plus an {@link LhWriter} that
 * plays `lh` on a separate connection.
 */
public final class TestNode implements AutoCloseable {
    public final String name;
    public final Path dir;
    public final DeviceIdentity identity;
    public final SecureRandom random;
    public Replica replica;
    /** The LoreHub database under {@link #replica} (the replica owns it): for tests that look at lh's tables directly. */
    public LoreHubDatabase db;
    public ReplicaSyncStore store;
    public LhWriter lh;

    public TestNode(String name, Path parent, long seed) {
        this(name, parent, SeededRandom.of(seed), null);
    }

    private TestNode(String name, Path parent, SecureRandom random, DeviceIdentity identity) {
        this.name = name;
        this.dir = parent.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        this.random = random;
        this.identity = identity != null ? identity : DeviceIdentity.generate(random);
        open();
    }

    /** A node over files already in {@code parent/name} (a copy of another node's), with that node's identity. */
    public static TestNode reopen(String name, Path parent, DeviceIdentity identity) {
        return new TestNode(name, parent, SeededRandom.of(name.hashCode()), identity);
    }

    /** How replicas of test nodes check signatures (benchmarks use several cores, like the daemon). */
    public static EnvelopeVerifier verifier = EnvelopeVerifier.SEQUENTIAL;
    /** How replicas of test nodes write bodies (benchmarks compare compact bodies with plain ones). */
    public static dev.lorehub.node.core.EventCodec.Options wire = dev.lorehub.node.core.EventCodec.Options.DEFAULT;
    /** The time source replicas of new test nodes size their write transactions by (null: fixed sizes). */
    public static java.util.function.LongSupplier ticker = null;
    /** The wire options this node was opened with (kept across {@link #open} after a restart). */
    private dev.lorehub.node.core.EventCodec.Options myWire;

    /** (Re)opens the replica on the same files, as after a restart. */
    public void open() {
        db = LoreHubDatabase.openOrCreate(dir.resolve("lorehub.db"),
            LoreHubDatabase.Settings.DEFAULT.withYieldToOtherWriters(false));
        if (myWire == null) {
            myWire = wire;
        }
        replica = SqliteReplicas.open(db, identity, SecretStore.open(dir.resolve("keys.json")), random,
            dev.lorehub.node.core.ReplicaOptions.DEFAULT.withVerifier(verifier).withWire(myWire).withTicker(ticker));
        store = new ReplicaSyncStore(replica, ReconcileConfig.defaults(), random);
        try {
            lh = new LhWriter(dir.resolve("lorehub.db"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public DeviceId id() {
        return identity.id();
    }

    /** True if this node holds as many events as the other for every realm the other knows. */
    public boolean digestMatches(TestNode other) throws dev.lorehub.node.core.StorageException {
        for (var realm : other.replica.realms().keySet()) {
            if (replica.events().count(realm) != other.replica.events().count(realm)) {
                return false;
            }
        }
        return true;
    }

    /** The digest of what lh shows for synced realms. */
    public String digest() {
        return replica.digest();
    }

    @Override
    public void close() throws SQLException {
        lh.close();
        replica.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
