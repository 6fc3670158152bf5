package dev.lorehub.node.store;

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
 * Native libraries that Java libraries would otherwise unpack from the jar afresh on every start
 * (sqlite-jdbc's, zstd-jni's), kept instead as copies in the user's cache directory, beside the
 * launcher's class-data archive ({@code $XDG_CACHE_HOME/lorehub-node}, default
 * {@code ~/.cache/lorehub-node}). A copy is named by its kind, a key of this jar and Java (see
 * {@link #placeKey}) and by the CRC-32 and size the jar records for the library, and is used only when
 * its bytes have that CRC-32 and size and it is readable and writable by its owner alone. A damaged or
 * foreign copy is written again, through a temporary file and an atomic rename, so concurrent starts
 * never see half a file. Callers ({@link SqliteNativeLibrary}, {@link ZstdNativeLibrary}) fall back to
 * the library's own unpacking whenever anything here fails.
 */
public final class NativeLibraryCache {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Finds the library's resource in the jar for this system; null when there is none. */
    @FunctionalInterface
    interface ResourceLookup {
        URL find() throws ReflectiveOperationException;
    }

    private NativeLibraryCache() {
    }

    /**
     * Points sqlite-jdbc and zstd-jni at cached copies of this program's libraries. Call it first thing in
     * {@code main}, before anything opens a database or compresses: a JVM loads each library once.
     */
    public static void useCachedCopies(Map<String, String> env) {
        Path jar = jarOf(NativeLibraryCache.class); // one jar holds both libraries: found once
        SqliteNativeLibrary.useCachedCopy(env, jar);
        ZstdNativeLibrary.useCachedCopy(env, jar);
    }

    /**
     * An intact cached copy of the {@code kind} library of {@code jar}, made now if needed; null when
     * there is no cache directory, no jar (classes from a directory) or no such library in the jar.
     * {@code lookup} runs only when a copy must be made: choosing the library can cost what the cache saves.
     */
    static Path cachedCopy(Map<String, String> env, Path jar, String kind, ResourceLookup lookup)
        throws IOException, ReflectiveOperationException {
        Path dir = cacheDir(env);
        if (dir == null || jar == null) {
            return null;
        }
        String prefix = kind + "-" + placeKey(jar) + "-";
        Path cached = findIntact(dir, prefix);
        return cached != null ? cached : extract(dir, kind, prefix, lookup.find());
    }

    /** The jar a class was loaded from, or null (classes from a directory). */
    static Path jarOf(Class<?> type) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            Path p = source == null ? null : Path.of(source.getLocation().toURI());
            return p != null && Files.isRegularFile(p) ? p : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * What a copy belongs to, from facts that cost nothing to read: the jar's path (first part), then
     * its size and time and the JVM's OS, architecture and home (second part). A new build or another
     * Java makes another key, so the library is chosen and extracted afresh.
     */
    private static String placeKey(Path jar) throws IOException {
        return Integer.toHexString(jar.toString().hashCode()) + "-" + Integer.toHexString((Files.size(jar) + "\n"
            + Files.getLastModifiedTime(jar).toMillis() + "\n" + System.getProperty("os.name") + "\n"
            + System.getProperty("os.arch") + "\n" + System.getProperty("java.home")).hashCode());
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

    /** Extracts {@code resource}, named by its CRC-32 and size; null when the jar does not record them. */
    private static Path extract(Path dir, String kind, String prefix, URL resource) throws IOException {
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
        String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
        Path target = dir.resolve(prefix + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + "-" + name);
        write(dir, target, resource, entry.getCrc(), entry.getSize());
        // The copy of an older build at this same path goes (as the launcher replaces the class-data
        // archive of its place). Copies of other installations stay: one of them may be about to load
        // its copy, and the libraries do not fall back to extracting when a named library is missing.
        String samePath = prefix.substring(0, prefix.indexOf('-', kind.length() + 1) + 1);
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
        Path tmp = Files.createTempFile(dir, ".lib-", ".tmp");
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
