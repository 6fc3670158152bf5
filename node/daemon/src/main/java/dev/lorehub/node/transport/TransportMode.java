package dev.lorehub.node.transport;

/**
 * How a listener or an outgoing connection authenticates the peer. Both modes run the same TLS 1.3
 * mutual authentication with the devices' {@link dev.lorehub.crypto.TlsIdentity} certificates; they
 * differ in which device ids are let in.
 */
public enum TransportMode {
    /**
     * Normal operation: the peer's certificate must be bound to a device in the paired set (the
     * transport's {@code paired} predicate), checked inside the TLS handshake and again when the
     * connection opens. At most one such connection per peer is kept (see {@link PeerTransport}).
     */
    PAIRED,
    /**
     * The one-time pairing exchange: any device whose certificate binding verifies is let in, since the
     * pairing handshake binds both {@linkplain PeerConnection#peerCertFingerprint certificate fingerprints}
     * cryptographically. Pairing connections are never deduplicated, never reconnected and never
     * replace a paired connection; both sides must use this mode (the transport hello says which one
     * each side used, and a mismatch closes the connection).
     */
    PAIRING
}
