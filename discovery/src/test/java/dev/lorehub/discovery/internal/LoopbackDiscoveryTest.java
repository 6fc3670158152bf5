package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.discovery.PairingAdvertisement;
import dev.lorehub.discovery.PairingCandidate;
import dev.lorehub.discovery.PeerSource;
import dev.lorehub.discovery.StaticPeer;
import dev.lorehub.discovery.StaticPeerPolicy;
import dev.lorehub.discovery.testing.DiscoveryThreads;
import dev.lorehub.discovery.testing.RecordingListener;
import dev.lorehub.discovery.testing.TestIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Discovery end to end on loopback: every JmDNS instance here (ours and the hostile one) is bound to
 * 127.0.0.1, so nothing leaves the machine.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LoopbackDiscoveryTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration FIND = Duration.ofSeconds(5);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        DiscoveryThreads.awaitNoneAlive();
    }

    private record Node(String deviceId, JmDnsDiscovery discovery, RecordingListener events, int port) {
    }

    private Node node(String name, int port, DiscoveryConfig.Builder... custom) {
        String id = TestIds.deviceId();
        LocalNode self = new LocalNode(id, TestIds.shortId(id), name, port, 1);
        DiscoveryConfig.Builder builder = custom.length > 0 ? custom[0] : DiscoveryConfig.builder(self).mdnsAddresses(List.of(LOOPBACK));
        DiscoveryConfig config = builder.build();
        RecordingListener events = new RecordingListener();
        JmDnsDiscovery discovery = (JmDnsDiscovery) Discovery.create(config, events);
        toClose.add(discovery);
        return new Node(config.localNode().deviceId(), discovery, events, port);
    }

    @Test
    void peersFindEachOtherAndHearTheGoodbye() {
        Node ada = node("Ada's laptop", 7101);
        Node bob = node("Bob.desk", 7102);
        ada.discovery().start();
        bob.discovery().start();

        await().atMost(FIND).until(() -> ada.events().found(bob.deviceId()).isPresent() && bob.events().found(ada.deviceId()).isPresent());
        DiscoveredPeer seenByAda = ada.events().found(bob.deviceId()).orElseThrow();
        assertThat(seenByAda.key()).isEqualTo("mdns:" + bob.deviceId());
        assertThat(seenByAda.source()).isEqualTo(PeerSource.MDNS);
        assertThat(seenByAda.displayName()).isEqualTo("Bob.desk");
        assertThat(seenByAda.addresses()).containsExactly(LOOPBACK);
        assertThat(seenByAda.port()).isEqualTo(7102);
        assertThat(seenByAda.protocolVersion()).isEqualTo(OptionalInt.of(1));
        assertThat(ada.discovery().peers()).contains(seenByAda);

        bob.discovery().close();

        await("goodbye to be reported").atMost(FIND).until(() -> ada.events().lost(bob.deviceId()));
        assertThat(ada.discovery().peers()).extracting(DiscoveredPeer::deviceId).doesNotContain(Optional.of(bob.deviceId()));
    }

    @Test
    void ownAnnouncementsAreNeverReported() {
        Node ada = node("Ada", 7111);
        Node bob = node("Bob", 7112);
        ada.discovery().start();
        bob.discovery().start();

        await().atMost(FIND).until(() -> ada.events().found(bob.deviceId()).isPresent()
                && ada.discovery().stats().ownRecords() > 0);
        assertThat(ada.events().mentions(ada.deviceId())).isFalse();
        assertThat(ada.discovery().peers()).extracting(DiscoveredPeer::deviceId)
                .contains(Optional.of(bob.deviceId())).doesNotContain(Optional.of(ada.deviceId()));
    }

    @Test
    void pairingNameplateIsFoundByOthersAndWithdrawn() throws Exception {
        Node inviter = node("Inviter", 7121);
        Node joiner = node("Joiner", 7122);
        inviter.discovery().start();
        joiner.discovery().start();

        // Random nameplates: other LoreHub nodes may be pairing on this machine's loopback right now.
        String first = nameplate();
        String early = nameplate();
        String nobody = nameplate();
        CompletableFuture<List<PairingCandidate>> earlyLookup = joiner.discovery().lookupPairing(early.toUpperCase(), FIND);
        PairingAdvertisement advert = inviter.discovery().advertisePairing(first);
        PairingAdvertisement other = inviter.discovery().advertisePairing(early);

        List<PairingCandidate> found = joiner.discovery().lookupPairing(first, FIND).get(6, TimeUnit.SECONDS);
        assertThat(found).containsExactly(new PairingCandidate(first, "pairing " + first + " (" + TestIds.shortId(inviter.deviceId()) + ")",
                new InetSocketAddress(LOOPBACK, 7121), 1));
        assertThat(earlyLookup.get(6, TimeUnit.SECONDS)).extracting(PairingCandidate::nameplate).containsExactly(early);
        assertThat(joiner.discovery().lookupPairing(nobody, Duration.ofMillis(300)).get(2, TimeUnit.SECONDS)).isEmpty();
        assertThat(inviter.discovery().lookupPairing(first, Duration.ofMillis(300)).get(2, TimeUnit.SECONDS))
                .as("our own advertisement").isEmpty();

        advert.close();
        other.close();
        await("withdrawn nameplate to disappear").atMost(FIND)
                .until(() -> joiner.discovery().lookupPairing(first, Duration.ZERO).get(2, TimeUnit.SECONDS).isEmpty());
        assertThat(inviter.events().mentions(inviter.deviceId())).isFalse();
    }

    @Test
    void hostileRecordsAreIgnoredAndDoNotStallTheListener() throws Exception {
        Node ada = node("Ada", 7131);
        ada.discovery().start();
        JmDnsTuning.install();
        JmDNS hostile = JmDNS.create(InetAddress.getByAddress("127.0.0.1", LOOPBACK.getAddress()), "hostile-test");
        toClose.add(0, hostile); // closed last, after the discovery

        String good = TestIds.deviceId();
        List<String> hostileIds = List.of(TestIds.deviceId(), TestIds.deviceId(), TestIds.deviceId(), TestIds.deviceId());
        List<byte[]> bad = List.of(
                txt("txtvers=1", "pv=1"),                                          // no id
                txt("txtvers=1", "id=" + "A".repeat(250), "pv=1"),                 // huge id
                txt("txtvers=1", "id=not/a/device!id", "pv=1"),                    // invalid id
                txt("txtvers=1", "id=" + hostileIds.get(0), "pv=99"),              // other protocol
                txt("txtvers=1", "id=" + hostileIds.get(1), "pv=one"),             // version not a number
                txt("txtvers=2", "id=" + hostileIds.get(2), "pv=1"),               // other TXT layout
                txt("id=" + hostileIds.get(3), "pv=1"),                            // no txtvers
                new byte[]{40, 't', 'x', 't'},                                     // truncated string
                txt("txtvers=1", "id=" + ada.deviceId(), "pv=1"));                 // claims to be us
        for (int i = 0; i < bad.size(); i++) {
            hostile.registerService(ServiceInfo.create(ServiceTypes.NODE, "hostile " + i, 9000 + i, 0, 0, bad.get(i)));
        }
        String nameplate = nameplate();
        hostile.registerService(ServiceInfo.create(ServiceTypes.PAIRING, "hostile pairing", 9100, 0, 0,
                txt("txtvers=1", "np=" + nameplate + " and spaces", "pv=1")));
        hostile.registerService(ServiceInfo.create(ServiceTypes.NODE, "fine", 9200, 0, 0,
                txt("txtvers=1", "id=" + good, "pv=1", "dn=\u00ff\u00fe")));

        await().atMost(FIND).until(() -> ada.events().found(good).isPresent()
                && ada.discovery().stats().rejectedRecords() >= 9 && ada.discovery().stats().ownRecords() >= 1);
        assertThat(hostileIds).noneMatch(ada.events()::mentions);
        assertThat(ada.events().events()).noneMatch(e -> e.peer().port() >= 9000 && e.peer().port() < 9200);
        assertThat(ada.events().mentions(ada.deviceId())).isFalse();
        assertThat(ada.events().found(good).orElseThrow().port()).isEqualTo(9200);
        assertThat(ada.events().found(good).orElseThrow().displayName()).as("undecodable name dropped").isEmpty();
        assertThat(ada.discovery().lookupPairing(nameplate, Duration.ofMillis(300)).get(2, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void staticPeerIsReportedOnceItListensAndLostWhenItStops() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        String id = TestIds.deviceId();
        StaticPeerPolicy quick = new StaticPeerPolicy(Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMillis(200), 2);
        Node ada = node("Ada", 7141, DiscoveryConfig.builder(new LocalNode(id, TestIds.shortId(id), "Ada", 7141, 1))
                .staticPeers(List.of(StaticPeer.parse("127.0.0.1:" + port)))
                .staticPeerPolicy(quick));
        ada.discovery().start();
        String key = "static:127.0.0.1:" + port;

        await("several failed probes").during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> ada.events().foundWithKey(key).isEmpty());

        ServerSocket server = new ServerSocket();
        Thread acceptor = new Thread(() -> acceptUntilClosed(server), "test-acceptor");
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(LOOPBACK, port), 50);
            acceptor.start();
            await().atMost(FIND).until(() -> !ada.events().foundWithKey(key).isEmpty());
            DiscoveredPeer peer = ada.events().foundWithKey(key).get(0);
            assertThat(peer.source()).isEqualTo(PeerSource.STATIC);
            assertThat(peer.deviceId()).isEmpty();
            assertThat(peer.protocolVersion()).isEmpty();
            assertThat(peer.socketAddresses()).containsExactly(new InetSocketAddress(LOOPBACK, port));
        } finally {
            server.close(); // the peer goes away
            acceptor.join(2000);
        }
        await("static peer to be lost").atMost(FIND).until(() -> ada.events().lostKey(key));
        assertThat(ada.events().foundWithKey(key)).hasSize(1);
        assertThat(ada.discovery().boundAddresses()).isEmpty();
    }

    @Test
    void addressesCanBeAddedAndRemovedWhileRunning() {
        String id = TestIds.deviceId();
        Node ada = node("Ada", 7151, DiscoveryConfig.builder(new LocalNode(id, TestIds.shortId(id), "Ada", 7151, 1)));
        Node bob = node("Bob", 7152);
        ada.discovery().start();
        bob.discovery().start();
        assertThat(ada.discovery().boundAddresses()).isEmpty();

        ada.discovery().updateAddresses(List.of(LOOPBACK));
        assertThat(ada.discovery().boundAddresses()).containsExactly(LOOPBACK);
        await().atMost(FIND).until(() -> bob.events().found(ada.deviceId()).isPresent() && ada.events().found(bob.deviceId()).isPresent());

        ada.discovery().updateAddresses(List.of());
        assertThat(ada.discovery().boundAddresses()).isEmpty();
        await().atMost(FIND).until(() -> bob.events().lost(ada.deviceId()) && ada.events().lost(bob.deviceId()));
    }

    @Test
    void anAddressThatIsNotLocalIsNeverUsed() throws Exception {
        String id = TestIds.deviceId();
        InetAddress testNet = InetAddress.getByName("192.0.2.1"); // TEST-NET-1 (RFC 5737): on no interface
        Node ada = node("Ada", 7161, DiscoveryConfig.builder(new LocalNode(id, TestIds.shortId(id), "Ada", 7161, 1))
                .mdnsAddresses(List.of(testNet)));
        ada.discovery().start();

        assertThat(ada.discovery().boundAddresses()).isEmpty();
        assertThat(DiscoveryThreads.alive()).noneMatch(name -> name.startsWith("SocketListener(") || name.startsWith("JmDNS"));
    }

    @Test
    void lifecycleMisuseIsRejectedClearly() {
        Node ada = node("Ada", 7171);
        String nameplate = nameplate();
        assertThatThrownBy(() -> ada.discovery().advertisePairing(nameplate)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
        ada.discovery().start();
        assertThatThrownBy(() -> ada.discovery().start()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ada.discovery().advertisePairing("no spaces")).isInstanceOf(IllegalArgumentException.class);
        PairingAdvertisement advert = ada.discovery().advertisePairing(nameplate);
        assertThatThrownBy(() -> ada.discovery().advertisePairing(nameplate)).isInstanceOf(IllegalStateException.class);
        ada.discovery().close();
        advert.close(); // after close: harmless
        ada.discovery().close(); // idempotent
        assertThatThrownBy(() -> ada.discovery().lookupPairing(nameplate, FIND)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static String nameplate() {
        return Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    }

    private static byte[] txt(String... strings) {
        List<Byte> out = new ArrayList<>();
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            out.add((byte) bytes.length);
            for (byte b : bytes) {
                out.add(b);
            }
        }
        byte[] result = new byte[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    private static void acceptUntilClosed(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket accepted = server.accept();
                accepted.close(); // all a probe needs
            } catch (IOException e) {
                return;
            }
        }
    }

}
