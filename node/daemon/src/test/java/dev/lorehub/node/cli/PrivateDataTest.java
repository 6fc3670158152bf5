package dev.lorehub.node.cli;

import dev.lorehub.node.store.LhWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * lorehub.db holds the plaintext of every synced realm: `init` makes the data directory 0700 and the
 * database (with -wal and -shm) and key files 0600, fixing files lh made world-readable; `start`
 * refuses while others can read them and says which chmod to run. Real files, real modes.
 */
class PrivateDataTest {
    @TempDir
    Path tmp;
    Path data;
    Path db;
    CliRunner cli;

    @BeforeEach
    void posixOnly() {
        assumeThat(tmp.getFileSystem().supportedFileAttributeViews()).as("POSIX file permissions (not on this file system)")
            .contains("posix");
        data = tmp.resolve("data");
        db = data.resolve("lorehub.db");
        cli = new CliRunner(data);
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** Opens the database as lh does and writes, so that SQLite creates -wal and -shm beside it. */
    void lhWrites() throws Exception {
        try (LhWriter lh = new LhWriter(db)) {
            lh.addRealm("api", "/home/ann/api");
            assertThat(data.resolve("lorehub.db-wal")).exists();
            assertThat(data.resolve("lorehub.db-shm")).exists();
            assertThat(mode(data.resolve("lorehub.db-wal"))).isEqualTo("rw-------");
            assertThat(mode(data.resolve("lorehub.db-shm"))).isEqualTo("rw-------");
        }
    }

    @Test
    void initMakesANewDataDirectoryPrivate() throws Exception {
        CliRunner.Result r = cli.run("init", "--name", "ann-laptop");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("private to you");

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(data.resolve("node"))).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
        assertThat(mode(data.resolve("node/identity.key"))).isEqualTo("rw-------");
        lhWrites();
    }

    @Test
    void initFixesADatabaseLhMadeReadableByEveryone() throws Exception {
        Files.createDirectories(data);
        LhWriter.createDatabaseAsLh(db);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));

        CliRunner.Result r = cli.run("init");
        assertThat(r.exit()).as(r.toString()).isZero();

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(db)).isEqualTo("rw-------");
        lhWrites(); // lh (the same user) keeps working
    }

    @Test
    void startRefusesWhileOthersCanReadTheDatabaseAndNamesTheChmodToRun() throws Exception {
        assertThat(cli.run("init").exit()).isZero();
        Files.writeString(data.resolve("node/node.json"), "{ \"enabled\": false }"); // never reaches the network
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        CliRunner.Result refused = cli.run("start", "--loopback");

        assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.err()).contains(db + " (-rw-r--r--)").contains(data + " (drwxr-xr-x)")
            .doesNotContain("Exception").doesNotContain("\tat ");
        Matcher chmod = Pattern.compile("^  (chmod .*)$", Pattern.MULTILINE).matcher(refused.err());
        assertThat(chmod.find()).as(refused.err()).isTrue();
        assertThat(chmod.group(1)).contains("chmod 700 '" + data + "'").contains("'" + db + "'");

        // Running exactly the command it printed is enough: start then gets past the check (and stops at
        // "enabled": false, exit 4).
        Process sh = new ProcessBuilder(List.of("/bin/sh", "-c", chmod.group(1))).redirectErrorStream(true).start();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(mode(db)).isEqualTo("rw-------");
        CliRunner.Result again = cli.run("start", "--loopback");
        assertThat(again.exit()).as(again.toString()).isEqualTo(4);
    }

    @Test
    void startRefusesAWorldReadableWriteAheadLogToo() throws Exception {
        assertThat(cli.run("init").exit()).isZero();
        Files.writeString(data.resolve("node/node.json"), "{ \"enabled\": false }");
        try (LhWriter lh = new LhWriter(db)) {
            lh.addRealm("api", "/home/ann/api");
            Files.setPosixFilePermissions(data.resolve("lorehub.db-wal"), PosixFilePermissions.fromString("rw-rw-r--"));

            CliRunner.Result refused = cli.run("start", "--loopback");

            assertThat(refused.exit()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).contains(data.resolve("lorehub.db-wal") + " (-rw-rw-r--)");
        }
    }
}
