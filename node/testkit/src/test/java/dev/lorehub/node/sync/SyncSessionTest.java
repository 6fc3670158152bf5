package dev.lorehub.node.sync;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.core.StoredEvent;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two and three real node cores wired through an in-memory pipe with a manual clock. */
class SyncSessionTest extends NodesFixture {

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

    TestNode a;
    TestNode b;
    RealmId realm;

    @BeforeEach
    void twoDevicesShareARealm() throws Exception {
        a = node("a", 1);
        b = node("b", 2);
        String local = a.lh.addRealm("api", "/home/ann/api");
        for (int i = 0; i < 30; i++) {
            a.lh.addLore(local, "lore number " + i + " about the api");
        }
        a.replica.captureLocalChanges(now);
        realm = a.replica.shareRealm(local, tick());
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, tick());
    }

    /** b learns of the realm (an invitation: membership only), joins it, and syncs its data. */
    void syncAndMap() {
        Pipe.connect(a, b, tick());
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        Pipe.connect(a, b, tick());
    }

    @Test
    void emptyToFull() throws Exception {
        SyncSession[] s = Pipe.connect(a, b, tick());
        assertThat(s[0].isSynced()).isTrue();
        assertThat(s[1].isSynced()).isTrue();
        assertThat(b.replica.invitations()).extracting(Replica.Invitation::realm).containsExactly(realm);
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("0"); // nothing before consent
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        Pipe.connect(a, b, tick());
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("30");
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @Test
    void eventFramesAreCompactOnlyTowardsAPeerThatAnnouncedIt() throws Exception {
        Pipe.connect(a, b, tick()); // the invitation
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        for (boolean bReadsCompact : new boolean[] {false, true}) {
            SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
            SyncSession sb = new SyncSession(b.store, SessionConfig.defaults().withCompactEvents(bReadsCompact), false, a.id());
            long t = tick();
            sa.start(t);
            sb.start(t);
            List<Byte> eventFrameKinds = new ArrayList<>();
            for (int step = 0; step < 100_000; step++) {
                byte[] f = sa.pollFrame();
                if (f != null) {
                    if (f[0] == 0x2c || f[0] == 0x31) {
                        eventFrameKinds.add(f[0]);
                    }
                    sb.onFrame(f, t);
                    continue;
                }
                f = sb.pollFrame();
                if (f == null) {
                    break;
                }
                sa.onFrame(f, t);
            }
            assertThat(eventFrameKinds).as("Events frames a sends").isNotEmpty()
                .containsOnly(bReadsCompact ? (byte) 0x31 : (byte) 0x2c);
            assertThat(b.digest()).isEqualTo(a.digest());
            a.lh.addLore(a.lh.queryString("SELECT id FROM realms"), "more for round " + bReadsCompact);
            a.replica.captureLocalChanges(tick());
        }
    }

    @Test
    void disjointEditsOnBothSidesConverge() throws Exception {
        syncAndMap();
        String aRealm = a.lh.queryString("SELECT id FROM realms");
        String bRealm = b.lh.queryString("SELECT id FROM realms");
        a.lh.addLore(aRealm, "written on a");
        b.lh.addLore(bRealm, "written on b");
        a.replica.captureLocalChanges(tick());
        b.replica.captureLocalChanges(tick());
        Pipe.connect(a, b, tick());
        assertThat(a.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("32");
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @Test
    void concurrentEditsOfOneLoreConvergeWithOneConflictOnBoth() throws Exception {
        syncAndMap();
        String lore = a.lh.queryString("SELECT id FROM lores WHERE content = 'lore number 7 about the api'");
        a.lh.updateLoreContent(lore, "lore number 7 is about the REST api");
        b.lh.updateLoreContent(lore, "lore number 7 is about the GraphQL api");
        a.replica.captureLocalChanges(tick());
        b.replica.captureLocalChanges(tick());
        Pipe.connect(a, b, tick());
        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(a.replica.conflicts()).hasSize(1);
        assertThat(b.replica.conflicts()).hasSize(1);
        assertThat(a.replica.conflicts().get(0).versionsJson()).contains("REST", "GraphQL");
        assertThat(b.lh.queryString("SELECT content FROM lores WHERE id = ?", lore))
            .isEqualTo(a.lh.queryString("SELECT content FROM lores WHERE id = ?", lore));
    }

    @Test
    void liveChangeIsOfferedAtOnceAndCostsOneMessageWhenAlreadyHeld() throws Exception {
        syncAndMap();
        SyncSession[] s = Pipe.connect(a, b, tick());
        String aRealm = a.lh.queryString("SELECT id FROM realms");
        a.lh.addLore(aRealm, "pushed live");
        List<StoredKey> keys = a.replica.captureLocalChanges(tick());
        s[0].onLocalChange(keys, tick());
        Pipe.run(s[0], s[1], now);
        assertThat(b.lh.queryString("SELECT count(*) FROM lores WHERE content = 'pushed live'")).isEqualTo("1");

        long before = s[1].stats().framesSent();
        s[0].onLocalChange(keys, tick());
        int moved = Pipe.run(s[0], s[1], now);
        assertThat(moved).isEqualTo(1); // the offer; b wants nothing
        assertThat(s[1].stats().framesSent()).isEqualTo(before);
    }

    @Test
    void aRelayForwardsCiphertextItCannotRead() throws Exception {
        TestNode relay = node("relay", 3);
        TestNode c = node("c", 4);
        a.replica.addMember(realm, relay.replica.publicKeys(), Role.RELAY, tick());
        a.replica.addMember(realm, c.replica.publicKeys(), Role.WRITE, tick());
        Pipe.connect(a, relay, tick());
        relay.replica.joinAsRelay(realm, tick());
        Pipe.connect(a, relay, tick());
        Pipe.connect(relay, c, tick());
        c.replica.mapRealm(realm, "/home/cid/api", tick());
        Pipe.connect(relay, c, tick());
        assertThat(c.digest()).isEqualTo(a.digest());
        assertThat(c.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("30");
        // the relay holds every event but no plaintext: no key, no lores, every entity event opaque
        assertThat(relay.replica.keyring(realm)).isEmpty();
        assertThat(relay.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("0");
        long opaque = relay.replica.events().opaqueEvents(realm).size();
        long total = relay.replica.events().count(realm);
        assertThat(opaque).isEqualTo(total - relay.replica.events().eventsOfKind(realm, EntityKind.MEMBER).size());
        assertThat(opaque).isGreaterThanOrEqualTo(31);
        // and a live edit from a reaches c through the relay
        String aRealm = a.lh.queryString("SELECT id FROM realms");
        a.lh.addLore(aRealm, "via the relay");
        List<StoredKey> keys = a.replica.captureLocalChanges(tick());
        SyncSession[] ab = Pipe.connect(a, relay, tick());
        SyncSession[] bc = Pipe.connect(relay, c, tick());
        ab[0].onLocalChange(keys, tick());
        Pipe.run(ab[0], ab[1], now);
        bc[0].onLocalChange(ab[1].drainIngested(), tick()); // the relay's driver offers on to c
        Pipe.run(bc[0], bc[1], now);
        assertThat(c.lh.queryString("SELECT count(*) FROM lores WHERE content = 'via the relay'")).isEqualTo("1");
    }

    @Test
    void anInterruptedTransferResumesWithoutResendingWhatArrived() throws Exception {
        syncAndMap();
        long had = b.replica.events().count(realm);
        String aRealm = a.lh.queryString("SELECT id FROM realms");
        for (int i = 0; i < 3000; i++) {
            a.lh.addLore(aRealm, "bulk lore " + i + " ".repeat(200));
        }
        while (!a.replica.captureLocalChanges(tick()).isEmpty()) {
            // drain in batches
        }
        long total = a.replica.events().count(realm);
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        // deliver until b has ingested two batches, then cut the connection
        for (int step = 0; step < 10_000 && sb.stats().eventsReceived() < 1500; step++) {
            byte[] f = sa.pollFrame();
            if (f != null) {
                sb.onFrame(f, now);
                continue;
            }
            f = sb.pollFrame();
            if (f == null) {
                break;
            }
            sa.onFrame(f, now);
        }
        long firstSession = sb.stats().eventsReceived();
        assertThat(firstSession).isBetween(1L, total - had - 1);
        SyncSession[] again = Pipe.connect(a, b, tick());
        long secondSession = again[1].stats().eventsReceived();
        assertThat(b.replica.events().count(realm)).isEqualTo(total);
        assertThat(firstSession + secondSession).isEqualTo(total - had);
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @Test
    void aNonMemberLearnsNothingOfTheRealm() throws Exception {
        TestNode stranger = node("stranger", 5);
        // the stranger claims the realm in its Hello; a must not take it up nor mention it
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), false, stranger.id());
        sa.start(tick());
        byte[] hello = new SyncCodec().encode(new SyncMessage.Hello(1, 1, stranger.id(), 0, 8L << 20,
            List.of(new SyncMessage.RealmOpen(realm, a.id(), new byte[] {1, 0}))));
        sa.onFrame(hello, now);
        SyncMessage reply = new SyncCodec().decode(sa.pollFrame());
        assertThat(reply).isInstanceOfSatisfying(SyncMessage.Hello.class, h -> assertThat(h.realms()).isEmpty());
        assertThat(sa.pollFrame()).isNull();
        assertThat(sa.realms()).isEmpty();
    }

    @Test
    void versionMismatchEndsTheSessionNamingBothVersions() {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), false, b.id());
        sa.start(tick());
        sa.onFrame(new SyncCodec().encode(new SyncMessage.Hello(7, 9, b.id(), 0, 8L << 20, List.of())), now);
        assertThat(sa.isClosed()).isTrue();
        assertThat(sa.closeReason()).isEqualTo(CloseReason.VERSION_MISMATCH);
        assertThat(sa.closeMessage()).contains("1..1").contains("7..9");
        SyncMessage sent = new SyncCodec().decode(sa.pollFrame());
        assertThat(sent).isEqualTo(new SyncMessage.Close(CloseReason.VERSION_MISMATCH, sa.closeMessage()));
    }

    @Test
    void malformedOversizedAndUnexpectedFramesEndTheSession() {
        Map<byte[], CloseReason> cases = Map.of(
            new byte[] {42, 1, 2}, CloseReason.MALFORMED,
            new byte[SyncCodec.MAX_FRAME + 1], CloseReason.FRAME_TOO_LARGE,
            new SyncCodec().encode(new SyncMessage.Credit(5)), CloseReason.PROTOCOL_VIOLATION);
        for (Map.Entry<byte[], CloseReason> c : cases.entrySet()) {
            SyncSession s = new SyncSession(a.store, SessionConfig.defaults(), false, b.id());
            s.start(tick());
            s.onFrame(c.getKey(), now);
            assertThat(s.closeReason()).as("frame of %d bytes", c.getKey().length).isEqualTo(c.getValue());
        }
    }

    @Test
    void aPeerThatFloodsIsCutOff() {
        SyncSession[] s = Pipe.connect(a, b, tick());
        byte[] credit = new SyncCodec().encode(new SyncMessage.Credit(0));
        for (int i = 0; i < 10_000 && !s[0].isClosed(); i++) {
            s[0].onFrame(credit, now); // all at the same instant
        }
        assertThat(s[0].closeReason()).isEqualTo(CloseReason.FLOODING);
    }

    @Test
    void aSlowReceiverSlowsTheSender() throws Exception {
        syncAndMap();
        String aRealm = a.lh.queryString("SELECT id FROM realms");
        for (int i = 0; i < 4000; i++) {
            a.lh.addLore(aRealm, "bulk lore " + i + " ".repeat(900));
        }
        while (!a.replica.captureLocalChanges(tick()).isEmpty()) {
            // drain in batches
        }
        SessionConfig small = new SessionConfig(SyncCodec.MAX_FRAME, 64 * 1024, 1000, 1000, 10_000, 60_000, 2_000, 4_000);
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, small, false, a.id());
        sa.start(tick());
        sb.start(now);
        // b ingests everything it gets but its Credit frames are held back: a must stop at b's window
        List<byte[]> heldCredits = new ArrayList<>();
        long eventBytesReceived = 0;
        for (int step = 0; step < 100_000; step++) {
            byte[] f = sa.pollFrame();
            if (f != null) {
                SyncMessage m = new SyncCodec().decode(f);
                if (m instanceof SyncMessage.Events e) {
                    eventBytesReceived += e.events().stream().mapToLong(x -> x.length).sum();
                }
                sb.onFrame(f, now);
                continue;
            }
            f = sb.pollFrame();
            if (f == null) {
                break;
            }
            if (new SyncCodec().decode(f) instanceof SyncMessage.Credit) {
                heldCredits.add(f);
            } else {
                sa.onFrame(f, now);
            }
        }
        assertThat(eventBytesReceived).isPositive().isLessThanOrEqualTo(SyncCodec.MAX_FRAME);
        assertThat(sa.isSynced()).isFalse();
        for (byte[] credit : heldCredits) {
            sa.onFrame(credit, now);
        }
        Pipe.run(sa, sb, now);
        assertThat(sa.closeReason()).as("%s", sa.closeMessage()).isNull();
        assertThat(sb.closeReason()).isNull();
        assertThat(sa.isSynced()).as("%s", sa.stats()).isTrue();
        assertThat(b.replica.events().count(realm)).isEqualTo(a.replica.events().count(realm));
    }

    @Test
    void aSilentPeerTimesOut() {
        SyncSession s = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        s.start(tick());
        assertThat(s.nextTimer()).isEqualTo(now + SessionConfig.defaults().helloTimeout());
        s.onTimer(s.nextTimer());
        assertThat(s.closeReason()).isEqualTo(CloseReason.TIMEOUT);
    }

    @Test
    void aRealmWithTheSameGitRemoteIsMappedAutomatically() throws Exception {
        String aRealm = a.lh.queryString("SELECT id FROM realms");
        a.lh.update("UPDATE realms SET git_remote = ? WHERE id = ?", "git@github.com:ann/api.git", aRealm);
        a.replica.captureLocalChanges(tick());
        b.lh.addRealm("api", "/home/bob/src/api", "https://github.com/ann/api");
        Pipe.connect(a, b, tick());
        assertThat(b.replica.autoMapByGitRemote(tick(), founder -> false)).isEmpty(); // opt-in only
        assertThat(b.replica.autoMapByGitRemote(tick(), founder -> true)).containsExactly(realm);
        Pipe.connect(a, b, tick());
        assertThat(b.lh.queryString("SELECT count(*) FROM lores WHERE realm_id = (SELECT id FROM realms WHERE path = ?)",
            "/home/bob/src/api")).isEqualTo("30");
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @Test
    void storedEventsAreOpaqueOnlyWithoutAKey() throws Exception {
        syncAndMap();
        for (StoredEvent e : b.replica.events().page(realm, 0, 1000)) {
            assertThat(e.opaque()).isFalse();
        }
    }
}
