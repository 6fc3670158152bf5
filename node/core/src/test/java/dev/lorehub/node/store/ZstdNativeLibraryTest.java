package dev.lorehub.node.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cached copy of zstd-jni's native library: the library zstd-jni would unpack for this system, made
 * once, owner-only, then reused; a location the user gave is kept. (The cache's repair of damaged or
 * foreign copies is the same code as SQLite's, tested in {@link SqliteNativeLibraryTest}.)
 */
class ZstdNativeLibraryTest {
    @TempDir
    Path cache;

    @AfterEach
    void forget() {
        System.clearProperty(ZstdNativeLibrary.PATH_PROPERTY);
    }

    /** The tests run from class directories; zstd-jni's jar stands in for the program's. */
    private static Path zstdJar() {
        try {
            return Path.of(com.github.luben.zstd.Zstd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path copy() {
        System.clearProperty(ZstdNativeLibrary.PATH_PROPERTY);
        ZstdNativeLibrary.useCachedCopy(Map.of("XDG_CACHE_HOME", cache.toString()), zstdJar());
        String path = System.getProperty(ZstdNativeLibrary.PATH_PROPERTY);
        assertThat(path).as("zstd-jni is pointed at a cached copy").isNotNull();
        return Path.of(path);
    }

    @Test
    void theCopyIsTheLibraryZstdWouldUnpackMadeOnceOwnerOnly() throws IOException {
        Path lib = copy();
        assertThat(lib.getParent()).isEqualTo(cache.resolve("lorehub-node"));
        assertThat(lib.getFileName().toString()).startsWith("zstd-").contains("libzstd-jni");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib))).isEqualTo("rw-------");
        String resource = "/" + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).replace(" ", "") + "/"
            + System.getProperty("os.arch") + "/" + lib.getFileName().toString().replaceFirst("^zstd-[^-]+-[^-]+-[^-]+-[^-]+-", "");
        try (InputStream in = com.github.luben.zstd.Zstd.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            assertThat(Files.readAllBytes(lib)).isEqualTo(in.readAllBytes());
        }
        var made = Files.getLastModifiedTime(lib);
        assertThat(copy()).isEqualTo(lib);
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(made);
    }

    @Test
    void withoutAJarNothingIsCached() {
        ZstdNativeLibrary.useCachedCopy(Map.of("XDG_CACHE_HOME", cache.toString()), null);
        assertThat(System.getProperty(ZstdNativeLibrary.PATH_PROPERTY)).isNull();
    }

    @Test
    void aLocationGivenByTheUserIsKept() {
        System.setProperty(ZstdNativeLibrary.PATH_PROPERTY, "/opt/libzstd-jni.so");
        ZstdNativeLibrary.useCachedCopy(Map.of("XDG_CACHE_HOME", cache.toString()), zstdJar());
        assertThat(System.getProperty(ZstdNativeLibrary.PATH_PROPERTY)).isEqualTo("/opt/libzstd-jni.so");
        assertThat(cache.resolve("lorehub-node")).doesNotExist();
    }
}
