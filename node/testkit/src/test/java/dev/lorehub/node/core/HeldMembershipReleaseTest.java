package dev.lorehub.node.core;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Membership events held for their stamp (an admin whose clock ran an hour ahead) can be released
 * by any later ingest, not only by maintenance. Found by the simulator ({@code --replay 10 --faults
 * all}): a rotation released that way was admitted, but the keys it wraps for this device were never
 * unwrapped, so the device knew of an epoch it had no key for and every later ingest that captured an
 * lh edit failed ("does not hold the key of ... current epoch"), ending its sessions.
 */
class HeldMembershipReleaseTest extends NodesFixture {
    static final long HOUR = 3_600_000L;

    @Test
    void aRotationReleasedByAnIngestOfDataUnwrapsItsKey() throws Exception {
        TestNode admin = node("admin", 1);
        TestNode writer = node("writer", 2);
        TestNode victim = node("victim", 3);
        String local = admin.lh.addRealm("api", "/a/api");
        admin.lh.addLore(local, "a first lore");
        admin.replica.captureLocalChanges(now += 1000);
        RealmId realm = admin.replica.shareRealm(local, now += 1000);
        admin.replica.addMember(realm, writer.replica.publicKeys(), Role.WRITE, now += 1000);
        admin.replica.addMember(realm, victim.replica.publicKeys(), Role.WRITE, now += 1000);
        for (TestNode member : List.of(writer, victim)) {
            Pipe.connect(admin, member, now += 1000);
            member.replica.mapRealm(realm, "/" + member.name + "/api", now += 1000);
            Pipe.connect(admin, member, now += 1000);
        }
        // the admin's clock runs two hours ahead: its rotation is stamped then
        Set<EventId> before = new HashSet<>(admin.replica.membershipEventIds(realm));
        admin.replica.rotateKey(realm, now + 2 * HOUR);
        Set<EventId> rotation = new HashSet<>(admin.replica.membershipEventIds(realm));
        rotation.removeAll(before);
        EventId rotate = rotation.iterator().next();
        IngestResult held = victim.replica.ingest(List.of(admin.replica.sealed(rotate).orElseThrow()), now += 1000, "admin");
        assertThat(held.held()).isEqualTo(1);
        // an hour and more later the rotation is due; a writer's new lore arrives before any maintenance ran
        now += HOUR + 5 * 60_000L;
        String writerRealm = writer.lh.queryString("SELECT id FROM realms");
        writer.lh.addLore(writerRealm, "written meanwhile");
        EventId lore = writer.replica.captureLocalChanges(now).get(0).id();
        victim.replica.ingest(List.of(writer.replica.sealed(lore).orElseThrow()), now += 1000, "writer");

        Membership m = victim.replica.membership(realm);
        assertThat(m.contains(rotate)).as("the rotation was released and admitted").isTrue();
        assertThat(victim.replica.keyring(realm).orElseThrow().epoch(m.currentEpoch()))
            .as("the key of the epoch the device now knows of").isPresent();
        // and the device keeps writing: an lh edit is captured under the new key
        String victimRealm = victim.lh.queryString("SELECT id FROM realms");
        victim.lh.addLore(victimRealm, "still writing");
        assertThat(victim.replica.captureLocalChanges(now += 1000)).hasSize(1);
    }
}
