package dev.lorehub.node.store.query;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EntityState;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.store.LoreTables;
import dev.lorehub.node.core.RealmRow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A read-only look at a node's data: the LoreHub database opened with
 * {@link LoreHubDatabase#openReadOnly} and a replica over it ({@link SqliteReplicas#openReadOnly}). Safe beside a
 * running node and lh (WAL: a reader never blocks the writer), and changes nothing: no capture
 * triggers, no schema upgrade, no write lock, not even on a database file the user cannot write.
 *
 * <p>Not thread-safe: one command reads through it on one thread, then closes it.
 */
public final class NodeQuery implements AutoCloseable {
    private final LoreHubDatabase db;
    private final Replica replica;

    private NodeQuery(LoreHubDatabase db, Replica replica) {
        this.db = db;
        this.replica = replica;
    }

    /**
     * Opens a look at the data in {@code database}, as the device whose identity and realm keys are
     * in {@code identity} and {@code realmKeys}. Empty when the data directory first needs a writer:
     * the node's tables are missing or of an older release, or there is no realm key store yet (a
     * full open of the node creates or upgrades them; this one never writes).
     *
     * @throws dev.lorehub.node.store.LoreHubDatabaseException if the database cannot be read
     * @throws dev.lorehub.crypto.KeyFileException             if a key file cannot be read
     */
    public static Optional<NodeQuery> open(Path database, Path identity, Path realmKeys) {
        if (!Files.exists(realmKeys)) {
            return Optional.empty(); // SecretStore.open would create it
        }
        LoreHubDatabase db = LoreHubDatabase.openReadOnly(database);
        try {
            Optional<Replica> replica = SqliteReplicas.openReadOnly(db, DeviceIdentity.load(identity), SecretStore.open(realmKeys),
                new java.security.SecureRandom());
            if (replica.isEmpty()) {
                db.close();
                return Optional.empty();
            }
            return Optional.of(new NodeQuery(db, replica.get()));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The replica, to read only: its write methods fail on this read-only database. */
    public Replica replica() {
        return replica;
    }

    /** The read-only database (its connection refuses writes). */
    public LoreHubDatabase database() {
        return db;
    }

    /** lh's tables, read through this look's connection. */
    public LoreTables tables() {
        return new LoreTables(db.connection());
    }

    /**
     * The name of the local realm a synced realm is mapped to; before it is mapped, the name it was
     * shared under (the realm's synced name, once its events arrived), else its hint, else
     * "(name not known yet)".
     */
    public String localName(LogRows.SyncedRealmRow row) {
        return localName(db, replica, row);
    }

    /** The directory a synced realm is mapped to here, if any. */
    public Optional<String> localPath(LogRows.SyncedRealmRow row) {
        return localPath(db, row);
    }

    /** {@link #localName(LogRows.SyncedRealmRow)} on any database and replica (the node's own view uses it too). */
    public static String localName(LoreHubDatabase db, Replica replica, LogRows.SyncedRealmRow row) {
        if (row.localRealmId() != null) {
            try {
                Optional<RealmRow> r = new LoreTables(db.connection()).realm(row.localRealmId());
                if (r.isPresent()) {
                    return r.get().name();
                }
            } catch (SQLException e) {
                // fall through to the shared name
            }
        }
        return sharedName(replica, row).orElse("(name not known yet)");
    }

    /** {@link #localPath(LogRows.SyncedRealmRow)} on any database. */
    public static Optional<String> localPath(LoreHubDatabase db, LogRows.SyncedRealmRow row) {
        if (row.localRealmId() == null) {
            return Optional.empty();
        }
        try {
            return new LoreTables(db.connection()).realm(row.localRealmId()).map(RealmRow::path);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** The name a synced realm was shared under: its synced REALM entity's name, else the hint stored with it. */
    public static Optional<String> sharedName(Replica replica, LogRows.SyncedRealmRow row) {
        try {
            RealmId realm = row.realm();
            EntityState shared = replica.state(realm, EntityKind.REALM, realm.toString());
            if (shared.isLive() && shared.value(Field.REALM_NAME) instanceof String name && !name.isBlank()) {
                return Optional.of(name);
            }
        } catch (RuntimeException e) {
            // unreadable (no key yet): fall back to the hint
        }
        return Optional.ofNullable(row.nameHint());
    }

    @Override
    public void close() {
        replica.close();
    }
}
