package dev.lorehub.node.store;

import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * SQLite's native library, loaded from a copy kept in the user's cache directory instead of
 * extracted afresh: sqlite-jdbc otherwise unpacks its ~1 MB library to /tmp on every start (with a
 * lock file, a byte comparison and a sweep of old copies), which was about half the time of a short
 * command's first database open. The copy lives beside the launcher's class-data archive
 * ({@code $XDG_CACHE_HOME/lorehub-node}, default {@code ~/.cache/lorehub-node}), is named by a key
 * of this jar and Java (see {@link #placeKey}) and by the CRC-32 and size the jar records for the
 * library, and is used only when its bytes have that CRC-32 and size and it is readable and
 * writable by its owner alone (a damaged or foreign copy is written
 * again, through a temporary file and an atomic rename, so concurrent starts never see half a file).
 * Whenever anything here fails, nothing is set and sqlite-jdbc extracts as before.
 *
 * <p>Call it first thing in {@code main}, before anything opens a database: a JVM loads the library once.
 */
public final class SqliteNativeLibrary {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SqliteNativeLibrary() {
    }

    /** Points sqlite-jdbc at the cached copy (making it first if needed), unless its location was set already. */
    public static void useCachedCopy(Map<String, String> env) {
        useCachedCopy(env, jarOfThisClass());
    }

    /** {@link #useCachedCopy(Map)} for a program shipped as {@code jar} (tests name one; from a directory: null). */
    public static void useCachedCopy(Map<String, String> env, Path jar) {
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        try {
            Path dir = cacheDir(env);
            if (dir == null || jar == null) {
                return; // classes from a directory (tests run from target/classes): nothing to key a copy to
            }
            String prefix = "sqlite-" + placeKey(jar) + "-";
            Path cached = findIntact(dir, prefix);
            if (cached == null) {
                cached = extract(dir, prefix);
            }
            if (cached != null) {
                System.setProperty("org.sqlite.lib.path", dir.toString());
                System.setProperty("org.sqlite.lib.name", cached.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            // sqlite-jdbc extracts its library itself, as it always did
        }
    }

    /**
     * What a copy belongs to, from facts that cost nothing to read (asking sqlite-jdbc which of its
     * libraries fits this system runs {@code uname} and reads /proc, the very cost saved here): the
     * jar's path (first part), then its size and time and the JVM's OS, architecture and home (second
     * part). A new build or another Java makes another key, so the library is chosen and extracted afresh.
     */
    private static String placeKey(Path jar) throws IOException {
        return Integer.toHexString(jar.toString().hashCode()) + "-" + Integer.toHexString((Files.size(jar) + "\n"
            + Files.getLastModifiedTime(jar).toMillis() + "\n" + System.getProperty("os.name") + "\n"
            + System.getProperty("os.arch") + "\n" + System.getProperty("java.home")).hashCode());
    }

    private static Path jarOfThisClass() {
        try {
            var source = SqliteNativeLibrary.class.getProtectionDomain().getCodeSource();
            Path p = source == null ? null : Path.of(source.getLocation().toURI());
            return p != null && Files.isRegularFile(p) ? p : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The copy for this place whose bytes match the CRC-32 and size its name records, if there is one. */
    private static Path findIntact(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path f : files) {
                String[] parts = f.getFileName().toString().substring(prefix.length()).split("-", 3);
                if (parts.length == 3 && intact(f, Long.parseLong(parts[0], 16), Long.parseLong(parts[1]))) {
                    return f;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** Extracts the library that fits this system (sqlite-jdbc's choice), named by its CRC-32 and size. */
    private static Path extract(Path dir, String prefix) throws IOException {
        String name = LibraryLoaderUtil.getNativeLibName();
        URL resource = SqliteNativeLibrary.class.getResource(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name);
        if (resource == null) {
            return null;
        }
        URLConnection connection = resource.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return null;
        }
        ZipEntry entry = jar.getJarEntry();
        if (entry.getCrc() < 0 || entry.getSize() < 0) {
            return null;
        }
        Path target = dir.resolve(prefix + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + "-" + name);
        write(dir, target, resource, entry.getCrc(), entry.getSize());
        // The copy of an older build at this same path goes (as the launcher replaces the class-data
        // archive of its place). Copies of other installations stay: one of them may be about to load
        // its copy, and sqlite-jdbc does not fall back to extracting when a named library is missing.
        String samePath = prefix.substring(0, prefix.indexOf('-', "sqlite-".length()) + 1);
        try (var old = Files.newDirectoryStream(dir, samePath + "*")) {
            for (Path f : old) {
                if (!f.getFileName().toString().startsWith(prefix)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return target;
    }

    private static Path cacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty()) {
            return Path.of(xdg, "lorehub-node");
        }
        String home = env.get("HOME");
        return home == null || home.isEmpty() ? null : Path.of(home, ".cache", "lorehub-node");
    }

    /** True if {@code file} holds exactly the library the jar holds, and only its owner can change it. */
    private static boolean intact(Path file, long crc32, long size) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != size) {
            return false;
        }
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)
            || !Files.getOwner(file).equals(Files.getOwner(file.getParent()))) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        return crc.getValue() == crc32;
    }

    private static void write(Path dir, Path target, URL resource, long crc32, long size) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".sqlite-", ".tmp");
        try {
            try (InputStream in = resource.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING); // replaces the file: permissions after
            }
            Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            if (!intact(tmp, crc32, size)) {
                throw new IOException("the copy of " + resource + " does not match the jar's record of it");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
