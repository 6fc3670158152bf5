package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.store.LoreHubDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Creates and checks a node's files in a data directory ({@code lorehub-node init}). */
public final class NodeFiles {
    private NodeFiles() {
    }

    /**
     * What {@link #init} did.
     *
     * @param madePrivate true if the data directory and its database and key files are now private to
     *                    the owner (0700/0600); false where the file system has no POSIX permissions
     */
    public record InitResult(boolean createdDatabase, boolean createdIdentity, DeviceIdentity identity, boolean madePrivate) {
    }

    /**
     * Prepares a data directory: opens lh's database (or creates one lh accepts), installs change
     * capture, and creates this device's identity and key store if missing; then makes the
     * directories and the files that hold synced plaintext or keys private (see {@link #makePrivate}).
     * Idempotent.
     */
    public static InitResult init(NodeHome home, SecureRandom random) {
        try {
            Files.createDirectories(home.dataDir());
            Files.createDirectories(home.nodeDir());
            makePrivate(home);
        } catch (IOException e) {
            throw new NodeException("Cannot create " + home.nodeDir() + ": " + e.getMessage(), NodeException.Reason.STATE);
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
        try {
            makePrivate(home);
        } catch (IOException e) {
            throw new NodeException("Cannot make " + home.dataDir() + " private to you: " + e.getMessage()
                + ". Run: " + chmodCommand(privateFiles(home)), NodeException.Reason.STATE);
        }
        return new InitResult(newDb, newIdentity, identity, posix(home));
    }

    /** Mode of the data directory and the node directory: the owner only. */
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** Mode of the database files and key files: readable and writable by the owner only. */
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /**
     * The paths that must be private, those that exist: the data directory and {@code node/} (0700),
     * lh's database with its {@code -wal} and {@code -shm} files (the plaintext of every synced realm)
     * and the key files (0600). Directories first.
     */
    static List<Path> privateFiles(NodeHome home) {
        Path db = home.database();
        List<Path> out = new ArrayList<>();
        for (Path p : List.of(home.dataDir(), home.nodeDir(), db, Path.of(db + "-wal"), Path.of(db + "-shm"),
            home.identity(), home.realmKeys())) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Sets the data directory and {@code node/} to 0700 and the database and key files to 0600, fixing
     * files made before (lh creates {@code lorehub.db} 0644 in a 0755 directory). Same owner, so lh
     * keeps working. Does nothing on file systems without POSIX permissions (Windows: the user
     * profile's ACL applies).
     */
    public static void makePrivate(NodeHome home) throws IOException {
        if (!posix(home)) {
            return;
        }
        for (Path p : privateFiles(home)) {
            Files.setPosixFilePermissions(p, Files.isDirectory(p) ? PRIVATE_DIRECTORY : PRIVATE_FILE);
        }
    }

    /**
     * Refuses to run (exit code 3, {@link NodeException.Reason#STATE}, as for any problem with the data
     * directory) while group or others may read or change any of the {@linkplain #privateFiles private
     * files}, naming them and giving the exact {@code chmod} command that fixes them (or
     * {@code lorehub-node init}, which does the same). Skipped without POSIX permissions.
     */
    public static void requirePrivate(NodeHome home) {
        List<String> exposed = exposed(home);
        if (!exposed.isEmpty()) {
            throw new NodeException("Other users of this machine can read or change this device's synced data and keys: "
                + String.join(", ", exposed) + ". Make them private to you with:\n  " + chmodCommand(privateFiles(home))
                + "\n(or run `lorehub-node init`, which does the same), then start again.", NodeException.Reason.STATE);
        }
    }

    /**
     * The {@linkplain #privateFiles private files} that group or others may read or change, each
     * with its mode (e.g. {@code /home/ann/.lorehub/lorehub.db (-rw-r--r--)}); empty without POSIX
     * permissions.
     */
    static List<String> exposed(NodeHome home) {
        List<String> exposed = new ArrayList<>();
        if (!posix(home)) {
            return exposed;
        }
        for (Path p : privateFiles(home)) {
            Set<PosixFilePermission> perms;
            try {
                perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new NodeException("Cannot check who may read " + p + ": " + e.getMessage(), NodeException.Reason.STATE);
            }
            Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            open.addAll(perms);
            open.retainAll(GROUP_AND_OTHERS);
            if (!open.isEmpty()) {
                exposed.add(p + " (" + (Files.isDirectory(p) ? "d" : "-") + PosixFilePermissions.toString(perms) + ")");
            }
        }
        return exposed;
    }

    /** The shell command that makes {@code paths} private: chmod 700 for directories, 600 for files. */
    static String chmodCommand(List<Path> paths) {
        List<String> dirs = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (Path p : paths) {
            (Files.isDirectory(p) ? dirs : files).add(shellQuote(p.toString()));
        }
        List<String> parts = new ArrayList<>();
        if (!dirs.isEmpty()) {
            parts.add("chmod 700 " + String.join(" ", dirs));
        }
        if (!files.isEmpty()) {
            parts.add("chmod 600 " + String.join(" ", files));
        }
        return String.join(" && ", parts);
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static boolean posix(NodeHome home) {
        return home.dataDir().getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Fails with a clear message unless {@link #init} has run. */
    public static void requireInitialised(NodeHome home) {
        if (!Files.exists(home.database())) {
            throw new NodeException("There is no LoreHub database at " + home.database()
                + ": run `lorehub-node init` (or use lh once), or point --data-dir / LOREHUB_HOME at your data directory.",
                NodeException.Reason.STATE);
        }
        if (!Files.exists(home.identity())) {
            throw new NodeException("This data directory has no node identity yet (" + home.identity()
                + "): run `lorehub-node init` first.", NodeException.Reason.STATE);
        }
    }
}
