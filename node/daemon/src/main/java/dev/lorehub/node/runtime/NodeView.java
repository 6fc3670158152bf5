package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteReplicas;
import dev.lorehub.node.store.LoreTables;
import dev.lorehub.node.core.RealmRow;
import dev.lorehub.node.store.query.NodeQuery;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * A read-mostly view of a node's data directory for CLI commands that only look (status, log,
 * conflicts, lore list …). Safe while a daemon runs: SQLite's WAL lets readers and the daemon's
 * writer work side by side.
 */
public final class NodeView implements AutoCloseable {
    private final NodeHome home;
    private final Replica replica;
    private final LoreHubDatabase db;

    private NodeView(NodeHome home, LoreHubDatabase db, Replica replica) {
        this.home = home;
        this.db = db;
        this.replica = replica;
    }

    public static NodeView open(NodeHome home) {
        NodeFiles.requireInitialised(home);
        LoreHubDatabase db = LoreHubDatabase.open(home.database());
        try {
            Replica replica = SqliteReplicas.open(db, DeviceIdentity.load(home.identity()), SecretStore.open(home.realmKeys()),
                new SecureRandom());
            return new NodeView(home, db, replica);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public NodeHome home() {
        return home;
    }

    public Replica replica() {
        return replica;
    }

    public LoreHubDatabase database() {
        return db;
    }

    /** The synced realm a directory's realm is mapped to. */
    public Optional<RealmId> realmOfDirectory(Path dir) {
        String path = dir.toAbsolutePath().normalize().toString();
        try {
            Optional<RealmRow> local = new LoreTables(db.connection()).realmByPath(path);
            if (local.isEmpty()) {
                return Optional.empty();
            }
            for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : replica.realms().entrySet()) {
                if (local.get().id().equals(e.getValue().localRealmId())) {
                    return Optional.of(e.getKey());
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new NodeException("Cannot read realms: " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    /**
     * A synced realm named by id (or a unique prefix), by the name of its local realm, or by a
     * directory; null names the current directory's.
     */
    public RealmId realm(String text, Path cwd) {
        if (text == null) {
            return realmOfDirectory(cwd).orElseThrow(() -> new NodeException("The current directory (" + cwd
                + ") is not a synced realm: name one with --realm (see `lorehub-node realm list`), or share it with "
                + "`lorehub-node realm share`.", NodeException.Reason.REFUSED));
        }
        Map<RealmId, LogRows.SyncedRealmRow> realms = replica.realms();
        java.util.List<RealmId> matches = new java.util.ArrayList<>();
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : realms.entrySet()) {
            String name = localName(e.getValue());
            if (e.getKey().toString().startsWith(text.toLowerCase()) || text.equals(name)) {
                matches.add(e.getKey());
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        Optional<RealmId> byDir = realmOfDirectory(cwd.resolve(text));
        if (matches.isEmpty() && byDir.isPresent()) {
            return byDir.get();
        }
        throw new NodeException(matches.isEmpty() ? "No synced realm matches '" + text + "': see `lorehub-node realm list`."
            : "'" + text + "' matches " + matches.size() + " realms: give more of the id.", NodeException.Reason.REFUSED);
    }

    /**
     * The name of the local realm a synced realm is mapped to; before it is mapped, the name it was
     * shared under (the realm's synced name, once its events arrived), else its hint, else
     * "(name not known yet)".
     */
    public String localName(LogRows.SyncedRealmRow row) {
        return NodeQuery.localName(db, replica, row);
    }

    /** The name a synced realm was shared under: its synced REALM entity's name, else the hint stored with it. */
    public static Optional<String> sharedName(Replica replica, LogRows.SyncedRealmRow row) {
        return NodeQuery.sharedName(replica, row);
    }

    /** The directory a synced realm is mapped to here, if any. */
    public Optional<String> localPath(LogRows.SyncedRealmRow row) {
        return NodeQuery.localPath(db, row);
    }

    @Override
    public void close() {
        replica.close();
    }
}
