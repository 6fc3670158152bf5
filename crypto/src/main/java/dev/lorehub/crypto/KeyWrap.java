package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.ByteReader;
import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Malformed;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A realm epoch key wrapped for one device with HPKE (RFC 9180, base mode, suite
 * DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, BouncyCastle's {@code crypto.hpke}),
 * realm id and epoch bound in, signed by the granting admin.
 *
 * <h2>Byte layout (version 1, 261 bytes, integers big-endian)</h2>
 * <pre>
 * offset  size  field
 *      0     1  version = 0x01
 *      1    16  realm id
 *     17     4  epoch
 *     21    32  recipient device id
 *     53    32  recipient X25519 public key (the one it signed in its DeviceKeys)
 *     85    32  admin's Ed25519 public key (admin id = SHA-256 of it)
 *    117    32  HPKE enc (the ephemeral X25519 public key)
 *    149    48  HPKE ciphertext of the 32-byte epoch key (+ 16-byte tag)
 *    197    64  admin's Ed25519 signature over "lorehub-keywrap-v1" || 0x00 || bytes [0, 197)
 * </pre>
 * Bytes {@code [0, 117)} are the header. HPKE {@code info} = {@code "lorehub-keywrap-v1" || 0x00 ||
 * header} and the AEAD's AAD = header, so the key only opens as the key of that realm and epoch, for
 * that recipient, from that admin. The ephemeral key pair is HPKE's {@code DeriveKeyPair} of 32
 * bytes drawn from the caller's random, so a seeded random reproduces the exact bytes.
 *
 * <p>This class checks signatures and addressing; whether the admin may grant keys for the realm
 * is the caller's decision ({@link #inspect} names the admin).
 */
public final class KeyWrap {
    /** Length of a wrapped key. */
    public static final int LENGTH = 261;
    private static final int VERSION = 1;
    private static final int HEADER_LENGTH = 117;
    private static final int SIGNED_LENGTH = 197;
    private static final byte[] DOMAIN = Bytes.ascii("lorehub-keywrap-v1\0");

    private KeyWrap() {
    }

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** Wraps {@code key} for {@code recipient} (whose keys must verify), signed by {@code admin}. All randomness from {@code random}. */
    public static byte[] wrap(EpochKey key, DeviceKeys recipient, DeviceIdentity admin, SecureRandom random) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(random, "random");
        recipient.verified();
        byte[] header = new byte[HEADER_LENGTH];
        header[0] = VERSION;
        key.realm().writeTo(header, 1);
        Bytes.putInt(header, 17, key.epoch());
        System.arraycopy(recipient.id().toBytes(), 0, header, 21, 32);
        System.arraycopy(recipient.agreementKey(), 0, header, 53, 32);
        System.arraycopy(admin.signingPublicKeyRef(), 0, header, 85, 32);

        HPKE hpke = hpke();
        byte[] ikmE = new byte[32];
        random.nextBytes(ikmE);
        AsymmetricCipherKeyPair ephemeral = hpke.deriveKeyPair(ikmE);
        byte[] ciphertext;
        byte[] enc;
        try {
            HPKEContextWithEncapsulation ctx = hpke.setupBaseS(hpke.deserializePublicKey(recipient.agreementKey()), info(header), ephemeral);
            enc = ctx.getEncapsulation();
            ciphertext = ctx.seal(header, key.key());
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw new CryptoException("cannot wrap a key for device " + recipient.id() + ": " + e.getMessage(), e);
        }
        byte[] signed = Bytes.concat(header, enc, ciphertext);
        if (signed.length != SIGNED_LENGTH) {
            throw new IllegalStateException("HPKE produced " + signed.length + " bytes, expected " + SIGNED_LENGTH);
        }
        return Bytes.concat(signed, admin.sign(Bytes.concat(DOMAIN, signed)));
    }

    /** Reads realm, epoch, recipient and admin from a wrapped key and verifies the admin's signature; does not decrypt. */
    public static WrappedKeyInfo inspect(byte[] wrapped) {
        return parse(wrapped).info;
    }

    /**
     * Verifies the admin signature, checks it is addressed to {@code recipient}, and decrypts.
     *
     * @throws CryptoException naming the problem: malformed, bad signature, addressed to another device or key, does not decrypt
     */
    public static EpochKey unwrap(byte[] wrapped, DeviceIdentity recipient) {
        Parsed p = parse(wrapped);
        DeviceKeys mine = recipient.publicKeys();
        if (!p.info.recipient().equals(recipient.id())) {
            throw new CryptoException("wrapped key for realm " + p.info.realm() + " epoch " + p.info.epoch()
                + " is addressed to device " + p.info.recipient() + ", not to this device " + recipient.id());
        }
        if (!MessageDigest.isEqual(p.recipientAgreementKey, mine.agreementKey())) {
            throw new CryptoException("wrapped key for realm " + p.info.realm() + " epoch " + p.info.epoch()
                + " is addressed to another agreement key of this device (an old one?)");
        }
        HPKE hpke = hpke();
        try {
            AsymmetricCipherKeyPair kp = hpke.deserializePrivateKey(recipient.agreementPrivateCopy(), mine.agreementKey());
            HPKEContext ctx = hpke.setupBaseR(p.enc, kp, info(p.header));
            byte[] key = ctx.open(p.header, p.ciphertext);
            return new EpochKey(p.info.realm(), p.info.epoch(), key);
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw new CryptoException("wrapped key for realm " + p.info.realm() + " epoch " + p.info.epoch()
                + " does not decrypt with this device's key", e);
        }
    }

    private static byte[] info(byte[] header) {
        return Bytes.concat(DOMAIN, header);
    }

    private record Parsed(WrappedKeyInfo info, byte[] header, byte[] recipientAgreementKey, byte[] enc, byte[] ciphertext) {
    }

    private static Parsed parse(byte[] wrapped) {
        Objects.requireNonNull(wrapped, "wrapped");
        if (wrapped.length != LENGTH) {
            throw new CryptoException("a wrapped key is " + LENGTH + " bytes, got " + wrapped.length);
        }
        try {
            ByteReader r = new ByteReader(wrapped);
            int version = r.u8("version");
            if (version != VERSION) {
                throw new CryptoException("wrapped key format version " + version + " is not supported (this build reads " + VERSION + ")");
            }
            RealmId realm = RealmId.fromBytes(r.bytes(16, "realm"));
            int epoch = r.i32("epoch");
            if (epoch < 0) {
                throw new CryptoException("wrapped key has a negative epoch " + epoch);
            }
            DeviceId recipient = DeviceId.fromBytes(r.bytes(32, "recipient"));
            byte[] recipientKey = r.bytes(32, "recipient agreement key");
            byte[] adminKey = r.bytes(32, "admin key");
            byte[] enc = r.bytes(32, "enc");
            byte[] ciphertext = r.bytes(48, "ciphertext");
            byte[] sig = r.bytes(64, "signature");
            r.expectEnd("wrapped key");
            byte[] signed = Arrays.copyOf(wrapped, SIGNED_LENGTH);
            if (!Signatures.verify(adminKey, Bytes.concat(DOMAIN, signed), sig)) {
                throw new CryptoException("wrapped key for realm " + realm + " epoch " + epoch
                    + " is not validly signed by its admin key: it was changed or forged");
            }
            WrappedKeyInfo info = new WrappedKeyInfo(realm, epoch, recipient, DeviceId.ofPublicKey(adminKey));
            return new Parsed(info, Arrays.copyOf(wrapped, HEADER_LENGTH), recipientKey, enc, ciphertext);
        } catch (Malformed e) {
            throw new CryptoException("wrapped key: " + e.getMessage());
        }
    }

    /**
     * Public facts of a wrapped key.
     *
     * @param realm     realm
     * @param epoch     epoch
     * @param recipient device the key is wrapped for
     * @param admin     device that signed the wrap
     */
    public record WrappedKeyInfo(RealmId realm, int epoch, DeviceId recipient, DeviceId admin) {
    }
}
