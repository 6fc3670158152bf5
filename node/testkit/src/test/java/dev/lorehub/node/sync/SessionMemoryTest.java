package dev.lorehub.node.sync;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a peer can make a node hold for its session is bounded whatever it announces or sends: the
 * credit it grants is capped by the node's own window, events are read from the store only as
 * frames are polled, and replies to a peer that does not read them end the session as flooding.
 */
class SessionMemoryTest extends NodesFixture {

    // The event sizes here were chosen against flow-control windows and byte positions: keep the
    // bodies as plain as they were before issue 17 compressed them.
    @org.junit.jupiter.api.BeforeAll
    static void plainBodies() {
        dev.lorehub.node.testing.TestNode.wire = dev.lorehub.node.core.EventCodec.Options.PLAIN;
    }

    @org.junit.jupiter.api.AfterAll
    static void compactBodiesAgain() {
        dev.lorehub.node.testing.TestNode.wire = dev.lorehub.node.core.EventCodec.Options.DEFAULT;
    }
    static final int LORES = 5_000;

    TestNode a;
    TestNode b;
    RealmId realm;
    long total;

    String local;

    @BeforeEach
    void aSharesARealmWithB() throws Exception {
        a = node("a", 1);
        b = node("b", 2);
        local = a.lh.addRealm("api", "/home/ann/api");
        a.replica.captureLocalChanges(tick());
        realm = a.replica.shareRealm(local, tick());
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, tick());
        // b joins first: a device that has not joined gets only the realm's membership (issue 11)
        dev.lorehub.node.testing.Pipe.connect(a, b, tick());
        b.replica.mapRealm(realm, "/home/bob/api", tick());
    }

    /** Gives the realm {@code lores} lores of about 1 KB each. */
    void fill(int lores) throws Exception {
        for (int i = 0; i < lores; i++) {
            a.lh.addLore(local, "bulk lore " + i + " " + "x".repeat(1000));
        }
        while (!a.replica.captureLocalChanges(tick()).isEmpty()) {
            // drain in batches
        }
        total = a.replica.events().count(realm);
        assertThat(total).isGreaterThan(lores);
    }

    /** A's window is the minimum (one frame), so its send credit is capped at 3 MiB. */
    static SessionConfig smallWindow() {
        return new SessionConfig(SyncCodec.MAX_FRAME, 1 << 20, 4000, 1000, 10_000, 60_000, 2_000, 4_000);
    }

    /** B's Hello, rewritten to announce the largest credit there is. */
    static byte[] withHugeCredit(byte[] frame) {
        SyncCodec codec = new SyncCodec();
        if (codec.decode(frame) instanceof SyncMessage.Hello h) {
            return codec.encode(new SyncMessage.Hello(h.minVersion(), h.maxVersion(), h.device(), h.capabilities(),
                Long.MAX_VALUE, h.realms()));
        }
        return frame;
    }

    @Test
    void aPeerAnnouncingAHugeCreditAndNeverReadingGetsNoMoreThanTheWindow() throws Exception {
        fill(LORES);
        SyncSession sa = new SyncSession(a.store, smallWindow(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        // Reconcile normally, but B's Hello claims Long.MAX_VALUE of credit and B never returns any: a driver that
        // takes every frame A produces (as the simulator does) must get at most A's own window of events.
        long eventBytes = 0;
        long maxOutbox = 0;
        for (int step = 0; step < 100_000; step++) {
            maxOutbox = Math.max(maxOutbox, sa.outboxBytes());
            byte[] f = sa.pollFrame();
            if (f != null) {
                SyncMessage m = new SyncCodec().decode(f);
                if (m instanceof SyncMessage.Events e) {
                    eventBytes += e.events().stream().mapToLong(x -> x.length).sum();
                } else {
                    sb.onFrame(f, now);
                }
                continue;
            }
            f = sb.pollFrame();
            if (f == null) {
                break;
            }
            if (!(new SyncCodec().decode(f) instanceof SyncMessage.Credit)) {
                sa.onFrame(withHugeCredit(f), now);
            }
        }
        assertThat(sa.closeReason()).as("%s", sa.closeMessage()).isNull();
        assertThat(eventBytes).isPositive().isLessThanOrEqualTo(SyncCodec.MAX_FRAME);
        // Only replies queue (the largest: a reconciliation message naming the 5k keys B lacks, ~170 KB);
        // the ~6 MB of events never do.
        assertThat(maxOutbox).as("replies queued at A").isLessThan(1 << 20);
        assertThat(sa.isSynced()).isFalse();
    }

    @Test
    void eventsAreReadOnlyWhenAFrameIsPolled() throws Exception {
        fill(LORES);
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        // Move frames until A has reconciled, without ever taking an Events frame from A.
        for (int step = 0; step < 1_000 && !sa.hasPendingOutput() || sa.outboxFrames() > 0; step++) {
            byte[] f = sa.pollFrame();
            if (f != null) {
                sb.onFrame(f, now);
                continue;
            }
            f = sb.pollFrame();
            if (f == null) {
                break;
            }
            sa.onFrame(withHugeCredit(f), now);
        }
        // The whole realm (about 6 MB) is to be sent, but nothing of it sits in A's memory as frames.
        assertThat(sa.hasPendingOutput()).isTrue();
        assertThat(sa.outboxFrames()).isZero();
        assertThat(sa.outboxBytes()).isZero();
        assertThat(sa.stats().eventsSent()).isZero();
    }

    @Test
    void aRealmOfFiveThousandEventsReachesAWellBehavedPeerCompletely() throws Exception {
        Pipe.connect(a, b, tick()); // b learns of the realm as an invitation, and joins it
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        long had = b.replica.events().count(realm);
        fill(LORES);
        SyncSession sa = new SyncSession(a.store, smallWindow(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        Pipe.run(sa, sb, now);
        assertThat(sa.closeReason()).as("%s", sa.closeMessage()).isNull();
        assertThat(sb.closeReason()).as("%s", sb.closeMessage()).isNull();
        assertThat(sa.isSynced()).isTrue();
        assertThat(b.replica.events().count(realm)).isEqualTo(total);
        assertThat(sb.stats().eventsReceived()).isEqualTo(total - had);
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo(Integer.toString(LORES));
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @Test
    void aPeerThatKeepsAskingWithoutReadingIsCutOffAsFlooding() throws Exception {
        fill(10);
        SyncSession[] s = Pipe.connect(a, b, tick());
        SyncSession sa = s[0];
        SessionConfig limits = SessionConfig.defaults();
        Random random = new Random(7);
        // B offers ids A lacks, 1000 per frame, one frame per millisecond (within the frame rate), and never
        // reads A's Wants: they may pile up only to the outbox bound.
        for (int i = 0; i < 2_000 && !sa.isClosed(); i++) {
            List<SyncMessage.Key> keys = new ArrayList<>();
            for (int k = 0; k < 1000; k++) {
                byte[] id = new byte[32];
                random.nextBytes(id);
                keys.add(new SyncMessage.Key(now, id));
            }
            sa.onFrame(new SyncCodec().encode(new SyncMessage.Offer(realm, keys)), now += 1);
            assertThat(sa.outboxBytes()).isLessThanOrEqualTo(limits.maxOutboxBytes());
            assertThat(sa.outboxFrames()).isLessThanOrEqualTo(limits.maxOutboxFrames());
        }
        assertThat(sa.closeReason()).isEqualTo(CloseReason.FLOODING);
        assertThat(sa.closeMessage()).contains("without reading");
        // What was queued is dropped; the Close is what is left to send.
        assertThat(new SyncCodec().decode(sa.pollFrame())).isInstanceOf(SyncMessage.Close.class);
        assertThat(sa.pollFrame()).isNull();
    }

    @Test
    void aPeerWantingUnknownIdsQueuesNothing() throws Exception {
        fill(10);
        SyncSession[] s = Pipe.connect(a, b, tick());
        SyncSession sa = s[0];
        Random random = new Random(8);
        for (int i = 0; i < 50; i++) {
            List<byte[]> ids = new ArrayList<>();
            for (int k = 0; k < 1000; k++) {
                byte[] id = new byte[32];
                random.nextBytes(id);
                ids.add(id);
            }
            sa.onFrame(new SyncCodec().encode(new SyncMessage.Want(realm, ids)), now += 1);
        }
        assertThat(sa.closeReason()).isNull();
        assertThat(sa.hasPendingOutput()).isFalse();
        assertThat(sa.pollFrame()).isNull();
    }
}
