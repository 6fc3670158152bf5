package dev.lorehub.node.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two devices (real replicas on real SQLite files, lh writing beside each) change one lore while
 * apart, then sync: an archive and a content edit are both kept; a delete and an edit keep the
 * edit and record a conflict that shows what the edit holds.
 */
class ConcurrentStatusAndDeleteMergeTest {
    @TempDir
    Path tmp;
    long now = 1_764_000_000_000L;
    TestNode a;
    TestNode b;
    String lore;

    @BeforeEach
    void twoDevicesWithOneSharedLore() throws Exception {
        a = new TestNode("a", tmp, 1);
        b = new TestNode("b", tmp, 2);
        String local = a.lh.addRealm("api", "/home/ann/api");
        lore = a.lh.addLore(local, "Cache lookups time out after 200 ms");
        a.replica.captureLocalChanges(tick());
        RealmId realm = a.replica.shareRealm(local, tick());
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, tick());
        Pipe.connect(a, b, tick());
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        Pipe.connect(a, b, tick());
        assertThat(b.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isNotNull();
    }

    @AfterEach
    void close() throws Exception {
        a.close();
        b.close();
    }

    long tick() {
        return now += 1000;
    }

    @Test
    void anArchiveOnOneDeviceAndAContentEditOnTheOtherAreBothKept() throws Exception {
        a.lh.archiveLore(lore);
        b.lh.updateLoreContent(lore, "Cache lookups time out after 250 ms");
        a.replica.captureLocalChanges(tick());
        b.replica.captureLocalChanges(tick());

        Pipe.connect(a, b, tick());

        for (TestNode n : new TestNode[] {a, b}) {
            assertThat(n.lh.queryString("SELECT status FROM lores WHERE id = ?", lore)).as(n.name).isEqualTo("archived");
            assertThat(n.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).as(n.name)
                .isEqualTo("Cache lookups time out after 250 ms");
            assertThat(n.replica.conflicts()).as(n.name).isEmpty();
        }
        assertThat(a.digest()).isEqualTo(b.digest());
    }

    @Test
    void aDeleteVersusEditConflictShowsTheEditsValues() throws Exception {
        a.lh.deleteLore(lore);
        b.lh.updateLoreContent(lore, "Cache lookups time out after 250 ms");
        a.replica.captureLocalChanges(tick());
        b.replica.captureLocalChanges(tick());

        Pipe.connect(a, b, tick());

        for (TestNode n : new TestNode[] {a, b}) {
            assertThat(n.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).as(n.name)
                .isEqualTo("Cache lookups time out after 250 ms");
            LogRows.ConflictRow c = n.replica.conflicts().get(0);
            assertThat(c.type()).isEqualTo("DELETE_VS_EDIT");
            JsonNode versions = new ObjectMapper().readTree(c.versionsJson());
            assertThat(versions).hasSize(2);
            for (JsonNode v : versions) {
                if (v.get("deleted").asBoolean()) {
                    assertThat(v.get("value").isNull()).isTrue();
                } else {
                    assertThat(v.get("value").isObject()).as(c.versionsJson()).isTrue();
                    assertThat(v.get("value").get("content").asText()).isEqualTo("Cache lookups time out after 250 ms");
                    assertThat(v.get("value").get("status").asText()).isEqualTo("living");
                }
            }
        }
    }
}
