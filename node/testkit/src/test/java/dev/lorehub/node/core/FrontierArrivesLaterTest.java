package dev.lorehub.node.core;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A removed writer's events, and the removal itself, held for their stamps (the writer's clock ran
 * an hour ahead) are released together by maintenance once due. Events that then wait for links of
 * the writer's chain released in the same pass must be decided in that pass: inside the removal's
 * frontier, they are stored and applied. Found by the simulator ({@code --replay 39 --faults all},
 * before the fix): one such event waited for ever, since only an ingest of new data re-examined
 * waiting events, and that device never converged.
 */
class FrontierArrivesLaterTest extends NodesFixture {
    @Test
    void eventsHeldForTheirStampWithTheirRemovalAreAllDecidedWhenMaintenanceReleasesThem() throws Exception {
        Trio trio = foundedRealmWithTwoWriters();
        TestNode founder = trio.founder();
        TestNode writer = trio.writer();
        TestNode member = trio.member();
        RealmId realm = trio.realm();
        String writerRealm = writer.lh.queryString("SELECT id FROM realms");
        String lore = writer.lh.addLore(writerRealm, "early");
        writer.replica.captureLocalChanges(tick());
        Pipe.connect(writer, founder, tick());
        Pipe.connect(founder, member, tick());
        long ahead = now + 64 * 60_000L;
        List<EventId> late = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            writer.lh.updateLoreContent(lore, "late " + i);
            late.add(writer.replica.captureLocalChanges(ahead += 1000).get(0).id());
        }
        List<byte[]> held = new ArrayList<>();
        for (EventId id : late) {
            held.add(writer.replica.sealed(id).orElseThrow());
        }
        founder.replica.ingest(held, now + 5 * 60_000L, "writer");
        Set<EventId> before = new HashSet<>(founder.replica.membershipEventIds(realm));
        founder.replica.removeMember(realm, writer.id(), now + 5 * 60_000L + 1000);
        Set<EventId> removal = new HashSet<>(founder.replica.membershipEventIds(realm));
        removal.removeAll(before);
        for (EventId id : removal) {
            held.add(founder.replica.sealed(id).orElseThrow());
        }
        // the member, its clock true, holds the late events and the removal (stamped after them) for their stamps
        assertThat(member.replica.ingest(held, tick(), "founder").held()).isEqualTo(held.size());
        // a few minutes later maintenance finds them due: the removal and every event inside its frontier are stored
        member.replica.releaseHeld(now + 6 * 60_000L);

        assertThat(member.replica.events().heldCounts()).isEmpty();
        assertThat(member.lh.queryString("SELECT content FROM lores WHERE id = ?", lore)).isEqualTo("late 4");
    }
}
