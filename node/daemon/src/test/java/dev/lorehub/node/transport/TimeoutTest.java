package dev.lorehub.node.transport;

import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.loopback;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static dev.lorehub.node.transport.TransportFixtures.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Connect, handshake and idle timeouts fire with their configured values; keep-alives hold a quiet link open. */
class TimeoutTest extends TransportHarness {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TlsIdentity alice = device(71);
    private final TlsIdentity bob = device(72);

    @Test
    void aConnectThatGetsNoAnswerTimesOut() throws Exception {
        // A listener with a full accept queue never answers further SYNs (Linux drops them).
        ServerSocket deaf = closeLater(new ServerSocket(0, 1, loopback()));
        InetSocketAddress address = new InetSocketAddress(loopback(), deaf.getLocalPort());
        fillAcceptQueue(address);
        RecordingListener events = new RecordingListener();
        PeerTransport transport = transport(alice, pairedSet(bob)::contains, events,
            testConfig().withConnectTimeout(Duration.ofMillis(300)));

        CompletableFuture<PeerConnection> attempt = transport.connectOnce(address, TransportMode.PAIRED, bob.deviceId());

        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).cause()
            .hasMessage("connect to " + address + " timed out after 300 ms");
        assertThat(events.failed).singleElement().satisfies(f -> assertThat(f.initiator()).isTrue());
    }

    @Test
    void aPeerThatNeverStartsTlsIsCutOffAfterTheHandshakeTimeout() throws Exception {
        RecordingListener events = new RecordingListener();
        PeerTransport transport = transport(bob, pairedSet(alice)::contains, events,
            testConfig().withHandshakeTimeout(Duration.ofMillis(300)));
        InetSocketAddress address = transport.listen(anyPort()).address();

        try (Socket silent = new Socket(address.getAddress(), address.getPort())) {
            silent.setSoTimeout(10_000);
            InputStream in = silent.getInputStream();
            assertThat(readUntilClosed(in)).isTrue();
        }
        await().atMost(WAIT).until(() -> events.failed.size() == 1);
        assertThat(events.failed.get(0).reason()).isEqualTo("handshake timed out after 300 ms (TLS and transport hello)");
        assertThat(events.failed.get(0).initiator()).isFalse();
        assertThat(events.opened).isEmpty();
    }

    @Test
    void aSilentPeerIsClosedAfterTheIdleTimeout() {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        // Alice sends no keep-alives; bob gives up after 400 ms of silence.
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents,
            testConfig().withIdle(Duration.ZERO, Duration.ZERO));
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents,
            testConfig().withIdle(Duration.ofMillis(400), Duration.ZERO));
        aliceTransport.connectOnce(bobTransport.listen(anyPort()).address(), TransportMode.PAIRED, bob.deviceId());

        await().atMost(WAIT).until(() -> bobEvents.closed.size() == 1 && aliceEvents.closed.size() == 1);
        assertThat(bobEvents.closeReasons()).containsExactly("idle timeout: nothing received for 400 ms");
        assertThat(aliceEvents.closeReasons()).containsExactly("closed by peer: idle timeout: nothing received for 400 ms");
    }

    @Test
    void keepAlivesHoldAQuietConnectionOpen() {
        TransportConfig config = testConfig().withIdle(Duration.ofMillis(400), Duration.ofMillis(100));
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents, config);
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents, config);
        aliceTransport.connectOnce(bobTransport.listen(anyPort()).address(), TransportMode.PAIRED, bob.deviceId());
        await().atMost(WAIT).until(() -> aliceEvents.opened.size() == 1 && bobEvents.opened.size() == 1);

        await().during(Duration.ofMillis(1200)).atMost(WAIT)
            .until(() -> aliceEvents.closed.isEmpty() && bobEvents.closed.isEmpty());
        assertThat(aliceEvents.frames).isEmpty(); // pings are never delivered
        assertThat(bobEvents.frames).isEmpty();
    }

    @Test
    void aPausedConsumerIsNotCutOffForIdleness() {
        TransportConfig quiet = testConfig().withIdle(Duration.ZERO, Duration.ZERO);
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        bobEvents.onOpened = c -> c.pauseReading(true);
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents, quiet);
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents,
            testConfig().withIdle(Duration.ofMillis(300), Duration.ZERO));
        aliceTransport.connectOnce(bobTransport.listen(anyPort()).address(), TransportMode.PAIRED, bob.deviceId());
        await().atMost(WAIT).until(() -> bobEvents.opened.size() == 1);

        await().during(Duration.ofMillis(900)).atMost(WAIT).until(() -> bobEvents.closed.isEmpty());

        bobEvents.opened.get(0).pauseReading(false); // resumed and still silent: the timeout applies again
        await().atMost(WAIT).until(() -> bobEvents.closed.size() == 1);
        assertThat(bobEvents.closeReasons()).containsExactly("idle timeout: nothing received for 300 ms");
    }

    /** Connects plain sockets until one gets no answer: the accept queue is then full. Bounded to 16 tries. */
    private void fillAcceptQueue(InetSocketAddress address) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(address, 200);
                closeLater(socket);
            } catch (SocketTimeoutException e) {
                socket.close();
                return;
            }
        }
        throw new AssertionError("the accept queue of " + address + " never filled up");
    }

    /** True when the server closed the connection; false if nothing happened within the socket timeout. */
    private static boolean readUntilClosed(InputStream in) {
        try {
            for (int i = 0; i < 1000; i++) {
                if (in.read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
