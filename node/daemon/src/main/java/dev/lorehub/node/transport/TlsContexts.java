package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.util.function.Predicate;

/**
 * The four TLS contexts of a transport (client and server side, {@link TransportMode#PAIRED} and
 * {@link TransportMode#PAIRING}): JDK provider, TLS 1.3 only, mutual authentication required, this
 * device's certificate on both sides, peers checked by the crypto module's pinning trust manager.
 * No CA, no host name: the device id bound to the certificate is the name.
 *
 * <p><b>No session resumption.</b> A resumed TLS 1.3 session (a pre-shared key from an earlier
 * session's ticket) skips certificate checks, so the pinning trust manager would not run: a device
 * unpaired since it got its ticket would pass the handshake. Both ends therefore always make full
 * handshakes: servers never issue tickets (JSSE sends no NewSessionTicket when the session timeout
 * exceeds the seven-day ticket lifetime RFC 8446 allows, see {@link #NO_TICKETS_SESSION_TIMEOUT_SECONDS}),
 * so no client, ours or another, holds anything to resume with; and our clients never offer a
 * cached session (their engines are created without the peer's host and port). The pin check thus
 * runs in every handshake; the connection handler checks the paired set once more after it.
 */
final class TlsContexts {
    static final String TLS_1_3 = "TLSv1.3";
    /**
     * Session timeout of every context, in seconds: one more than RFC 8446's maximum ticket lifetime
     * of 7 days (604,800 s). JSSE then produces no NewSessionTicket at all ("session timeout is too
     * long"), which disables TLS 1.3 resumption without a JVM-wide system property.
     */
    static final long NO_TICKETS_SESSION_TIMEOUT_SECONDS = 604_801;
    /** Time allowed to flush our close_notify before the socket is closed anyway. */
    private static final long CLOSE_NOTIFY_FLUSH_MILLIS = 1000;

    private final SslContext pairedServer;
    private final SslContext pairedClient;
    private final SslContext pairingServer;
    private final SslContext pairingClient;

    TlsContexts(TlsIdentity identity, Predicate<DeviceId> paired) {
        Predicate<DeviceId> anyBoundDevice = id -> true; // pairing: the pairing handshake binds the fingerprints
        try {
            pairedServer = server(identity, paired);
            pairedClient = client(identity, paired);
            pairingServer = server(identity, anyBoundDevice);
            pairingClient = client(identity, anyBoundDevice);
        } catch (SSLException e) {
            throw new TransportException("cannot set up TLS 1.3 with the device certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A fresh handler. The client engine is created without the peer's host and port on purpose: the
     * JDK then never offers a cached session (see the class comment). SslHandler's own handshake
     * timeout is off; the connection handler's timer covers TLS and the transport hello together.
     */
    SslHandler newHandler(ByteBufAllocator alloc, TransportMode mode, boolean client) {
        SslContext context = mode == TransportMode.PAIRING
            ? (client ? pairingClient : pairingServer)
            : (client ? pairedClient : pairedServer);
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(0);
        handler.setCloseNotifyFlushTimeoutMillis(CLOSE_NOTIFY_FLUSH_MILLIS);
        handler.setCloseNotifyReadTimeoutMillis(0);
        return handler;
    }

    private static SslContext server(TlsIdentity identity, Predicate<DeviceId> accept) throws SSLException {
        return SslContextBuilder.forServer(identity.keyManagerFactory())
            .sslProvider(SslProvider.JDK)
            .protocols(TLS_1_3)
            .trustManager(TlsIdentity.pinningTrustManager(accept))
            .clientAuth(ClientAuth.REQUIRE)
            .sessionTimeout(NO_TICKETS_SESSION_TIMEOUT_SECONDS)
            .build();
    }

    private static SslContext client(TlsIdentity identity, Predicate<DeviceId> accept) throws SSLException {
        return SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(TLS_1_3)
            .keyManager(identity.keyManagerFactory())
            .trustManager(TlsIdentity.pinningTrustManager(accept))
            .endpointIdentificationAlgorithm(null) // Netty 4.2 defaults to HTTPS host name checks; peers are pinned by id
            .sessionTimeout(NO_TICKETS_SESSION_TIMEOUT_SECONDS)
            .build();
    }
}
