package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Undo writes new events that every device applies: one lore back to a time or a version, a whole
 * realm back to a time after a mass deletion made by another tool (as lh 0.2.2's `lh import` in
 * replace mode does), which capture flags.
 */
class UndoTest {
    @TempDir
    Path tmp;
    TestNode a;
    TestNode b;
    RealmId realm;
    String localA;

    /** Real wall time: capture stamps lh's changes with SQLite's clock. */
    static long now() {
        return System.currentTimeMillis();
    }

    /** Waits until the wall clock has moved past {@code t} (ms), so "before" and "after" differ. */
    static long after(long t) {
        long n;
        do {
            n = now();
        } while (n <= t + 2);
        return n;
    }

    @BeforeEach
    void setUp() throws Exception {
        a = new TestNode("a", tmp, 21);
        b = new TestNode("b", tmp, 22);
        localA = a.lh.addRealm("api", "/a/api");
        realm = a.replica.shareRealm(localA, now());
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, now());
        Pipe.connect(a, b, now());
        b.replica.mapRealm(realm, "/b/api", now());
    }

    @AfterEach
    void tearDown() throws Exception {
        a.close();
        b.close();
    }

    private void capture(TestNode n) {
        while (n.replica.captureLocalChanges(now()).size() > 0) {
            // a large change takes several batches
        }
    }

    @Test
    void oneLoreGoesBackToATimeAndToAVersion() throws Exception {
        String lore = a.lh.addLore(localA, "first words");
        capture(a);
        long t1 = after(now());
        after(t1);
        a.lh.updateLoreContent(lore, "second words");
        capture(a);
        String v2 = a.replica.events().eventsOf(EntityKind.LORE, lore).stream()
            .max(java.util.Comparator.comparingLong(dev.lorehub.node.core.StoredEvent::hlc)).map(e -> e.id())
            .orElseThrow().toString();
        after(now());
        a.lh.updateLoreContent(lore, "third words");
        capture(a);
        Pipe.connect(a, b, now());

        Replica.UndoResult r = b.replica.undoLore(lore.substring(0, 8), t1, null, after(now()));
        assertThat(r.changed()).isEqualTo(1);
        assertThat(b.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isEqualTo("first words");
        Pipe.connect(a, b, now());
        assertThat(a.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isEqualTo("first words");

        a.replica.undoLore(lore, 0, v2.substring(0, 12), after(now()));
        assertThat(a.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isEqualTo("second words");
        assertThat(a.replica.undoLore(lore, 0, v2.substring(0, 12), after(now())).changed()).as("already there").isZero();
        Pipe.connect(a, b, now());
        assertThat(b.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isEqualTo("second words");
        assertThat(a.digest()).isEqualTo(b.digest());
        assertThatThrownBy(() -> a.replica.undoLore(lore, 0, "ffffffffffff", now())).isInstanceOf(ReplicaException.class)
            .hasMessageContaining("No version");
    }

    @Test
    void aMassDeletionIsFlaggedAndOneUndoBringsEverythingBackOnEveryDevice() throws Exception {
        for (int i = 0; i < 300; i++) {
            a.lh.addLore(localA, "lore number " + i);
        }
        String x = a.lh.queryString("SELECT id FROM lores WHERE content = 'lore number 1'");
        String y = a.lh.queryString("SELECT id FROM lores WHERE content = 'lore number 2'");
        a.lh.addRelation(x, y, "supports");
        capture(a);
        Pipe.connect(a, b, now());
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("300");
        long before = after(now());
        after(before);

        // `lh import` in replace mode: every lore deleted in one transaction (then it may fail and exit 0)
        a.lh.update("DELETE FROM lores WHERE realm_id = ?", localA);
        capture(a);
        Pipe.connect(a, b, now());
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("0");
        List<LogRows.MassDeleteRow> flagged = a.replica.massDeletions();
        assertThat(flagged).singleElement().satisfies(m -> {
            assertThat(m.lores()).isEqualTo(300);
            assertThat(m.firstAt()).isGreaterThan(before);
            assertThat(m.undone()).isFalse();
        });

        assertThat(b.replica.openMassDeletions()).as("flagged where the deletions arrived too").singleElement()
            .satisfies(m -> assertThat(m.stillDeleted()).isEqualTo(300));
        assertThat(a.replica.openMassDeletions()).singleElement().satisfies(m -> assertThat(m.undoTo()).isGreaterThanOrEqualTo(before));

        // one command on either device; here the other one
        Replica.UndoResult r = b.replica.undoRealm(realm, before, after(now()), ProgressListener.NONE);
        assertThat(r.changed()).isEqualTo(300);
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("300");
        assertThat(b.lh.queryString("SELECT count(*) FROM lore_relations")).isEqualTo("1");
        Pipe.connect(a, b, now());
        assertThat(a.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("300");
        assertThat(a.lh.queryString("SELECT count(*) FROM lore_relations")).isEqualTo("1");
        assertThat(a.digest()).isEqualTo(b.digest());
        assertThat(b.replica.openMassDeletions()).isEmpty();
        assertThat(a.replica.openMassDeletions()).as("its lores are back").isEmpty();
    }

    @Test
    void aRealmUndoDeletesWhatWasCreatedSince() throws Exception {
        String old = a.lh.addLore(localA, "was there");
        capture(a);
        long t = after(now());
        after(t);
        String fresh = a.lh.addLore(localA, "came later");
        a.lh.updateLoreContent(old, "was there, edited");
        capture(a);
        a.replica.undoRealm(realm, t, after(now()), ProgressListener.NONE);
        assertThat(a.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", fresh)).isEqualTo("0");
        assertThat(a.lh.queryString("SELECT content FROM lores WHERE id = ?", old)).isEqualTo("was there");
    }
}
