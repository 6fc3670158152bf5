package dev.lorehub.node.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-only commands change nothing: run against a data directory whose change capture was
 * removed and whose database was checkpointed, every one of them (text and {@code --json}) leaves
 * the database file's bytes as they were, writes no frame to its WAL and installs no capture
 * trigger. Before the query side they opened a full replica, which installed capture and wrote
 * the node's metadata on every call.
 */
class ReadOnlyCommandsTest {
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36})");

    @TempDir
    Path dir;
    CliRunner cli;
    Path data;
    Path project;
    String loreId;

    @BeforeEach
    void sharedRealmWithALore() throws IOException {
        data = dir.resolve("data");
        project = dir.resolve("project");
        cli = new CliRunner(data);
        assertThat(cli.run("init", "--name", "ro-device").exit()).isZero();
        Files.writeString(data.resolve("node/node.json"), "{ \"enabled\": false }");
        CliRunner.Result added = cli.run("lore add", "--path", project.toString(), "Reads never take the write lock");
        Matcher m = LORE_ID.matcher(added.out());
        assertThat(m.find()).as(added.toString()).isTrue();
        loreId = m.group(1);
        CliRunner.Result shared = cli.run("realm share", project.toString());
        assertThat(shared.exit()).as(shared.toString()).isZero();
    }

    /** Every read-only command line, each as text and as JSON. */
    private List<String[]> readOnlyCommands() {
        List<String[]> out = new ArrayList<>();
        for (String json : new String[] {null, "--json"}) {
            out.add(withJson(json, "status"));
            out.add(withJson(json, "peers"));
            out.add(withJson(json, "log", "-n", "20"));
            out.add(withJson(json, "log", "--refused"));
            out.add(withJson(json, "log", "--lore", loreId.substring(0, 8)));
            out.add(withJson(json, "conflicts"));
            out.add(withJson(json, "realm", "list"));
            out.add(withJson(json, "lore", "list", "--path", project.toString()));
            out.add(withJson(json, "lore", "show", loreId.substring(0, 8)));
        }
        return out;
    }

    private String[] withJson(String json, String... words) {
        List<String> argv = new ArrayList<>(List.of(words));
        argv.add("--data-dir");
        argv.add(data.toString());
        if (json != null) {
            argv.add(json);
        }
        return argv.toArray(String[]::new);
    }

    @Test
    void readOnlyCommandsWriteNothingAndInstallNoCapture() throws Exception {
        Path db = data.resolve("lorehub.db");
        dropCaptureTriggers(db);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        assertThat(captureTriggers(db)).isEmpty();
        String before = sha256(db);
        long modified = Files.getLastModifiedTime(db).toMillis();

        for (String[] argv : readOnlyCommands()) {
            CliRunner.Result r = CliRunner.raw(argv);
            assertThat(r.exit()).as(String.join(" ", argv) + "\n" + r).isZero();
            assertThat(walBytes(db)).as("WAL after " + String.join(" ", argv)).isZero();
        }

        assertThat(sha256(db)).as("the database file's bytes").isEqualTo(before);
        assertThat(Files.getLastModifiedTime(db).toMillis()).isEqualTo(modified);
        assertThat(captureTriggers(db)).as("capture triggers installed by a read-only command").isEmpty();
    }

    @Test
    void aCommandThatWritesStillInstallsCapture() throws Exception {
        // The other side of the test above: capture removed, a writing command puts it back, so
        // "no trigger after the read-only commands" is not an accident of the set-up.
        Path db = data.resolve("lorehub.db");
        dropCaptureTriggers(db);
        assertThat(cli.run("lore add", "--path", project.toString(), "A second lore").exit()).isZero();
        assertThat(captureTriggers(db)).isNotEmpty();
    }

    /** Drops the capture triggers only (their tables stay, as after lh rebuilt a table of its own). */
    private static void dropCaptureTriggers(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String trigger : captureTriggers(db)) {
                s.execute("DROP TRIGGER \"" + trigger + "\"");
            }
        }
    }

    private static long walBytes(Path db) throws IOException {
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }

    private static List<String> captureTriggers(Path db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery(
                 "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lhsync_capture%'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
