package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing silently lost or changed (issue 12, items 1, 2 and 4), on real SQLite files with an
 * lh-style writer: an edit made while the node was not looking keeps the time it was made; a
 * write this device may not sync stays visible and syncs once it may; lh's rows stay exactly as
 * lh wrote them, on the author's device and on its peers. The capture triggers read SQLite's own
 * clock, so these tests run on real time.
 */
class LocalTruthTest {
    @TempDir
    Path tmp;
    TestNode d;
    TestNode e;
    RealmId realm;
    String dRealm;
    String eRealm;

    static long now() {
        return System.currentTimeMillis();
    }

    /** Waits (bounded) until the wall clock has moved on, so two edits get different times. */
    static void letTimePass(long millis) {
        long until = now() + millis;
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> now() >= until);
    }

    @BeforeEach
    void twoDevicesInSync() throws Exception {
        d = new TestNode("d", tmp, 21);
        e = new TestNode("e", tmp, 22);
        dRealm = d.lh.addRealm("api", "/d/api");
        realm = d.replica.shareRealm(dRealm, now());
        d.replica.addMember(realm, e.replica.publicKeys(), Role.WRITE, now());
        Pipe.connect(d, e, now());
        e.replica.mapRealm(realm, "/e/api", now());
        Pipe.connect(d, e, now());
        eRealm = e.lh.queryString("SELECT id FROM realms");
    }

    @AfterEach
    void close() throws Exception {
        d.close();
        e.close();
    }

    String newLoreOnBoth() throws Exception {
        String lore = d.lh.addLore(dRealm, "a lore both devices hold");
        d.replica.captureLocalChanges(now());
        Pipe.connect(d, e, now());
        assertThat(e.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore)).isEqualTo("1");
        return lore;
    }

    @Test
    void anOlderOfflineEditLosesToANewerOneWhateverTheOrderOfCapture() throws Exception {
        String lore = newLoreOnBoth();
        // e's node is stopped: lh writes, nobody captures yet
        e.lh.updateLore(lore, Map.of("confidence", 11));
        letTimePass(30);
        d.lh.updateLore(lore, Map.of("confidence", 22));
        d.replica.captureLocalChanges(now());
        String dUpdated = d.lh.queryString("SELECT updated_at FROM lores WHERE id = ?", lore);
        letTimePass(30);
        // e starts later: its older edit is captured now, but keeps the time it was made
        e.replica.captureLocalChanges(now());
        Pipe.connect(d, e, now());
        for (TestNode n : List.of(d, e)) {
            assertThat(n.lh.queryString("SELECT confidence FROM lores WHERE id = ?", lore)).as(n.name).isEqualTo("22");
            assertThat(n.lh.queryString("SELECT updated_at FROM lores WHERE id = ?", lore)).as(n.name).isEqualTo(dUpdated);
        }
    }

    @Test
    void aNewerOfflineEditWinsWhenItIsCapturedLast() throws Exception {
        String lore = newLoreOnBoth();
        d.lh.updateLore(lore, Map.of("confidence", 22));
        d.replica.captureLocalChanges(now());
        letTimePass(30);
        e.lh.updateLore(lore, Map.of("confidence", 11)); // made later, while e's node was stopped
        String eUpdated = e.lh.queryString("SELECT updated_at FROM lores WHERE id = ?", lore);
        Pipe.connect(d, e, now()); // d's older edit arrives first; e's lh change is captured in the same transaction
        Pipe.connect(d, e, now());
        for (TestNode n : List.of(d, e)) {
            assertThat(n.lh.queryString("SELECT confidence FROM lores WHERE id = ?", lore)).as(n.name).isEqualTo("11");
            assertThat(n.lh.queryString("SELECT updated_at FROM lores WHERE id = ?", lore)).as(n.name).isEqualTo(eUpdated);
        }
    }

    @Test
    void aWriteWithoutTheWriteRoleStaysVisibleAndSyncsOnceGranted() throws Exception {
        d.replica.setRole(realm, e.id(), Role.READ, now());
        Pipe.connect(d, e, now());
        String lore = e.lh.addLore(eRealm, "written while reading only");
        e.replica.captureLocalChanges(now());
        List<LogRows.UnsyncedRow> unsynced = e.replica.unsynced();
        assertThat(unsynced).extracting(LogRows.UnsyncedRow::entity).containsExactly(lore);
        assertThat(unsynced.get(0).reason()).contains("read role");
        assertThat(e.replica.whyNotWritable(eRealm)).get().asString().contains("read role");
        Pipe.connect(d, e, now());
        assertThat(d.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore)).isEqualTo("0");
        assertThat(e.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore)).isEqualTo("1"); // still there
        // nothing syncs while the role is missing; once granted, it syncs by itself
        assertThat(e.replica.retryUnsynced(now())).isEmpty();
        d.replica.setRole(realm, e.id(), Role.WRITE, now());
        Pipe.connect(d, e, now());
        assertThat(e.replica.retryUnsynced(now())).hasSize(1);
        assertThat(e.replica.unsynced()).isEmpty();
        Pipe.connect(d, e, now());
        assertThat(d.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isEqualTo("written while reading only");
    }

    @Test
    void unsyncedChangesCanBeGivenUp() throws Exception {
        String kept = newLoreOnBoth();
        d.replica.setRole(realm, e.id(), Role.READ, now());
        Pipe.connect(d, e, now());
        String added = e.lh.addLore(eRealm, "to be discarded");
        e.lh.deleteLore(kept);
        e.replica.captureLocalChanges(now());
        assertThat(e.replica.unsynced()).hasSize(2);
        assertThat(e.replica.discardUnsynced(null, now())).isEqualTo(2);
        assertThat(e.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", added)).isEqualTo("0");
        assertThat(e.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", kept)).isEqualTo("1");
        assertThat(e.replica.unsynced()).isEmpty();
        assertThat(e.digest()).isEqualTo(d.digest());
    }

    @Test
    void lhsRowsStayExactlyAsLhWroteThemOnEveryDevice() throws Exception {
        String lore = "7b1c0a3e-5d2f-4a6b-8c9d-0e1f2a3b4c5d";
        d.lh.update("INSERT INTO lores (id, realm_id, content, why, type, provinces, sigils, confidence, origin, status, "
                + "created_at, updated_at) VALUES (?, ?, ?, NULL, 'wisdom', ?, ?, 150, ?, 'living', ?, ?)",
            lore, dRealm, "kept as typed", "[\"x\",\"\",\"y\"]", "[\"storage\",\"sql\",\"a\",\"a\",\"b\"]",
            "{\"type\":\"manual\",\"reference\":\"cli\"}", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.000Z");
        String select = "SELECT content, provinces, sigils, confidence, origin, status, created_at, updated_at FROM lores "
            + "WHERE id = ?";
        String asWritten = row(d, select, lore);
        d.replica.captureLocalChanges(now());
        assertThat(row(d, select, lore)).as("the author's row after capture").isEqualTo(asWritten);
        Pipe.connect(d, e, now());
        assertThat(row(e, select, lore)).as("the peer's row").isEqualTo(asWritten);
        assertThat(row(d, select, lore)).isEqualTo(asWritten);
        // a concurrent add and remove: the merge keeps the author's order for what is still there
        d.lh.update("UPDATE lores SET sigils = ? WHERE id = ?", "[\"storage\",\"sql\",\"a\",\"a\",\"b\",\"c\"]", lore);
        e.lh.update("UPDATE lores SET sigils = ? WHERE id = ?", "[\"storage\",\"a\",\"a\",\"b\"]", lore);
        d.replica.captureLocalChanges(now());
        e.replica.captureLocalChanges(now());
        Pipe.connect(d, e, now());
        String merged = d.lh.queryString("SELECT sigils FROM lores WHERE id = ?", lore);
        assertThat(e.lh.queryString("SELECT sigils FROM lores WHERE id = ?", lore)).isEqualTo(merged);
        assertThat(merged).isIn("[\"storage\",\"a\",\"a\",\"b\",\"c\"]");
        assertThat(e.digest()).isEqualTo(d.digest());
    }

    private static String row(TestNode n, String select, String id) throws Exception {
        try (var ps = n.lh.connection().prepareStatement(select)) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                return sb.toString();
            }
        }
    }
}
