package dev.lorehub.node.cli;

import dev.lorehub.node.store.LhWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * `doctor` on a real data directory damaged in each way lh 0.2.2 (or a user) can damage it, and
 * `doctor --repair` putting lh's tables back from the synced history, after a backup. Exit codes per
 * class of finding: 21 tables, 22 capture or migration record, 23 permissions, 24 damaged events,
 * 25 damaged database file.
 */
class DoctorCliTest {
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36})");

    @TempDir
    Path tmp;
    Path data;
    Path db;
    Path project;
    CliRunner cli;
    final List<String> lores = new ArrayList<>();

    @BeforeEach
    void device() throws Exception {
        data = tmp.resolve("data");
        db = data.resolve("lorehub.db");
        project = Files.createDirectories(tmp.resolve("work/api"));
        cli = new CliRunner(data);
        ok(cli.run("init", "--name", "ann-laptop"));
        Files.writeString(data.resolve("node/node.json"), "{ \"enabled\": false }");
        for (String text : List.of("Every HTTP call to billing goes through the retry helper", "Staging resets on Mondays",
            "Cache lookups time out after 200 ms")) {
            Matcher m = LORE_ID.matcher(ok(cli.run("lore add", "--path", project.toString(), "--sigil", "api", text)).out());
            assertThat(m.find()).isTrue();
            lores.add(m.group(1));
        }
        ok(cli.run("realm share", project.toString()));
        assertThat(ok(cli.run("doctor")).out()).contains("No problems found");
    }

    private static CliRunner.Result ok(CliRunner.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = LhWriter.connectAsLh(db); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private String one(String query) throws Exception {
        try (Connection c = LhWriter.connectAsLh(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void dropCaptureTriggers() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = LhWriter.connectAsLh(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'lhsync_capture_%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertThat(names).isNotEmpty();
        sql(names.stream().map(n -> "DROP TRIGGER \"" + n + "\"").toArray(String[]::new));
    }

    private List<Path> repairBackups() throws Exception {
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(p -> p.getFileName().toString().startsWith("lorehub.db.before-repair-")).toList();
        }
    }

    @Test
    void rowsDeletedBehindTheNodesBackWithTriggersDroppedComeBack() throws Exception {
        dropCaptureTriggers();
        sql("DELETE FROM lores WHERE id = '" + lores.get(0) + "'", "DELETE FROM lores WHERE id = '" + lores.get(1) + "'");

        CliRunner.Result check = cli.run("doctor");
        assertThat(check.exit()).as(check.toString()).isEqualTo(22);
        assertThat(check.out()).contains("Change capture is not installed").contains("2 difference(s)")
            .contains(lores.get(0)).contains("missing from lh's tables");

        CliRunner.Result repair = cli.run("doctor", "--repair");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.out()).contains("Backed up lorehub.db to").contains("No problems found");
        assertThat(one("SELECT count(*) FROM lores")).isEqualTo("3");
        assertThat(one("SELECT content FROM lores WHERE id = '" + lores.get(0) + "'"))
            .isEqualTo("Every HTTP call to billing goes through the retry helper");
        assertThat(repairBackups()).singleElement().satisfies(b -> assertThat(b).isNotEmptyFile());
        // capture works again: an lh edit now becomes an event
        sql("UPDATE lores SET content = 'Staging resets on Mondays at 06:00' WHERE id = '" + lores.get(1) + "'");
        assertThat(one("SELECT count(*) FROM lhsync_capture")).isEqualTo("1");
    }

    @Test
    void aCorruptedRowIsRewrittenFromTheSyncedHistory() throws Exception {
        dropCaptureTriggers();
        sql("UPDATE lores SET sigils = '{not json', content = 'garbled' WHERE id = '" + lores.get(2) + "'");
        ok(cli.run("doctor", "--repair")); // capture first, so what follows is lh's damage seen by capture too
        sql("UPDATE lores SET sigils = '{not json' WHERE id = '" + lores.get(2) + "'"); // lh writing junk, capture on
        CliRunner.Result check = cli.run("doctor");
        assertThat(check.exit()).as(check.toString()).isEqualTo(21);
        assertThat(check.out()).contains("lh cannot read").contains("sigils");
        ok(cli.run("doctor", "--repair"));
        assertThat(one("SELECT sigils FROM lores WHERE id = '" + lores.get(2) + "'")).isEqualTo("[\"api\"]");
        assertThat(one("SELECT content FROM lores WHERE id = '" + lores.get(2) + "'")).isEqualTo("Cache lookups time out after 200 ms");
        assertThat(ok(cli.run("doctor")).out()).contains("No problems found");
    }

    @Test
    void replaceModeImportIsAMassDeletionThatStatusOffersToUndo() throws Exception {
        for (int i = 0; i < 40; i++) {
            ok(cli.run("lore add", "--path", project.toString(), "imported lore " + i));
        }
        String realm = one("SELECT hex(realm) FROM lhsync_realms").toLowerCase();
        capture();
        waitPastMillisecond();
        // lh import (replace mode): delete every lore, then fail ("UNIQUE constraint failed: realms.path") and exit 0
        sql("DELETE FROM lores");
        capture();
        CliRunner.Result status = ok(cli.run("status"));
        Matcher undo = Pattern.compile("Undo: (lorehub-node undo --realm \\S+ --to \\S+)").matcher(status.out());
        assertThat(undo.find()).as(status.out()).isTrue();
        assertThat(status.out()).contains("43 lore(s) deleted");
        CliRunner.Result doctor = ok(cli.run("doctor"));
        assertThat(doctor.out()).contains("were deleted together").contains(undo.group(1));

        String[] words = undo.group(1).split(" ");
        CliRunner.Result r = ok(cli.run(words[1], java.util.Arrays.copyOfRange(words, 2, words.length)));
        assertThat(r.out()).contains("Brought 43 of 43");
        assertThat(one("SELECT count(*) FROM lores")).isEqualTo("43");
        assertThat(ok(cli.run("status")).out()).doesNotContain("Mass deletions");
        assertThat(realm).isNotBlank();
    }

    /** What a running node does every 50 ms: turn what lh changed into events. */
    private void capture() {
        try (dev.lorehub.node.runtime.NodeView v = dev.lorehub.node.runtime.NodeView.open(new dev.lorehub.node.runtime.NodeHome(data))) {
            for (int i = 0; i < 100 && !v.replica().captureLocalChanges(System.currentTimeMillis()).isEmpty(); i++) {
                // several batches for a large change
            }
        }
    }

    private static void waitPastMillisecond() {
        long t = System.currentTimeMillis();
        while (System.currentTimeMillis() <= t + 2) {
            Thread.onSpinWait();
        }
    }

    @Test
    void filesReadableByOthersAreMadePrivate() throws Exception {
        assumeThat(tmp.getFileSystem().supportedFileAttributeViews()).as("POSIX file permissions").contains("posix");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        CliRunner.Result check = cli.run("doctor");
        assertThat(check.exit()).isEqualTo(23);
        assertThat(check.out()).contains("chmod 600");
        ok(cli.run("doctor", "--repair"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
    }

    @Test
    void aDamagedEventIsDroppedAndTheRestStays() throws Exception {
        ok(cli.run("lore edit", lores.get(0), "--content", "edited once"));
        capture();
        // one byte of the newest event changed on disk (its first: the envelope version, 1 becomes 0xfe)
        sql("UPDATE lhsync_events SET sealed = CAST(x'fe' || substr(sealed, 2) AS BLOB) "
            + "WHERE seq = (SELECT max(seq) FROM lhsync_events)");
        assertThat(one("SELECT hex(substr(sealed, 1, 1)) FROM lhsync_events WHERE seq = (SELECT max(seq) FROM lhsync_events)"))
            .isEqualTo("FE");
        CliRunner.Result check = cli.run("doctor");
        assertThat(check.exit()).as(check.toString()).isEqualTo(24);
        assertThat(check.out()).contains("do not hash to its id");
        CliRunner.Result repair = cli.run("doctor", "--repair");
        assertThat(repair.out()).contains("Removed 1 damaged event(s)");
        assertThat(repair.exit()).as(repair.toString()).isZero();
    }

    @Test
    void aDamagedDatabaseFileIsReportedNotTouched() throws Exception {
        sql("PRAGMA wal_checkpoint(TRUNCATE)");
        long size = Files.size(db);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            for (long at = 4096 * 2; at < size; at += 4096) {
                f.seek(at);
                f.write(new byte[] {(byte) 0x99, 0x42, 0x42, 0x42, 0x42}); // no valid b-tree page type: every page after the first two
            }
        }
        CliRunner.Result check = cli.run("doctor");
        assertThat(check.exit()).as(check.toString()).isEqualTo(25);
        assertThat(check.out()).contains("restore it from a backup");
        assertThat(cli.run("doctor", "--repair").exit()).isEqualTo(25);
    }
}
