package dev.lorehub.crypto;

import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A self-signed X.509 certificate bound to a device identity, with its private key as a JCA key
 * that the JDK's TLS 1.3 engine accepts. The implementation documents here how the certificate
 * binds the Ed25519 identity (directly, or an ECDSA P-256 key signed by the identity).
 */
public final class TlsIdentity {
    private TlsIdentity() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A fresh certificate valid from {@code now} minus a day (clock skew) for 20 years. */
    public static TlsIdentity create(DeviceIdentity identity, Instant now, SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    public X509Certificate certificate() {
        throw new UnsupportedOperationException("skeleton");
    }

    public PrivateKey privateKey() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The device a presented certificate is bound to; {@link CryptoException} when the binding does not verify. */
    public static DeviceId deviceIdOf(X509Certificate presented) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** SHA-256 of the certificate's DER encoding. */
    public static byte[] fingerprint(X509Certificate certificate) {
        throw new UnsupportedOperationException("skeleton");
    }
}
