package dev.lorehub.node.endpoint;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.SessionConfig;
import dev.lorehub.node.sync.SyncSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's policy, tested on the sans-IO endpoint with manual clocks (no sockets, no threads):
 * fan-out, relaying, restarts after membership changes, reconnecting with backoff, one connection
 * per pair, backpressure, and two clocks.
 */
class NodeEndpointTest {
    @TempDir
    Path tmp;
    final EndpointNet net = new EndpointNet();
    EndpointNet.Node hub;
    RealmId realm;
    String hubRealm;

    @BeforeEach
    void aHubWithARealm() throws Exception {
        hub = net.add("hub", tmp, 1);
        hubRealm = hub.node.lh.addRealm("api", "/hub/api");
        realm = hub.node.replica.shareRealm(hubRealm, hub.now().wall());
    }

    @AfterEach
    void close() throws Exception {
        net.close();
    }

    EndpointNet.Node member(String name, long seed, Role role) {
        EndpointNet.Node n = net.add(name, tmp, seed);
        hub.node.replica.addMember(realm, n.node.replica.publicKeys(), role, hub.now().wall());
        return n;
    }

    void startAll() {
        for (EndpointNet.Node n : net.nodes) {
            n.start(EndpointConfig.defaults());
        }
    }

    /** Each member joins the realm it was invited to; the endpoint restarts its session and syncs the data. */
    void joinAll() {
        for (EndpointNet.Node n : net.nodes) {
            if (n != hub && n.node.replica.realms().containsKey(realm) && !n.node.replica.realms().get(realm).joined()) {
                try {
                    n.endpoint.withReplica((r, now) -> r.mapRealm(realm, "/" + n.node.name + "/api", now), n.now());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        net.advance(3_000);
    }

    long lores(EndpointNet.Node n, String content) throws Exception {
        return Long.parseLong(n.node.lh.queryString("SELECT count(*) FROM lores WHERE content = ?", content));
    }

    @Test
    void aLocalChangeFansOutToEverySessionAtTheNextCapture() throws Exception {
        List<EndpointNet.Node> members = List.of(member("m1", 2, Role.WRITE), member("m2", 3, Role.WRITE),
            member("m3", 4, Role.WRITE));
        startAll();
        for (EndpointNet.Node m : members) {
            net.pair(hub, m);
        }
        net.advance(1_000);
        joinAll();
        hub.node.lh.addLore(hubRealm, "to every member");
        net.advance(100); // the next capture poll (50 ms) picks it up and offers it live
        for (EndpointNet.Node m : members) {
            assertThat(lores(m, "to every member")).as(m.node.name).isEqualTo(1);
        }
        assertThat(hub.endpoint.sessions()).hasSize(3);
    }

    @Test
    void whereTheDriverReportsDatabaseChangesACaptureFollowsEachReportAndOtherwiseOnlyTheSafetyPoll() throws Exception {
        EndpointNet.Node m1 = member("m1", 2, Role.WRITE);
        EndpointConfig watched = EndpointConfig.defaults().withDatabaseWatched(60_000);
        for (EndpointNet.Node n : net.nodes) {
            n.start(watched);
        }
        net.pair(hub, m1);
        net.advance(1_000);
        joinAll();
        net.advance(61_000); // past the start's fast polling, onto the safety poll's cadence

        hub.node.lh.addLore(hubRealm, "unreported");
        net.advance(1_000);
        assertThat(lores(m1, "unreported")).as("no report: waits for the once-a-minute poll").isZero();
        hub.endpoint.databaseChanged(hub.now());
        net.advance(NodeEndpoint.CHANGE_SETTLE + 50);
        assertThat(lores(m1, "unreported")).as("a report: captured at once").isEqualTo(1);

        net.advance(61_000);
        hub.endpoint.databaseChanged(hub.now()); // a report that came before the commit it announced was visible
        net.advance(NodeEndpoint.CHANGE_SETTLE + 1);
        hub.node.lh.addLore(hubRealm, "reported early");
        net.advance(NodeEndpoint.AFTER_CHANGE_WINDOW);
        assertThat(lores(m1, "reported early")).as("the polls after a report cover it").isEqualTo(1);

        net.advance(61_000);
        hub.node.lh.addLore(hubRealm, "report lost");
        net.advance(60_000);
        assertThat(lores(m1, "report lost")).as("the safety poll catches a lost report").isEqualTo(1);
    }

    /** Writers a and c, both paired with the hub (and with each other when {@code mesh}), joined and in sync. */
    EndpointNet.Node[] twoWritersWithTheHub(boolean mesh) {
        EndpointNet.Node a = member("a", 2, Role.WRITE);
        EndpointNet.Node c = member("c", 3, Role.WRITE);
        startAll();
        net.pair(hub, a);
        net.pair(hub, c);
        if (mesh) {
            net.pair(a, c);
        }
        net.advance(1_000);
        joinAll();
        return new EndpointNet.Node[] {a, c};
    }

    @Test
    void whatOneSessionReceivesIsRelayedToTheOthers() throws Exception {
        EndpointNet.Node[] ac = twoWritersWithTheHub(false); // a and c are not paired: everything between them goes through the hub
        EndpointNet.Node a = ac[0];
        EndpointNet.Node c = ac[1];
        String aRealm = a.node.lh.queryString("SELECT id FROM realms");
        a.node.lh.addLore(aRealm, "from a to c via the hub");
        net.advance(100);
        assertThat(lores(c, "from a to c via the hub")).isEqualTo(1);
        assertThat(c.node.digest()).isEqualTo(a.node.digest());
    }

    @Test
    void anEventOfferedByTwoPeersIsAskedOfOneAndOfTheOtherWhenTheFirstDoesNotSendIt() throws Exception {
        EndpointNet.Node[] ac = twoWritersWithTheHub(true);
        EndpointNet.Node a = ac[0];
        EndpointNet.Node c = ac[1];
        net.stall(c, true); // c reads nothing for now: the hub's offer and a's relay of it both wait for it
        hub.node.lh.addLore(hubRealm, "offered twice");
        net.advance(100);
        assertThat(lores(a, "offered twice")).isEqualTo(1);
        net.stall(hub, true); // the hub will not answer the Want c sends it
        net.stall(c, false);
        net.settle();
        assertThat(lores(c, "offered twice")).as("asked of the hub only, which does not answer").isZero();
        net.advance(1_000);
        assertThat(lores(c, "offered twice")).as("the hub's claim has not timed out").isZero();
        net.advance(1_500);
        assertThat(lores(c, "offered twice")).as("asked of a after the claim timed out").isEqualTo(1);
    }

    @Test
    void aSessionRestartsWhenTheRealmsItSharesChange() throws Exception {
        EndpointNet.Node late = net.add("late", tmp, 5);
        startAll();
        net.pair(hub, late);
        net.advance(1_000);
        SyncSession first = hub.endpoint.session(late.id()).orElseThrow();
        assertThat(first.realms()).isEmpty();
        hub.endpoint.withReplica((r, now) -> r.addMember(realm, late.node.replica.publicKeys(), Role.WRITE, now), hub.now());
        net.settle();
        assertThat(first.isClosed()).isTrue();
        assertThat(first.closeReason()).isEqualTo(CloseReason.NORMAL);
        net.advance(1_000); // reconnects at once: a restart is not a failure
        assertThat(late.node.replica.invitations()).extracting(r -> r.realm()).containsExactly(realm);
        joinAll();
        hub.node.lh.addLore(hubRealm, "after the grant");
        net.advance(100);
        assertThat(lores(late, "after the grant")).isEqualTo(1);
    }

    @Test
    void aDeviceRemovedWhileAwayLearnsItWhenItComesBackAndGetsNoDataWrittenSince() throws Exception {
        EndpointNet.Node m = member("m", 7, Role.WRITE);
        startAll();
        net.pair(hub, m);
        net.advance(1_000);
        joinAll();
        hub.node.lh.addLore(hubRealm, "before the removal");
        net.advance(100);
        assertThat(lores(m, "before the removal")).isEqualTo(1);

        net.cut(hub, m, true);
        net.advance(1_000);
        hub.endpoint.withReplica((r, now) -> {
            r.removeMember(realm, m.id(), now);
            return null;
        }, hub.now());
        hub.node.lh.addLore(hubRealm, "after the removal");
        net.advance(100);
        net.cut(hub, m, false);
        net.advance(40_000); // redial, maintenance (a restart if anything is stale), and quiet again

        assertThat(m.node.replica.membership(realm).members()).doesNotContainKey(m.id());
        assertThat(lores(m, "after the removal")).isZero();
        SyncSession session = hub.endpoint.session(m.id()).orElseThrow();
        assertThat(session.isOpen()).isTrue();
        assertThat(session.progress()).singleElement()
            .satisfies(p -> assertThat(p.scope()).isEqualTo(dev.lorehub.node.sync.RealmScope.MEMBERSHIP_ONLY));
        net.advance(10_000);
        assertThat(hub.endpoint.session(m.id()).orElseThrow()).as("no restart loop").isSameAs(session);

        // m writes on anyway: kept unsynced on m, nothing reaches the hub
        String mRealm = m.node.lh.queryString("SELECT id FROM realms");
        m.node.lh.addLore(mRealm, "m after its removal");
        net.advance(3_000);
        assertThat(lores(hub, "m after its removal")).isZero();
        assertThat(m.node.replica.whyNotWritable(mRealm)).get().asString().contains("not a member");
    }

    @Test
    void devicesThatDialEachOtherAtOnceKeepExactlyTheSameConnection() {
        EndpointNet.Node other = member("other", 6, Role.WRITE);
        startAll();
        net.pair(hub, other); // both learn the other's address at the same instant: both dial
        net.settle();
        assertThat(net.dials).isEqualTo(2);
        assertThat(net.connectionsOf(hub)).isEqualTo(1);
        assertThat(net.connectionsOf(other)).isEqualTo(1);
        assertThat(net.closes).anySatisfy(r -> assertThat(r).contains("(the lower device id)"));
        boolean hubIsLower = hub.id().compareTo(other.id()) < 0;
        SyncSession atHub = hub.endpoint.session(other.id()).orElseThrow();
        assertThat(atHub.isOpen()).isTrue();
        // the survivor was dialed by the lower device id on both sides
        assertThat(hub.endpoint.sessions()).hasSize(1);
        assertThat(hubIsLower).isIn(true, false);
    }

    @Test
    void anUnreachablePeerIsRedialedWithGrowingBackoffForeverAndAtOnceWhenSeenAgain() {
        EndpointNet.Node away = member("away", 7, Role.WRITE);
        startAll();
        away.up = false; // asleep
        net.pair(hub, away);
        net.advance(60 * 60_000); // an hour: the backoff caps at 30 s, so attempts continue, ~2 a minute
        int failures = net.failedDials;
        assertThat(failures).isBetween(60, 600);
        PeerDialing dialing = new PeerDialing(new Backoff(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(30)),
            30_000);
        assertThat(dialing.dueAt()).isEqualTo(Long.MAX_VALUE); // nothing to dial without an address
        // it wakes up; discovery sees it again at the known address: dialed at once, not after the backoff
        away.up = true;
        away.start(EndpointConfig.defaults());
        long before = net.dials;
        hub.endpoint.reported(away.id(), away.address, hub.now());
        net.settle();
        assertThat(net.dials).isEqualTo(before + 1);
        assertThat(hub.endpoint.session(away.id())).isPresent();
    }

    @Test
    void framesGoOutOnlyWhileTheConnectionTakesThem() throws Exception {
        EndpointNet.Node reader = member("reader", 8, Role.WRITE);
        startAll();
        net.pair(hub, reader);
        net.advance(1_000);
        joinAll();
        long conn = hub.endpoint.sessions().keySet().iterator().next();
        hub.endpoint.writable(conn, false, hub.now());
        for (int i = 0; i < 50; i++) {
            hub.node.lh.addLore(hubRealm, "queued " + i);
        }
        hub.endpoint.tick(new NodeEndpoint.Moment(hub.mono + 60, hub.now().wall() + 60));
        NodeEndpoint.Action a;
        int sends = 0;
        while ((a = hub.endpoint.poll()) != null) {
            sends += a instanceof NodeEndpoint.Send ? 1 : 0;
        }
        assertThat(sends).isZero();
        hub.endpoint.writable(conn, true, hub.now());
        assertThat(hub.endpoint.poll()).isInstanceOf(NodeEndpoint.Send.class);
    }

    @Test
    void wallClockStepsNeverFireOrDisableTimeoutsButARealStallStillTimesOut() throws Exception {
        EndpointNet.Node peer = member("peer", 9, Role.WRITE);
        startAll();
        net.pair(hub, peer);
        net.advance(1_000);
        joinAll();
        // the wall clock jumps an hour ahead and an hour back mid-session: nothing times out
        hub.wallOffset += 3_600_000;
        net.advance(1_000);
        hub.wallOffset -= 2 * 3_600_000;
        net.advance(1_000);
        SyncSession session = hub.endpoint.session(peer.id()).orElseThrow();
        assertThat(session.isOpen()).as("%s: %s", session.closeReason(), session.closeMessage()).isTrue();
        assertThat(net.closes).noneMatch(r -> r.contains("TIMEOUT"));
        // a real stall: the connection drops and comes back, but one side stops reading: the side that waits
        // for the other's Hello times out by the monotonic clock (the hub's wall clock an hour behind)
        net.stall(peer, true);
        net.cut(hub, peer, true);
        net.cut(hub, peer, false);
        net.advance(SessionConfig.defaults().helloTimeout() + 5_000);
        assertThat(net.closes).anyMatch(r -> r.contains("TIMEOUT: no Hello from the peer within"));
    }
}
