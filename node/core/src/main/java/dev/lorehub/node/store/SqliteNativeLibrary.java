package dev.lorehub.node.store;

import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * SQLite's native library, loaded from a copy kept in the user's cache directory
 * ({@link NativeLibraryCache}) instead of extracted afresh: sqlite-jdbc otherwise unpacks its ~1 MB
 * library to /tmp on every start (with a lock file, a byte comparison and a sweep of old copies), which
 * was about half the time of a short command's first database open. Whenever anything here fails,
 * nothing is set and sqlite-jdbc extracts as before.
 *
 * <p>{@link NativeLibraryCache#useCachedCopies} calls it first thing in {@code main}: a JVM loads the library once.
 */
public final class SqliteNativeLibrary {
    private SqliteNativeLibrary() {
    }

    /**
     * Points the library at the cached copy of {@code jar}'s (making it first if needed), unless its location was
     * set already; from a directory ({@code jar} null) nothing is cached. {@link NativeLibraryCache#useCachedCopies}
     * calls it for the program's own jar.
     */
    public static void useCachedCopy(Map<String, String> env, Path jar) {
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        try {
            // Asking sqlite-jdbc which of its libraries fits this system runs `uname` and reads /proc,
            // the very cost saved here: the lookup runs only when a copy must be made.
            Path cached = NativeLibraryCache.cachedCopy(env, jar, "sqlite", () -> SqliteNativeLibrary.class.getResource(
                LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName()));
            if (cached != null) {
                System.setProperty("org.sqlite.lib.path", cached.getParent().toString());
                System.setProperty("org.sqlite.lib.name", cached.getFileName().toString());
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            // sqlite-jdbc extracts its library itself, as it always did
        }
    }
}
