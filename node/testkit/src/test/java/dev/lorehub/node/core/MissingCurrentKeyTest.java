package dev.lorehub.node.core;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member can know of a key epoch it holds no key for (an admin added it while another admin
 * rotated, unaware of it) until an admin wraps the key for it. Meanwhile its lh edits wait as
 * unsynced changes; they must not make every ingest fail (an ingest first captures pending lh
 * edits, in the same transaction), which would keep the device from ever receiving the key.
 */
class MissingCurrentKeyTest extends NodesFixture {
    @Test
    void editsWaitForTheCurrentKeyInsteadOfFailingEveryIngest() throws Exception {
        TestNode founder = node("founder", 1);
        TestNode second = node("second", 2);
        TestNode member = node("member", 3);
        String local = founder.lh.addRealm("api", "/f/api");
        founder.lh.addLore(local, "a first lore");
        founder.replica.captureLocalChanges(tick());
        RealmId realm = founder.replica.shareRealm(local, tick());
        founder.replica.addMember(realm, second.replica.publicKeys(), Role.ADMIN, tick());
        Pipe.connect(founder, second, tick());
        second.replica.mapRealm(realm, "/s/api", tick());
        Pipe.connect(founder, second, tick());
        // concurrently: the founder adds the member, the second admin starts a new epoch without it
        founder.replica.addMember(realm, member.replica.publicKeys(), Role.WRITE, tick());
        second.replica.rotateKey(realm, tick());
        Pipe.connect(second, founder, tick()); // each admin learns of the other's change (no maintenance runs yet)
        Pipe.connect(founder, member, tick());
        member.replica.mapRealm(realm, "/m/api", tick());
        Pipe.connect(founder, member, tick()); // the rotation arrives too: an epoch the member has no key for
        Membership m = member.replica.membership(realm);
        assertThat(member.replica.keyring(realm).orElseThrow().epoch(m.currentEpoch())).isEmpty();

        String memberRealm = member.lh.queryString("SELECT id FROM realms");
        member.lh.addLore(memberRealm, "written without the current key");
        // an ingest captures the edit first: it is kept unsynced, the ingest goes on
        founder.lh.addLore(local, "from the founder");
        EventId fromFounder = founder.replica.captureLocalChanges(tick()).get(0).id();
        Pipe.connect(founder, member, tick());
        assertThat(member.replica.has(fromFounder)).as("the ingest went on").isTrue();
        assertThat(member.replica.unsynced()).hasSize(1);
        // an admin wraps the current key for it; the edit then syncs
        founder.replica.maintainKeys(tick());
        Pipe.connect(founder, member, tick());
        assertThat(member.replica.retryUnsynced(tick())).hasSize(1);
        assertThat(member.replica.unsynced()).isEmpty();
        Pipe.connect(member, founder, tick());
        assertThat(founder.lh.queryString("SELECT count(*) FROM lores WHERE content = 'written without the current key'"))
            .isEqualTo("1");
    }
}
