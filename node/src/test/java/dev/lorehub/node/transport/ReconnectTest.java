package dev.lorehub.node.transport;

import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** connectTo keeps a peer connected across restarts, and stops when told to. */
class ReconnectTest extends TransportHarness {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough for several retries at the test backoff (20 ms doubling to 200 ms). */
    private static final Duration QUIET = Duration.ofMillis(600);

    private final TlsIdentity alice = device(51);
    private final TlsIdentity bob = device(52);

    @Test
    void reconnectsWithBackoffAfterTheServerRestartsOnTheSamePort() {
        RecordingListener aliceEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents);
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        InetSocketAddress bobAddress = bobTransport.listen(anyPort()).address();

        aliceTransport.connectTo(bob.deviceId(), bobAddress);
        await().atMost(WAIT).until(() -> aliceEvents.open().size() == 1);

        bobTransport.close(); // bob's node stops
        await().atMost(WAIT).until(() -> aliceEvents.closed.size() == 1);
        assertThat(aliceEvents.closeReasons()).containsExactly("closed by peer: transport closed");
        // While bob is down, alice keeps retrying: refused connects pile up.
        await().atMost(WAIT).until(() -> aliceEvents.failed.size() >= 3);
        assertThat(aliceEvents.failureReasons()).anySatisfy(r -> assertThat(r).contains("connect to " + bobAddress));

        RecordingListener restartedEvents = new RecordingListener();
        PeerTransport restarted = transport(bob, pairedSet(alice)::contains, restartedEvents);
        restarted.listen(bobAddress); // same port

        await().atMost(WAIT).until(() -> aliceEvents.open().size() == 1 && restartedEvents.open().size() == 1);
        assertThat(aliceEvents.opened).hasSize(2);
        PeerConnection again = aliceEvents.open().get(0);
        assertThat(again.peer()).isEqualTo(bob.deviceId());
        assertThat(again.initiator()).isTrue();
        again.send(new byte[] {1, 2, 3});
        await().atMost(WAIT).until(() -> restartedEvents.frames.size() == 1);
    }

    @Test
    void forgetClosesTheConnectionAndStopsRedialing() {
        RecordingListener aliceEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents);
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        InetSocketAddress bobAddress = bobTransport.listen(anyPort()).address();
        aliceTransport.connectTo(bob.deviceId(), bobAddress);
        await().atMost(WAIT).until(() -> bobEvents.open().size() == 1);

        aliceTransport.forget(bob.deviceId());

        await().atMost(WAIT).until(() -> aliceEvents.closed.size() == 1 && bobEvents.closed.size() == 1);
        assertThat(aliceEvents.closeReasons()).containsExactly("peer forgotten");
        assertThat(bobEvents.closeReasons()).containsExactly("closed by peer: peer forgotten");
        await().during(QUIET).atMost(WAIT).until(() -> bobEvents.opened.size() == 1 && bobEvents.failed.isEmpty()
            && aliceEvents.opened.size() == 1);
        assertThat(aliceTransport.connection(bob.deviceId())).isEmpty();
    }

    @Test
    void closeStopsRedialing() {
        RecordingListener aliceEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents);
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        InetSocketAddress bobAddress = bobTransport.listen(anyPort()).address();
        aliceTransport.connectTo(bob.deviceId(), bobAddress);
        await().atMost(WAIT).until(() -> bobEvents.open().size() == 1);
        bobTransport.close();
        await().atMost(WAIT).until(() -> !aliceEvents.failed.isEmpty()); // alice is in its retry loop

        aliceTransport.close();
        RecordingListener restartedEvents = new RecordingListener();
        transport(bob, pairedSet(alice)::contains, restartedEvents).listen(bobAddress);

        await().during(QUIET).atMost(WAIT).until(() -> restartedEvents.opened.isEmpty() && restartedEvents.failed.isEmpty());
        assertThat(aliceEvents.closed).hasSize(1);
    }
}
