package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event held for its stamp (its author's clock runs ahead) stays aside untouched until it falls
 * due: events stored in its realm meanwhile do not re-examine it (each re-examination verified,
 * decrypted and held it again; with a clock skewed ahead that was ~7% of the simulator's time), and
 * maintenance then stores it once due. The hold's detail, written when it was held, shows it.
 */
class FutureHeldWaitsUntilDueTest extends NodesFixture {
    private static final long MINUTE = 60_000L;

    @Test
    void anEventStampedAheadIsNotReexaminedByLaterArrivalsAndIsStoredOnceDue() throws Exception {
        Trio trio = foundedRealmWithTwoWriters();
        TestNode founder = trio.founder();
        TestNode writer = trio.writer();
        TestNode member = trio.member();
        String local = trio.founderLocal();
        RealmId realm = trio.realm();
        String writerRealm = writer.lh.queryString("SELECT id FROM realms");
        String early = writer.lh.addLore(writerRealm, "written with the clock hours ahead");
        EventId ahead = writer.replica.captureLocalChanges(now + 150 * MINUTE).get(0).id();
        long heldAt = tick();
        assertThat(member.replica.ingest(List.of(writer.replica.sealed(ahead).orElseThrow()), heldAt, "writer").held()).isEqualTo(1);
        String detail = onlyHold(member).example();
        assertThat(detail).startsWith("stamped 149 min ahead"); // events up to an hour ahead are taken at once

        // half an hour later the founder, its clock right, writes in the realm: stored at once
        now += 30 * MINUTE;
        String later = founder.lh.addLore(local, "written with the clock right");
        EventId rightNow = founder.replica.captureLocalChanges(tick()).get(0).id();
        assertThat(member.replica.ingest(List.of(founder.replica.sealed(rightNow).orElseThrow()), now, "founder").stored())
            .hasSize(1);
        // the held event was left as it was held (re-examined, it would say "stamped 119 min ahead" now)
        assertThat(onlyHold(member).example()).isEqualTo(detail);
        assertThat(member.replica.nextHeldRelease()).isPresent();

        // once due, maintenance stores it
        member.replica.releaseHeld(heldAt + 91 * MINUTE);
        assertThat(member.replica.events().heldCounts()).isEmpty();
        assertThat(member.lh.queryString("SELECT content FROM lores WHERE id = ?", early))
            .isEqualTo("written with the clock hours ahead");
        assertThat(member.lh.queryString("SELECT content FROM lores WHERE id = ?", later)).isEqualTo("written with the clock right");
    }

    private static LogRows.HeldCount onlyHold(TestNode n) throws Exception {
        List<LogRows.HeldCount> holds = n.replica.events().heldCounts();
        assertThat(holds).hasSize(1);
        assertThat(holds.get(0).reason()).isEqualTo("FUTURE");
        assertThat(holds.get(0).count()).isEqualTo(1);
        return holds.get(0);
    }
}
