package dev.lorehub.node.core;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An invitation that shows no grant to this device is forgotten after a grace period, but not
 * while its membership is still arriving: a device invited long ago, then removed and re-added
 * while it slept, first sees its removal (no grant) and only later the re-grant, which may even
 * be held because the admin's clock runs ahead. Pruning then would delete the held re-grant for
 * good (the peers' sessions already sent it), and the device would never join. Found by the
 * simulator (seed 17 of the swarm sweep: a 40-minute sleep, an admin clock 80 min ahead).
 */
class InvitationPruneTest extends NodesFixture {
    static final long MINUTE = 60_000L;

    final long start = 1_764_000_000_000L;

    @Test
    void anInvitationWhoseReGrantIsStillArrivingIsKept() throws Exception {
        TestNode founder = node("founder", 1);
        TestNode member = node("member", 2);
        String local = founder.lh.addRealm("api", "/f/api");
        founder.lh.addLore(local, "a first lore");
        founder.replica.captureLocalChanges(start);
        RealmId realm = founder.replica.shareRealm(local, start + 1000);
        founder.replica.addMember(realm, member.replica.publicKeys(), Role.WRITE, start + 2000);
        Pipe.connect(founder, member, start + 3000); // an invitation here, with a grant
        assertThat(member.replica.invitations()).extracting(Replica.Invitation::realm).containsExactly(realm);

        // while the member sleeps: removed, then re-added by an admin whose clock runs 130 min ahead
        founder.replica.removeMember(realm, member.id(), start + 4000);
        founder.replica.addMember(realm, member.replica.publicKeys(), Role.WRITE, start + 150 * MINUTE);

        long woke = start + 20 * MINUTE;
        Pipe.connect(founder, member, woke); // the removal is admitted, the re-grant held (stamped ahead)
        assertThat(member.replica.membership(realm).role(member.id())).isEmpty();

        member.replica.pruneInvitations(woke + 1000);
        assertThat(member.replica.realms()).as("membership arrived just now").containsKey(realm);
        member.replica.pruneInvitations(woke + 15 * MINUTE);
        assertThat(member.replica.realms()).as("a held event of it falls due later").containsKey(realm);

        member.replica.releaseHeld(start + 91 * MINUTE); // the member's clock reaches the re-grant
        assertThat(member.replica.membership(realm).role(member.id())).contains(Role.WRITE);
        assertThat(member.replica.invitations()).extracting(Replica.Invitation::realm).containsExactly(realm);
        member.replica.pruneInvitations(start + 200 * MINUTE);
        assertThat(member.replica.realms()).as("a granted invitation stays").containsKey(realm);
    }
}
