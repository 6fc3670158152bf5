package dev.lorehub.node.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cached copy of SQLite's native library: made once, used while intact, written again when its
 * bytes or permissions are not what they must be. (Tests run with sqlite-jdbc's jar on the class
 * path, so the library comes from a jar as in the distribution.)
 */
class SqliteNativeLibraryTest {
    @TempDir
    Path cache;

    @AfterEach
    void forget() {
        System.clearProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.name");
    }

    private Path copy() {
        System.clearProperty("org.sqlite.lib.path");
        SqliteNativeLibrary.useCachedCopy(Map.of("XDG_CACHE_HOME", cache.toString()), sqliteJar());
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(cache.resolve("lorehub-node").toString());
        return cache.resolve("lorehub-node").resolve(System.getProperty("org.sqlite.lib.name"));
    }

    /** The tests run from class directories; sqlite-jdbc's jar stands in for the program's. */
    private static Path sqliteJar() {
        try {
            return Path.of(org.sqlite.JDBC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutAJarNothingIsCached() {
        SqliteNativeLibrary.useCachedCopy(Map.of("XDG_CACHE_HOME", cache.toString()), null);
        assertThat(System.getProperty("org.sqlite.lib.path")).isNull();
    }

    @Test
    void anOlderBuildsCopyAtThisPathGoesOtherInstallationsStay() throws IOException {
        Path lib = copy();
        String name = lib.getFileName().toString(); // sqlite-PATHKEY-BUILDKEY-CRC-SIZE-NAME
        String pathKey = name.split("-")[1];
        Path dir = lib.getParent();
        Files.delete(lib);
        Path olderBuild = Files.writeString(dir.resolve("sqlite-" + pathKey + "-0badbeef-1-2-libsqlitejdbc.so"), "old");
        Path otherInstall = Files.writeString(dir.resolve("sqlite-0ther0-0badbeef-1-2-libsqlitejdbc.so"), "other");
        assertThat(copy()).isEqualTo(lib);
        assertThat(olderBuild).doesNotExist();
        assertThat(otherInstall).exists();
    }

    @Test
    void madeOnceOwnerOnlyThenReused() throws IOException {
        Path lib = copy();
        assertThat(Files.size(lib)).isGreaterThan(100_000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib))).isEqualTo("rw-------");
        var made = Files.getLastModifiedTime(lib);
        assertThat(copy()).isEqualTo(lib);
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(made);
    }

    @Test
    void aDamagedCopyIsWrittenAgain() throws IOException {
        Path lib = copy();
        byte[] good = Files.readAllBytes(lib);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(lib, bad);
        assertThat(copy()).isEqualTo(lib);
        assertThat(Files.readAllBytes(lib)).isEqualTo(good);
    }

    @Test
    void aCopyOthersCouldChangeIsWrittenAgain() throws IOException {
        Path lib = copy();
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(copy()).isEqualTo(lib);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lib))).isEqualTo("rw-------");
    }

    @Test
    void aLocationGivenByTheUserIsKept() {
        System.setProperty("org.sqlite.lib.path", "/opt/sqlite");
        SqliteNativeLibrary.useCachedCopy(Map.of("XDG_CACHE_HOME", cache.toString()), sqliteJar());
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo("/opt/sqlite");
        assertThat(cache.resolve("lorehub-node")).doesNotExist();
    }
}
