package dev.lorehub.node.core;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the simulator ({@code --replay 3 --duration 10m --edit-rate 1.666667 --faults all}): a
 * device that was offline while a lore was created under the old key and then edited and deleted
 * under a new one receives the edits first (it cannot read them yet: kept opaque), then, in one
 * transaction, the membership event it was missing, which releases the held creation (stored and
 * applied) and the held rotation that wraps the new key for it (which reveals the edits). The lore
 * must end deleted in lh's table, as its events say, on this device as everywhere else.
 */
class RevealInOneTransactionTest extends NodesFixture {
    static Set<EventId> ids(List<StoredKey> keys) {
        Set<EventId> out = new HashSet<>();
        keys.forEach(k -> out.add(k.id()));
        return out;
    }

    byte[] sealed(TestNode n, EventId id) {
        return n.replica.sealed(id).orElseThrow();
    }

    @Test
    void anEditRevealedInTheTransactionThatStoresTheLoresCreationStillCounts() throws Exception {
        TestNode founder = node("founder", 1);
        TestNode author = node("author", 2);
        TestNode editor = node("editor", 3);
        TestNode victim = node("victim", 4);
        String local = founder.lh.addRealm("api", "/f/api");
        founder.lh.addLore(local, "a first lore");
        founder.replica.captureLocalChanges(tick());
        RealmId realm = founder.replica.shareRealm(local, tick());
        for (TestNode member : List.of(author, editor, victim)) {
            founder.replica.addMember(realm, member.replica.publicKeys(), Role.WRITE, tick());
        }
        for (TestNode member : List.of(author, editor, victim)) {
            Pipe.connect(founder, member, tick());
            member.replica.mapRealm(realm, "/" + member.name + "/api", tick());
            Pipe.connect(founder, member, tick());
        }
        // M1: the founder adds another device; the author and the editor learn of it, the victim does not
        DeviceIdentity other = DeviceIdentity.generate(SeededRandom.of(99));
        EventId m1 = founder.replica.addMember(realm, other.publicKeys(), Role.READ, tick()).id();
        Pipe.connect(founder, author, tick());
        // the author creates a lore under the current key, citing M1
        String authorRealm = author.lh.queryString("SELECT id FROM realms");
        author.lh.addLore(authorRealm, "doomed");
        EventId creation = author.replica.captureLocalChanges(tick()).get(0).id();
        Pipe.connect(author, founder, tick());
        // M2: the founder starts a new key epoch (wrapped for the victim too); the editor edits and deletes the lore under it
        Set<EventId> before = founder.replica.membershipEventIds(realm);
        founder.replica.rotateKey(realm, tick());
        Set<EventId> rotation = new HashSet<>(founder.replica.membershipEventIds(realm));
        rotation.removeAll(before);
        EventId m2 = rotation.iterator().next();
        Pipe.connect(founder, editor, tick());
        String editorRealm = editor.lh.queryString("SELECT id FROM realms");
        String lore = editor.lh.queryString("SELECT id FROM lores WHERE content = 'doomed'");
        editor.lh.updateLore(lore, Map.of("content", "doomed, edited"));
        EventId edit = editor.replica.captureLocalChanges(tick()).get(0).id();
        editor.lh.deleteLore(lore);
        EventId delete = editor.replica.captureLocalChanges(tick()).get(0).id();
        assertThat(editorRealm).isNotNull();

        // the victim gets the edits first: it cannot read them yet
        victim.replica.ingest(List.of(sealed(editor, edit), sealed(editor, delete)), tick(), "editor");
        assertThat(victim.replica.events().get(edit).orElseThrow().opaque()).isTrue();
        // the rotation and the creation wait for M1
        victim.replica.ingest(List.of(sealed(founder, m2)), tick(), "founder");
        victim.replica.ingest(List.of(sealed(author, creation)), tick(), "author");
        assertThat(victim.replica.events().heldCounts()).extracting(LogRows.HeldCount::count).containsExactly(2L);
        // M1 arrives: one transaction stores the creation and reveals the edits
        victim.replica.ingest(List.of(sealed(founder, m1)), tick(), "founder");

        assertThat(victim.replica.state(realm, EntityKind.LORE, lore).isLive()).isFalse();
        assertThat(victim.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore))
            .as("lh shows the lore its events deleted").isEqualTo("0");
        assertThat(victim.digest()).isEqualTo(editor.digest());
    }
}
