package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.FixedKeyManager;
import dev.lorehub.crypto.internal.FixedKeyManagerFactory;
import dev.lorehub.crypto.internal.PinningTrustManager;
import dev.lorehub.crypto.internal.Sha256;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A self-signed X.509 certificate bound to a device identity, with its private key as a JCA key
 * that the JDK's TLS 1.3 engine accepts.
 *
 * <p><b>Binding.</b> The certificate's subject public key <em>is</em> the device's Ed25519 identity
 * key, and the certificate is self-signed with it (signature algorithm Ed25519, OID 1.3.101.112).
 * The device id is therefore SHA-256 of the certificate's raw 32-byte public key;
 * {@link #deviceIdOf} checks the self-signature and returns it. The JDK 17 TLS engine (SunJSSE)
 * supports the {@code ed25519} signature scheme for TLS 1.3 CertificateVerify on both sides
 * (verified by this module's tests with a mutually authenticated TLSv1.3 handshake), so no
 * separate ECDSA key is needed. TLS 1.3 signs {@code 64 × 0x20 || context string || hash}, which
 * no other signature of this module can collide with (they all start with a {@code lorehub-} label).
 *
 * <p>Subject and issuer: {@code CN=<device id>, O=LoreHub Sync}; serial: 16 random bytes (made positive and non-zero);
 * extensions: basicConstraints CA=false, keyUsage digitalSignature, extendedKeyUsage
 * serverAuth + clientAuth. Validity: {@code now − 1 day} (clock skew) to 20 years after that;
 * dates are informational, since peers are pinned by device id.
 *
 * <p>{@link #keyManager()}, {@link #keyManagerFactory()} and {@link #pinningTrustManager} are what
 * a TLS stack (JDK {@code SSLContext}, Netty's {@code SslContextBuilder}) needs for mutual
 * authentication between pinned devices.
 */
public final class TlsIdentity {
    private static final String ED25519_OID = EdECObjectIdentifiers.id_Ed25519.getId();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final DeviceId deviceId;

    private TlsIdentity(X509Certificate certificate, PrivateKey privateKey, DeviceId deviceId) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.deviceId = deviceId;
    }

    /** A fresh certificate valid from {@code now} minus a day (clock skew) for 20 years. The serial number comes from {@code random}. */
    public static TlsIdentity create(DeviceIdentity identity, Instant now, SecureRandom random) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(random, "random");
        Instant notBefore = now.minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = notBefore.atOffset(ZoneOffset.UTC).plusYears(20).toInstant();
        byte[] serialBytes = new byte[16];
        random.nextBytes(serialBytes);
        serialBytes[0] &= 0x7F; // positive, at most 20 octets, as RFC 5280 asks
        serialBytes[0] |= 0x01; // and never zero
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.CN, identity.id().toString())
            .addRDN(BCStyle.O, "LoreHub Sync")
            .build();
        SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
            identity.signingPublicKeyRef());
        try {
            X509CertificateHolder holder = new X509v3CertificateBuilder(name, new BigInteger(serialBytes),
                Date.from(notBefore), Date.from(notAfter), name, spki)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                .build(new IdentitySigner(identity));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, identity.signingSeedCopy()));
            return new TlsIdentity(cert, key, identity.id());
        } catch (IOException | GeneralSecurityException e) {
            throw new CryptoException("cannot create the TLS certificate for device " + identity.id() + ": " + e, e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The JCA private key (the JDK's EdDSA key for the identity's Ed25519 seed); hand it only to the TLS engine. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The device this certificate is bound to. */
    public DeviceId deviceId() {
        return deviceId;
    }

    /** SHA-256 of this certificate's DER encoding (what the pairing handshake binds). */
    public byte[] fingerprint() {
        return fingerprint(certificate);
    }

    /** A key manager that presents this certificate on the client and on the server side. */
    public X509ExtendedKeyManager keyManager() {
        return new FixedKeyManager(certificate, privateKey);
    }

    /** A ready (already initialised) factory serving {@link #keyManager()}; for APIs that take a factory. */
    public KeyManagerFactory keyManagerFactory() {
        return new FixedKeyManagerFactory(keyManager());
    }

    /**
     * A trust manager for either side that accepts a peer only if it presents a single certificate
     * whose binding {@link #deviceIdOf verifies} and whose device id passes {@code accept}; otherwise
     * {@code checkClientTrusted}/{@code checkServerTrusted} throw a {@link java.security.cert.CertificateException}
     * naming the device id (or why there is none). The instance is an
     * {@link javax.net.ssl.X509ExtendedTrustManager}, so the JDK applies no CA or host name checks of its own.
     * Pairing mode passes {@code id -> true}: there the pairing handshake binds the certificate fingerprints.
     */
    public static X509TrustManager pinningTrustManager(Predicate<DeviceId> accept) {
        Objects.requireNonNull(accept, "accept");
        return new PinningTrustManager<>(TlsIdentity::deviceIdOf, accept);
    }

    /**
     * The device a presented certificate is bound to: checks that it is an Ed25519 certificate
     * self-signed by its own key and returns SHA-256 of that key. {@link CryptoException} naming the
     * problem when the binding does not verify.
     */
    public static DeviceId deviceIdOf(X509Certificate presented) {
        Objects.requireNonNull(presented, "presented");
        if (!ED25519_OID.equals(presented.getSigAlgOID())) {
            throw new CryptoException("certificate is signed with " + presented.getSigAlgName() + ", not Ed25519");
        }
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(presented.getPublicKey().getEncoded());
        if (!EdECObjectIdentifiers.id_Ed25519.equals(spki.getAlgorithm().getAlgorithm())) {
            throw new CryptoException("certificate key is " + spki.getAlgorithm().getAlgorithm() + ", not Ed25519");
        }
        byte[] key = spki.getPublicKeyData().getOctets();
        byte[] tbs;
        try {
            tbs = presented.getTBSCertificate();
        } catch (CertificateEncodingException e) {
            throw new CryptoException("certificate cannot be re-encoded: " + e.getMessage(), e);
        }
        if (!Signatures.verify(key, tbs, presented.getSignature())) {
            throw new CryptoException("certificate is not self-signed by its own Ed25519 key");
        }
        return DeviceId.ofPublicKey(key);
    }

    /** SHA-256 of the certificate's DER encoding. */
    public static byte[] fingerprint(X509Certificate certificate) {
        try {
            return Sha256.hash(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new CryptoException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** bcpkix's hook for signing the to-be-signed certificate with the device identity (no JCA provider needed). */
    private static final class IdentitySigner implements ContentSigner {
        private final DeviceIdentity identity;
        private final ByteArrayOutputStream tbs = new ByteArrayOutputStream(512);

        IdentitySigner(DeviceIdentity identity) {
            this.identity = identity;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
        }

        @Override
        public OutputStream getOutputStream() {
            return tbs;
        }

        @Override
        public byte[] getSignature() {
            return identity.sign(tbs.toByteArray());
        }
    }
}
