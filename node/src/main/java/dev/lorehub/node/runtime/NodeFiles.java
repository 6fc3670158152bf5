package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.store.LoreHubDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** Creates and checks a node's files in a data directory ({@code lorehub-node init}). */
public final class NodeFiles {
    private NodeFiles() {
    }

    /** What {@link #init} did. */
    public record InitResult(boolean createdDatabase, boolean createdIdentity, DeviceIdentity identity) {
    }

    /**
     * Prepares a data directory: opens lh's database (or creates one lh accepts), installs change
     * capture, and creates this device's identity and key store if missing. Idempotent.
     */
    public static InitResult init(NodeHome home, SecureRandom random) {
        try {
            Files.createDirectories(home.dataDir());
            Files.createDirectories(home.nodeDir());
            try {
                Files.setPosixFilePermissions(home.nodeDir(), PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the key files still refuse to load when readable by others where checkable
            }
        } catch (IOException e) {
            throw new NodeException("Cannot create " + home.nodeDir() + ": " + e.getMessage(), NodeException.STATE);
        }
        boolean newDb = !Files.exists(home.database());
        try (LoreHubDatabase db = newDb ? LoreHubDatabase.create(home.database()) : LoreHubDatabase.open(home.database())) {
            db.installCapture();
        }
        boolean newIdentity = !Files.exists(home.identity());
        DeviceIdentity identity;
        if (newIdentity) {
            identity = DeviceIdentity.generate(random);
            identity.save(home.identity());
        } else {
            identity = DeviceIdentity.load(home.identity());
        }
        SecretStore.open(home.realmKeys());
        return new InitResult(newDb, newIdentity, identity);
    }

    /** Fails with a clear message unless {@link #init} has run. */
    public static void requireInitialised(NodeHome home) {
        if (!Files.exists(home.database())) {
            throw new NodeException("There is no LoreHub database at " + home.database()
                + ": run `lorehub-node init` (or use lh once), or point --data-dir / LOREHUB_HOME at your data directory.",
                NodeException.STATE);
        }
        if (!Files.exists(home.identity())) {
            throw new NodeException("This data directory has no node identity yet (" + home.identity()
                + "): run `lorehub-node init` first.", NodeException.STATE);
        }
    }
}
