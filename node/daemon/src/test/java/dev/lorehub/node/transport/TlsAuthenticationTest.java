package dev.lorehub.node.transport;

import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.node.sync.FrameTooLargeException;
import dev.lorehub.node.sync.SyncCodec;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real TLS 1.3 mutual authentication on 127.0.0.1: who gets in, what each side learns, frames both ways. */
class TlsAuthenticationTest extends TransportHarness {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TlsIdentity alice = device(1);
    private final TlsIdentity bob = device(2);
    private final TlsIdentity mallory = device(3);

    @Test
    void pairedDevicesAuthenticateEachOtherAndExchangeFramesBothWays() {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents);
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        ListeningEndpoint endpoint = bobTransport.listen(anyPort());

        aliceTransport.connectOnce(endpoint.address(), TransportMode.PAIRED, bob.deviceId());

        await().atMost(WAIT).until(() -> aliceEvents.opened.size() == 1 && bobEvents.opened.size() == 1);
        PeerConnection atAlice = aliceEvents.opened.get(0);
        PeerConnection atBob = bobEvents.opened.get(0);
        assertThat(atAlice.peer()).isEqualTo(bob.deviceId());
        assertThat(atBob.peer()).isEqualTo(alice.deviceId());
        assertThat(atAlice.initiator()).isTrue();
        assertThat(atBob.initiator()).isFalse();
        assertThat(atAlice.mode()).isEqualTo(TransportMode.PAIRED);
        assertThat(atAlice.ownCertFingerprint()).isEqualTo(TlsIdentity.fingerprint(alice.certificate()))
            .isEqualTo(atBob.peerCertFingerprint());
        assertThat(atBob.ownCertFingerprint()).isEqualTo(TlsIdentity.fingerprint(bob.certificate()))
            .isEqualTo(atAlice.peerCertFingerprint());
        SSLSession session = ((NettyPeerConnection) atAlice).channel().pipeline().get(SslHandler.class).engine().getSession();
        assertThat(session.getProtocol()).isEqualTo("TLSv1.3");

        byte[] max = new byte[SyncCodec.MAX_FRAME];
        for (int i = 0; i < max.length; i++) {
            max[i] = (byte) (i * 31 + 7);
        }
        byte[] hello = "hello bob".getBytes(StandardCharsets.UTF_8);
        assertThat(atAlice.send(hello)).isTrue();
        assertThat(atAlice.send(max)).isTrue();
        assertThat(atAlice.send(new byte[0])).isTrue();
        assertThat(atBob.send("hello alice".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(atBob.send(max)).isTrue();

        await().atMost(WAIT).until(() -> bobEvents.frames.size() == 3 && aliceEvents.frames.size() == 2);
        List<byte[]> atBobFrames = bobEvents.framesFrom(atBob);
        assertThat(atBobFrames.get(0)).isEqualTo(hello);
        assertThat(atBobFrames.get(1)).isEqualTo(max);
        assertThat(atBobFrames.get(2)).isEmpty();
        List<byte[]> atAliceFrames = aliceEvents.framesFrom(atAlice);
        assertThat(new String(atAliceFrames.get(0), StandardCharsets.UTF_8)).isEqualTo("hello alice");
        assertThat(atAliceFrames.get(1)).isEqualTo(max);

        assertThatThrownBy(() -> atAlice.send(new byte[SyncCodec.MAX_FRAME + 1]))
            .isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                assertThat(e.limit()).isEqualTo(SyncCodec.MAX_FRAME);
                assertThat(e.size()).isEqualTo(SyncCodec.MAX_FRAME + 1);
                assertThat(e.inbound()).isFalse();
            })
            .hasMessage("outgoing frame of 3145729 bytes exceeds the limit of 3145728 bytes");
        assertThat(aliceEvents.failed).isEmpty();
        assertThat(bobEvents.failed).isEmpty();

        atAlice.close("done testing");
        await().atMost(WAIT).until(() -> aliceEvents.closed.size() == 1 && bobEvents.closed.size() == 1);
        assertThat(aliceEvents.closeReasons()).containsExactly("done testing");
        assertThat(bobEvents.closeReasons()).containsExactly("closed by peer: done testing");
        assertThat(atAlice.send(hello)).isFalse();
    }

    @Test
    void anUnpairedClientIsRefusedDuringTls() {
        RecordingListener bobEvents = new RecordingListener();
        RecordingListener malloryEvents = new RecordingListener();
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        PeerTransport malloryTransport = transport(mallory, pairedSet(bob)::contains, malloryEvents);
        ListeningEndpoint endpoint = bobTransport.listen(anyPort());

        CompletableFuture<PeerConnection> attempt = malloryTransport.connectOnce(endpoint.address(), TransportMode.PAIRED,
            bob.deviceId());

        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(TransportException.class).hasMessageContaining("TLS");
        await().atMost(WAIT).until(() -> bobEvents.failed.size() == 1);
        assertThat(bobEvents.failed.get(0).reason()).contains("TLS handshake failed")
            .contains(mallory.deviceId().toString()).contains("not paired");
        assertThat(bobEvents.opened).isEmpty();
        assertThat(malloryEvents.opened).isEmpty();
        assertThat(bobEvents.frames).isEmpty();
        assertThat(malloryEvents.frames).isEmpty();
    }

    @Test
    void anUnpairedServerIsRefusedDuringTls() {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener malloryEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents);
        PeerTransport malloryTransport = transport(mallory, pairedSet(alice)::contains, malloryEvents);
        ListeningEndpoint endpoint = malloryTransport.listen(anyPort());

        CompletableFuture<PeerConnection> attempt = aliceTransport.connectOnce(endpoint.address(), TransportMode.PAIRED, null);

        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(TransportException.class)
            .hasMessageContaining("TLS handshake failed").hasMessageContaining("not paired");
        await().atMost(WAIT).until(() -> malloryEvents.failed.size() == 1);
        assertThat(malloryEvents.failed.get(0).reason()).contains("TLS");
        assertThat(aliceEvents.opened).isEmpty();
        assertThat(malloryEvents.opened).isEmpty();
        assertThat(aliceEvents.frames).isEmpty();
        assertThat(malloryEvents.frames).isEmpty();
    }

    @Test
    void aDialThatReachesAnotherPairedDeviceFails() {
        TlsIdentity carol = device(4);
        RecordingListener aliceEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob, carol)::contains, aliceEvents);
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, new RecordingListener());
        ListeningEndpoint endpoint = bobTransport.listen(anyPort());

        CompletableFuture<PeerConnection> attempt = aliceTransport.connectOnce(endpoint.address(), TransportMode.PAIRED,
            carol.deviceId());

        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).cause()
            .hasMessageContaining("expected device " + carol.deviceId().shortForm())
            .hasMessageContaining("but reached " + bob.deviceId().shortForm());
        assertThat(aliceEvents.opened).isEmpty();
    }

    @Test
    void pairingModeLetsInAnyBoundDeviceAndExposesBothFingerprints() throws Exception {
        RecordingListener inviterEvents = new RecordingListener();
        RecordingListener joinerEvents = new RecordingListener();
        PeerTransport inviter = transport(bob, id -> false, inviterEvents);
        PeerTransport joiner = transport(mallory, id -> false, joinerEvents);
        ListeningEndpoint pairing = inviter.listen(anyPort(), TransportMode.PAIRING);

        PeerConnection atJoiner = joiner.connectOnce(pairing.address(), TransportMode.PAIRING, null).get(10, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> inviterEvents.opened.size() == 1);
        PeerConnection atInviter = inviterEvents.opened.get(0);
        assertThat(joinerEvents.opened).containsExactly(atJoiner);
        assertThat(atJoiner.mode()).isEqualTo(TransportMode.PAIRING);
        assertThat(atInviter.mode()).isEqualTo(TransportMode.PAIRING);
        assertThat(atJoiner.peer()).isEqualTo(bob.deviceId());
        assertThat(atInviter.peer()).isEqualTo(mallory.deviceId());
        assertThat(atJoiner.peerCertFingerprint()).isEqualTo(atInviter.ownCertFingerprint());
        assertThat(atInviter.peerCertFingerprint()).isEqualTo(atJoiner.ownCertFingerprint());

        atJoiner.send(new byte[] {42});
        await().atMost(WAIT).until(() -> inviterEvents.frames.size() == 1);
        assertThat(inviterEvents.frames.peek().bytes()).containsExactly(42);
    }

    @Test
    void aPairedDialToAPairingEndpointIsRefusedByTheHello() {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        PeerTransport aliceTransport = transport(alice, pairedSet(bob)::contains, aliceEvents);
        PeerTransport bobTransport = transport(bob, pairedSet(alice)::contains, bobEvents);
        ListeningEndpoint pairing = bobTransport.listen(anyPort(), TransportMode.PAIRING);

        CompletableFuture<PeerConnection> attempt = aliceTransport.connectOnce(pairing.address(), TransportMode.PAIRED, null);

        assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS)).cause().hasMessageContaining("mode");
        await().atMost(WAIT).until(() -> bobEvents.failed.size() == 1);
        assertThat(bobEvents.failed.get(0).reason()).contains("peer connected in PAIRED mode, this side is in PAIRING mode");
        assertThat(aliceEvents.opened).isEmpty();
        assertThat(bobEvents.opened).isEmpty();
    }
}
