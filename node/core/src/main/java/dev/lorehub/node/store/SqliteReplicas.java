package dev.lorehub.node.store;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaOptions;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The composition root of a {@link Replica} on the LoreHub SQLite file: it builds the store's
 * implementations of the core's ports ({@link SqliteStorage} for the event log, lh's rows and the
 * capture queue; {@link KeyFile} for realm keys) and hands them to the core, which knows none of
 * them. The daemon, the simulator and the tests open replicas through here; the replica owns the
 * database from then on and closes it with itself.
 */
public final class SqliteReplicas {
    private SqliteReplicas() {
    }

    /**
     * Opens the replica on a LoreHub database: installs change capture and the node's tables if
     * needed (idempotent) and restores the clock above everything recorded.
     *
     * @throws dev.lorehub.node.core.ReplicaException if the database cannot be prepared for syncing
     */
    public static Replica open(LoreHubDatabase db, DeviceIdentity identity, SecretStore secrets, SecureRandom random) {
        return open(db, identity, secrets, random, ReplicaOptions.DEFAULT);
    }

    /** As {@link #open(LoreHubDatabase, DeviceIdentity, SecretStore, SecureRandom)}, with options. */
    public static Replica open(LoreHubDatabase db, DeviceIdentity identity, SecretStore secrets, SecureRandom random,
                               ReplicaOptions options) {
        return Replica.open(new SqliteStorage(db), identity, new KeyFile(secrets), random, options);
    }

    /**
     * Opens the replica to look only (the query side of the read-only commands) on a database from
     * {@link LoreHubDatabase#openReadOnly}: see {@link Replica#openReadOnly}.
     *
     * @return empty if the node's tables are missing or of another version than this release's (a
     *         full {@link #open} creates or upgrades them; this one never writes)
     * @throws dev.lorehub.node.core.ReplicaException if the database cannot be read
     */
    public static Optional<Replica> openReadOnly(LoreHubDatabase db, DeviceIdentity identity, SecretStore secrets,
                                                 SecureRandom random) {
        return Replica.openReadOnly(new SqliteStorage(db), identity, new KeyFile(secrets), random);
    }
}
