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
 * A device holds a writer's delete, then learns that the writer was removed with a frontier beyond
 * it, without the chain link between them: the delete is undecided (not applied), the lore shows
 * again. When the missing link arrives, the delete lies inside the frontier and is applied again,
 * so lh must stop showing the lore. Before the fix the link was stored but nothing re-materialised
 * the lore the link decided: lh kept showing a lore whose every head is an authorised delete. Found
 * by the simulator (SimBench's scenario, seed 1: {@code --seed 1 --duration 10m --edits 1000 --faults all}).
 */
class ChainLinkDecidesStoredTest extends NodesFixture {
    @Test
    void aStoredDeleteDecidedByALaterChainLinkIsMaterialised() throws Exception {
        Trio trio = foundedRealmWithTwoWriters();
        TestNode founder = trio.founder();
        TestNode writer = trio.writer();
        TestNode member = trio.member();
        String local = trio.founderLocal();
        RealmId realm = trio.realm();
        String lore = founder.lh.addLore(local, "doomed");
        founder.replica.captureLocalChanges(tick());
        for (TestNode n : List.of(writer, member)) {
            Pipe.connect(founder, n, tick());
        }
        String writerRealm = writer.lh.queryString("SELECT id FROM realms");
        writer.lh.addLore(writerRealm, "first");
        EventId first = writer.replica.captureLocalChanges(tick()).get(0).id();
        writer.lh.deleteLore(lore);
        EventId delete = writer.replica.captureLocalChanges(tick()).get(0).id();
        writer.lh.addLore(writerRealm, "another");
        EventId link = writer.replica.captureLocalChanges(tick()).get(0).id(); // the writer's chain: first, delete, link
        Pipe.connect(writer, founder, tick());

        // the member holds the writer's first event and its delete of the founder's lore, not the last link
        member.replica.ingest(List.of(writer.replica.sealed(first).orElseThrow(), writer.replica.sealed(delete).orElseThrow()),
            tick(), "writer");
        assertThat(member.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore)).isEqualTo("0");

        // the founder removes the writer, its frontier the last link; the member gets the removal first
        Set<EventId> before = new HashSet<>(founder.replica.membershipEventIds(realm));
        founder.replica.removeMember(realm, writer.id(), tick());
        List<byte[]> removal = new ArrayList<>();
        for (EventId id : founder.replica.membershipEventIds(realm)) {
            if (!before.contains(id)) {
                removal.add(founder.replica.sealed(id).orElseThrow());
            }
        }
        member.replica.ingest(removal, tick(), "founder");
        assertThat(member.replica.authorized(realm, delete)).as("undecided without the link").isFalse();
        assertThat(member.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore)).as("the lore shows again").isEqualTo("1");

        // the link arrives: the delete lies inside the frontier
        member.replica.ingest(List.of(writer.replica.sealed(link).orElseThrow()), tick(), "founder");
        assertThat(member.replica.authorized(realm, delete)).isTrue();
        assertThat(member.replica.state(realm, EntityKind.LORE, lore).isLive()).isFalse();
        assertThat(member.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", lore)).as("lh follows the fold").isEqualTo("0");
    }
}
