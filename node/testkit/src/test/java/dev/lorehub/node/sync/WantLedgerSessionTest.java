package dev.lorehub.node.sync;

import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new event offered to a device by two peers is asked of one of them (the node's sessions share a
 * {@link WantLedger}); a peer that offers an event and never sends it delays it by at most the ledger's
 * claim timeout, and not at all once its session ends.
 */
class WantLedgerSessionTest extends NodesFixture {
    Trio trio;
    TestNode founder;
    TestNode writer;
    TestNode member;
    WantLedger ledger;
    /** The member's sessions to the founder and to the writer, and their other ends. */
    SyncSession memberToFounder;
    SyncSession founderToMember;
    SyncSession memberToWriter;
    SyncSession writerToMember;
    List<StoredKey> fresh;

    @BeforeEach
    void aNewEventOnTheFounderThatTheWriterHasAndTheMemberLacks() throws Exception {
        trio = foundedRealmWithTwoWriters();
        founder = trio.founder();
        writer = trio.writer();
        member = trio.member();
        ledger = new WantLedger(2_000, 1_000);
        memberToFounder = new SyncSession(member.store, SessionConfig.defaults(), true, founder.id(), ledger);
        founderToMember = new SyncSession(founder.store, SessionConfig.defaults(), false, member.id());
        memberToWriter = new SyncSession(member.store, SessionConfig.defaults(), true, writer.id(), ledger);
        writerToMember = new SyncSession(writer.store, SessionConfig.defaults(), false, member.id());
        long t = tick();
        for (SyncSession s : List.of(memberToFounder, founderToMember, memberToWriter, writerToMember)) {
            s.start(t);
        }
        Pipe.run(memberToFounder, founderToMember, t);
        Pipe.run(memberToWriter, writerToMember, t);
        assertThat(memberToFounder.isOpen()).isTrue();
        assertThat(memberToWriter.isOpen()).isTrue();

        founder.lh.addLore(trio.founderLocal(), "offered by two peers");
        fresh = founder.replica.captureLocalChanges(tick());
        assertThat(fresh).hasSize(1);
        Pipe.connect(founder, writer, tick()); // the writer has it now; the member does not
        assertThat(writer.replica.has(fresh.get(0).id())).isTrue();
    }

    /** Delivers one peer's Offer of the fresh event and returns the member's answer: the frames it would send. */
    List<SyncMessage> offer(SyncSession peerSide, SyncSession memberSide, long at) {
        peerSide.onLocalChange(fresh);
        memberSide.onFrame(peerSide.pollFrame(), at);
        return drain(memberSide);
    }

    static List<SyncMessage> drain(SyncSession s) {
        List<SyncMessage> out = new ArrayList<>();
        for (byte[] f = s.pollFrame(); f != null; f = s.pollFrame()) {
            out.add(new SyncCodec().decode(f));
        }
        return out;
    }

    @Test
    void anEventOfferedByTwoPeersIsAskedOfTheFirstOnly() {
        long t = now;
        assertThat(offer(founderToMember, memberToFounder, t)).hasAtLeastOneElementOfType(SyncMessage.Want.class);
        assertThat(offer(writerToMember, memberToWriter, t + 10)).noneMatch(m -> m instanceof SyncMessage.Want);
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void aPeerThatOffersAndNeverSendsDelaysTheEventOnlyUntilTheClaimTimesOut() throws Exception {
        long t = now;
        offer(founderToMember, memberToFounder, t); // the founder will never answer this Want
        offer(writerToMember, memberToWriter, t + 10);
        assertThat(memberToWriter.nextTimer()).isEqualTo(t + 2_000);

        memberToWriter.onTimer(t + 1_999);
        assertThat(drain(memberToWriter)).noneMatch(m -> m instanceof SyncMessage.Want);
        memberToWriter.onTimer(t + 2_000);
        List<SyncMessage> asked = drain(memberToWriter);
        assertThat(asked).hasAtLeastOneElementOfType(SyncMessage.Want.class);

        for (SyncMessage m : asked) {
            writerToMember.onFrame(new SyncCodec().encode(m), t + 2_001);
        }
        Pipe.run(memberToWriter, writerToMember, t + 2_002);
        assertThat(member.replica.has(fresh.get(0).id())).isTrue();
        assertThat(ledger.size()).isZero();
    }

    @Test
    void whenTheSessionAskedEndsTheEventIsAskedOfTheOtherPeerAtOnce() {
        long t = now;
        offer(founderToMember, memberToFounder, t);
        offer(writerToMember, memberToWriter, t + 10);
        memberToFounder.close(CloseReason.NORMAL, "the founder went away");
        memberToWriter.retryDeferredWants(t + 20); // what the endpoint does when a session ends
        assertThat(drain(memberToWriter)).hasAtLeastOneElementOfType(SyncMessage.Want.class);
    }

    @Test
    void anEventThatArrivedMeanwhileIsNotAskedForAgain() {
        long t = now;
        List<SyncMessage> asked = offer(founderToMember, memberToFounder, t);
        offer(writerToMember, memberToWriter, t + 10);
        for (SyncMessage m : asked) { // the founder answers after all
            founderToMember.onFrame(new SyncCodec().encode(m), t + 20);
        }
        Pipe.run(memberToFounder, founderToMember, t + 20);
        assertThat(member.replica.has(fresh.get(0).id())).isTrue();
        assertThat(ledger.size()).isZero();
        memberToWriter.onTimer(t + 5_000);
        assertThat(drain(memberToWriter)).noneMatch(m -> m instanceof SyncMessage.Want);
    }

    @Test
    void anEventIsNotOfferedBackToAPeerThatOfferedIt() {
        long t = now;
        List<SyncMessage> asked = offer(founderToMember, memberToFounder, t);
        offer(writerToMember, memberToWriter, t + 10); // the writer has it
        for (SyncMessage m : asked) {
            founderToMember.onFrame(new SyncCodec().encode(m), t + 20);
        }
        Pipe.run(memberToFounder, founderToMember, t + 20);
        List<StoredKey> received = memberToFounder.drainIngested();
        assertThat(received).extracting(StoredKey::id).contains(fresh.get(0).id());
        // the member relays what it received to its other peers (NodeEndpoint's fan-out), but not to one that has it
        memberToWriter.onLocalChange(received);
        assertThat(drain(memberToWriter)).noneMatch(m -> m instanceof SyncMessage.Offer);
    }
}
