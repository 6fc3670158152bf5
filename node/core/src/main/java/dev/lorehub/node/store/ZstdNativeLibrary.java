package dev.lorehub.node.store;

import com.github.luben.zstd.util.Native;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/**
 * zstd-jni's native library, loaded from a copy kept in the user's cache directory
 * ({@link NativeLibraryCache}) through zstd-jni's {@code ZstdNativePath} property, instead of unpacked
 * to a new temporary file on every start that reads a compressed event (about 20 ms of {@code log}).
 * Whenever anything here fails, nothing is set and zstd-jni unpacks its library as before.
 *
 * <p>Which of its libraries fits this system is zstd-jni's own choice, asked of it through its private
 * {@code resourceName()} (it has no public way to say): a zstd-jni that renames it only means no cache.
 * {@link NativeLibraryCache#useCachedCopies} calls it first thing in {@code main}, before anything compresses.
 */
public final class ZstdNativeLibrary {
    /** zstd-jni's property naming the library file to load instead of unpacking one. */
    static final String PATH_PROPERTY = "ZstdNativePath";

    private ZstdNativeLibrary() {
    }

    /**
     * Points the library at the cached copy of {@code jar}'s (making it first if needed), unless its location was
     * set already; from a directory ({@code jar} null) nothing is cached. {@link NativeLibraryCache#useCachedCopies}
     * calls it for the program's own jar.
     */
    public static void useCachedCopy(Map<String, String> env, Path jar) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        try {
            Path cached = NativeLibraryCache.cachedCopy(env, jar, "zstd", ZstdNativeLibrary::resource);
            if (cached != null) {
                System.setProperty(PATH_PROPERTY, cached.toString());
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            // zstd-jni unpacks its library itself, as it always did
        }
    }

    private static URL resource() throws ReflectiveOperationException {
        Method name = Native.class.getDeclaredMethod("resourceName");
        name.setAccessible(true);
        return Native.class.getResource((String) name.invoke(null));
    }
}
