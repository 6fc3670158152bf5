package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static dev.lorehub.node.transport.TransportFixtures.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Unauthenticated strangers get a bounded number of handshakes at once, and every TLS handshake runs
 * the pin check: no session is ever resumed, so a device unpaired since its last connection is
 * refused by TLS itself, even with a client that would resume if it could.
 */
class HandshakeHardeningTest extends TransportHarness {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TlsIdentity alice = device(1);
    private final TlsIdentity bob = device(2);

    @Test
    void acceptedConnectionsBeyondTheHandshakeCapAreClosedAtOnce() throws Exception {
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents,
            testConfig().withMaxHandshakingInbound(4).withHandshakeTimeout(Duration.ofSeconds(20)));
        ListeningEndpoint endpoint = bobTransport.listen(anyPort());

        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // strangers that connect and say nothing: each holds a slot
                silent.add(closeLater(connect(endpoint.address())));
            }
            await().atMost(WAIT).until(() -> bobTransport.handshakingInbound() == 4);

            try (Socket fifth = connect(endpoint.address())) {
                fifth.setSoTimeout(3_000);
                assertThat(readOrTimeout(fifth.getInputStream())).as("the fifth is closed by the server at once").isEqualTo(-1);
            }
            assertThat(bobTransport.handshakingInbound()).isEqualTo(4);

            // A paired device cannot get in while the strangers hold every slot ...
            PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, new RecordingListener());
            assertThat(aliceTransport.connectOnce(endpoint.address(), TransportMode.PAIRED, bob.deviceId()))
                .failsWithin(WAIT);
            // ... and can once they are gone.
            for (Socket s : silent) {
                s.close();
            }
            await().atMost(WAIT).until(() -> bobTransport.handshakingInbound() == 0);
            assertThat(aliceTransport.connectOnce(endpoint.address(), TransportMode.PAIRED, bob.deviceId()))
                .succeedsWithin(WAIT);
            await().atMost(WAIT).until(() -> bobEvents.opened.size() == 1);
            assertThat(bobTransport.handshakingInbound()).isZero(); // an open connection gave its slot back
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    /**
     * Bob's paired set as a predicate that also counts the calls made by the pinning trust manager,
     * i.e. the pin checks run inside TLS handshakes (not the transport's own re-check after them).
     */
    static final class CountingPairedSet implements Predicate<DeviceId> {
        final Set<DeviceId> paired;
        final AtomicInteger pinChecks = new AtomicInteger();

        CountingPairedSet(Set<DeviceId> paired) {
            this.paired = paired;
        }

        @Override
        public boolean test(DeviceId id) {
            boolean inTrustManager = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getClassName().endsWith("PinningTrustManager")));
            if (inTrustManager) {
                pinChecks.incrementAndGet();
            }
            return paired.contains(id);
        }
    }

    @Test
    void everyHandshakeRunsThePinCheckEvenForAClientThatWouldResume() throws Exception {
        Set<DeviceId> paired = pairedSet(alice);
        CountingPairedSet bobsCheck = new CountingPairedSet(paired);
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, bobsCheck, bobEvents);
        ListeningEndpoint endpoint = bobTransport.listen(anyPort());
        ResumingClient client = new ResumingClient(alice);

        client.connectAndReadHello(endpoint.address());
        await().atMost(WAIT).until(() -> bobEvents.failed.size() + bobEvents.opened.size() >= 1 || bobsCheck.pinChecks.get() == 1);
        assertThat(bobsCheck.pinChecks.get()).isEqualTo(1);

        client.connectAndReadHello(endpoint.address()); // the same client, host and port: it offers its ticket if it has one
        await().atMost(WAIT).until(() -> bobsCheck.pinChecks.get() >= 2);
        assertThat(bobsCheck.pinChecks.get()).as("a pin check in the second handshake too (no resumption)").isEqualTo(2);
    }

    @Test
    void aDeviceUnpairedBetweenTwoConnectionsIsRefusedByTheTlsHandshake() throws Exception {
        Set<DeviceId> paired = pairedSet(alice);
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, paired::contains, bobEvents);
        ListeningEndpoint endpoint = bobTransport.listen(anyPort());
        ResumingClient client = new ResumingClient(alice);

        assertThat(client.connectAndReadHello(endpoint.address())).as("Bob's transport hello").isTrue();
        paired.remove(alice.deviceId()); // unpaired

        assertThat(client.connectAndReadHello(endpoint.address())).isFalse();
        await().atMost(WAIT).until(() -> !bobEvents.failed.isEmpty());
        assertThat(bobEvents.failureReasons()).last().asString()
            .startsWith("TLS handshake failed").contains(alice.deviceId().toString()).contains("not paired");
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5_000);
        return s;
    }

    private static int readOrTimeout(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            return -1; // reset: closed too
        }
    }

    /**
     * A plain JSSE TLS 1.3 client with a paired device's certificate that keeps its session cache and
     * names the server's host and port, so it offers a ticket from an earlier connection whenever it
     * received one: what any client, not only ours, can do.
     */
    static final class ResumingClient {
        private final SSLContext context;

        ResumingClient(TlsIdentity identity) throws Exception {
            context = SSLContext.getInstance("TLSv1.3");
            context.init(identity.keyManagerFactory().getKeyManagers(), new TrustManager[] {new TrustAnyServer()},
                new SecureRandom());
        }

        /**
         * Connects, handshakes and reads the server's first frame; true if it is the transport hello (the
         * server accepted this device), false if the server refused (a TLS alert, or a close frame).
         */
        boolean connectAndReadHello(InetSocketAddress address) throws IOException {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getHostString(),
                address.getPort())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                byte[] header = socket.getInputStream().readNBytes(Frames.HEADER_BYTES); // processes any NewSessionTicket first
                return header.length == Frames.HEADER_BYTES && header[4] == Frames.HELLO;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The test client does not check the server: only what the server checks is under test. */
    static final class TrustAnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

}
