package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsIdentityTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final SecureRandom random = SeededRandom.of(91);
    private final DeviceIdentity alice = DeviceIdentity.generate(random);
    private final DeviceIdentity bob = DeviceIdentity.generate(random);
    private final TlsIdentity aliceTls = TlsIdentity.create(alice, NOW, random);
    private final TlsIdentity bobTls = TlsIdentity.create(bob, NOW, random);

    @Test
    void certificateIsBoundToTheIdentity() throws Exception {
        X509Certificate cert = aliceTls.certificate();
        assertThat(TlsIdentity.deviceIdOf(cert)).isEqualTo(alice.id());
        assertThat(aliceTls.deviceId()).isEqualTo(alice.id());
        assertThat(cert.getSigAlgName()).isEqualTo("Ed25519");
        assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=" + alice.id());
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(1, ChronoUnit.DAYS));
        assertThat(cert.getNotAfter().toInstant()).isAfter(NOW.plus(365L * 19, ChronoUnit.DAYS));
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        cert.verify(cert.getPublicKey()); // the JDK agrees it is self-signed
        assertThat(aliceTls.privateKey().getAlgorithm()).isEqualTo("EdDSA");
        assertThat(TlsIdentity.fingerprint(cert)).isEqualTo(java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        assertThat(aliceTls.fingerprint()).hasSize(32);
    }

    @Test
    void aCertificateWithAnotherKeyOrSignatureIsRejected() throws Exception {
        byte[] der = aliceTls.certificate().getEncoded();
        // flip a bit inside the signature (last bytes of the DER)
        byte[] bad = der.clone();
        bad[bad.length - 5] ^= 1;
        X509Certificate tampered = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(bad));
        assertThatThrownBy(() -> TlsIdentity.deviceIdOf(tampered)).isInstanceOf(CryptoException.class).hasMessageContaining("self-signed");
    }

    @Test
    void sameInputsSameCertificate() {
        TlsIdentity a = TlsIdentity.create(alice, NOW, SeededRandom.of(5));
        TlsIdentity b = TlsIdentity.create(alice, NOW, SeededRandom.of(5));
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    }

    @Test
    void realTls13MutualAuthenticationBetweenPinnedDevices() throws Exception {
        SSLEngine client = engine(aliceTls.keyManagerFactory().getKeyManagers(), id -> id.equals(bob.id()), true);
        SSLEngine server = engine(new KeyManager[] {bobTls.keyManager()}, id -> id.equals(alice.id()), false);
        handshake(client, server);

        SSLSession cs = client.getSession();
        SSLSession ss = server.getSession();
        assertThat(cs.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(ss.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(cs.getPeerCertificates()).hasSize(1);
        assertThat(TlsIdentity.deviceIdOf((X509Certificate) cs.getPeerCertificates()[0])).isEqualTo(bob.id());
        assertThat(TlsIdentity.deviceIdOf((X509Certificate) ss.getPeerCertificates()[0])).isEqualTo(alice.id());
        assertThat(TlsIdentity.fingerprint((X509Certificate) ss.getPeerCertificates()[0])).isEqualTo(aliceTls.fingerprint());

        // application data flows both ways
        assertThat(transfer(client, server, "hello bob")).isEqualTo("hello bob");
        assertThat(transfer(server, client, "hello alice")).isEqualTo("hello alice");
    }

    @Test
    void anUnpinnedDeviceIsRejected() throws Exception {
        DeviceIdentity mallory = DeviceIdentity.generate(random);
        TlsIdentity malloryTls = TlsIdentity.create(mallory, NOW, random);
        SSLEngine client = engine(new KeyManager[] {malloryTls.keyManager()}, id -> true, true);
        SSLEngine server = engine(new KeyManager[] {bobTls.keyManager()}, id -> id.equals(alice.id()), false);
        assertThatThrownBy(() -> handshake(client, server)).isInstanceOf(SSLException.class)
            .hasStackTraceContaining("device " + mallory.id() + ", which is not paired");

        X509TrustManager pin = TlsIdentity.pinningTrustManager(id -> id.equals(alice.id()));
        assertThat(pin).isInstanceOf(X509ExtendedTrustManager.class);
        assertThatThrownBy(() -> pin.checkClientTrusted(new X509Certificate[] {malloryTls.certificate()}, "EdDSA"))
            .isInstanceOf(CertificateException.class).hasMessageContaining(mallory.id().toString()).hasMessageContaining("not paired");
        assertThatThrownBy(() -> pin.checkServerTrusted(new X509Certificate[] {malloryTls.certificate()}, "EdDSA"))
            .isInstanceOf(CertificateException.class).hasMessageContaining(mallory.id().toString());
        assertThatThrownBy(() -> pin.checkServerTrusted(new X509Certificate[] {aliceTls.certificate(), bobTls.certificate()}, "EdDSA"))
            .isInstanceOf(CertificateException.class).hasMessageContaining("2 certificates");
        pin.checkClientTrusted(new X509Certificate[] {aliceTls.certificate()}, "EdDSA"); // accepted
        assertThat(pin.getAcceptedIssuers()).isEmpty();
    }

    @Test
    void theServerRejectsAClientItDoesNotPin() {
        SSLEngine client = engine(new KeyManager[] {aliceTls.keyManager()}, id -> id.equals(bob.id()), true);
        SSLEngine server = engine(new KeyManager[] {bobTls.keyManager()}, id -> false, false);
        assertThatThrownBy(() -> handshake(client, server)).isInstanceOf(SSLException.class)
            .hasStackTraceContaining(alice.id().toString());
    }

    private static SSLEngine engine(KeyManager[] kms, Predicate<DeviceId> accept, boolean clientMode) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kms, new TrustManager[] {TlsIdentity.pinningTrustManager(accept)}, SeededRandom.of(clientMode ? 1 : 2));
            SSLEngine e = ctx.createSSLEngine();
            e.setUseClientMode(clientMode);
            e.setEnabledProtocols(new String[] {"TLSv1.3"});
            if (!clientMode) {
                e.setNeedClientAuth(true);
            }
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Runs both engines against each other in memory until the handshake is done (bounded). */
    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        ByteBuffer c2s = ByteBuffer.allocate(1 << 16);
        ByteBuffer s2c = ByteBuffer.allocate(1 << 16);
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 50; round++) {
            step(client, empty, c2s, s2c, sink);
            step(server, empty, s2c, c2s, sink);
            // done when both finished and no record is still in flight (TLS 1.3 servers send session tickets after)
            if (done(client) && done(server) && c2s.position() == 0 && s2c.position() == 0) {
                return;
            }
        }
        throw new AssertionError("handshake did not finish in 50 rounds");
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink) throws SSLException {
        e.wrap(empty, out);
        runTasks(e);
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult r = e.unwrap(in, sink);
            runTasks(e);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        e.wrap(empty, out);
        runTasks(e);
    }

    private static void runTasks(SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run(); // on this thread: no executors
        }
    }

    private static String transfer(SSLEngine from, SSLEngine to, String text) throws SSLException {
        ByteBuffer net = ByteBuffer.allocate(1 << 16);
        from.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), net);
        net.flip();
        ByteBuffer app = ByteBuffer.allocate(1 << 16);
        while (net.hasRemaining()) {
            SSLEngineResult r = to.unwrap(net, app);
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        app.flip();
        return StandardCharsets.UTF_8.decode(app).toString();
    }
}
