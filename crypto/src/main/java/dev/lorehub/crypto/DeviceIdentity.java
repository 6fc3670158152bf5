package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.ByteReader;
import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Ed25519Ops;
import dev.lorehub.crypto.internal.OwnerOnlyFile;
import dev.lorehub.crypto.internal.Sha256;
import org.bouncycastle.math.ec.rfc7748.X25519;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A device's secret identity: an Ed25519 signing key pair and an X25519 key pair for receiving
 * realm keys. Persisted to a file readable only by its owner.
 *
 * <p><b>Key file</b> (101 bytes): {@code "LHID"} {@code || 0x01} (version) {@code ||
 * Ed25519 seed (32) || X25519 private key (32) || SHA-256 of the preceding 69 bytes}. The public
 * keys are recomputed on load. The checksum turns any damage into a clear "corrupted" error rather
 * than a different identity.
 *
 * <p>Every signature this module makes starts with its own ASCII domain label (for example
 * {@code "lorehub-envelope-v1\0"}), so a signature made for one purpose is never valid for another.
 * The same key also signs the TLS handshake ({@link TlsIdentity}); TLS 1.3 prefixes what it signs
 * with 64 spaces and its own context string, which no label here starts with.
 *
 * <p>Thread-safe and immutable. {@link #toString()} prints the id only.
 */
public final class DeviceIdentity {
    private static final byte[] MAGIC = Bytes.ascii("LHID");
    private static final int VERSION = 1;
    private static final int FILE_LENGTH = 4 + 1 + 32 + 32 + 32;

    private final byte[] signingSeed;
    private final byte[] signingPublic;
    private final byte[] agreementPrivate;
    private final DeviceId id;
    // Made on first use: a command that only shows this device's id never needs the X25519 public key
    // or its signature (two more scalar multiplications). Deterministic, so a race only computes it twice.
    private volatile DeviceKeys publicKeys;

    private DeviceIdentity(byte[] signingSeed, byte[] agreementPrivate) {
        this.signingSeed = signingSeed;
        this.signingPublic = Ed25519Ops.publicKeyOf(signingSeed);
        this.agreementPrivate = agreementPrivate;
        this.id = DeviceId.ofPublicKey(signingPublic);
    }

    /** A fresh identity drawn from {@code random} (a seeded random gives a reproducible identity, for simulation). */
    public static DeviceIdentity generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        byte[] agreement = new byte[32];
        X25519.generatePrivateKey(random, agreement);
        return new DeviceIdentity(seed, agreement);
    }

    /** An identity from its raw secret keys (RFC 8032 seed and RFC 7748 scalar, 32 bytes each); for tests and key import. */
    public static DeviceIdentity fromSecretKeys(byte[] ed25519Seed, byte[] x25519Private) {
        if (ed25519Seed == null || ed25519Seed.length != 32 || x25519Private == null || x25519Private.length != 32) {
            throw new IllegalArgumentException("Ed25519 seed and X25519 private key are 32 bytes each");
        }
        return new DeviceIdentity(ed25519Seed.clone(), x25519Private.clone());
    }

    /**
     * Loads an identity saved by {@link #save}.
     *
     * @throws KeyFileException naming the file and the fix when it is missing, readable by others, or corrupted
     */
    public static DeviceIdentity load(Path file) {
        byte[] bytes;
        try {
            bytes = OwnerOnlyFile.read(file, 4096);
        } catch (OwnerOnlyFile.Problem p) {
            throw switch (p.kind) {
                case MISSING -> new KeyFileException(file, "No device identity at " + file
                    + ". Fix: create one (the node does this on first start) or point the node at the right file.", p);
                case TOO_OPEN -> new KeyFileException(file, "Device identity file " + file + " " + p.getMessage()
                    + "; it holds this device's secret key and must be readable by its owner only. Fix: chmod 600 " + file, p);
                case TOO_LARGE -> corrupted(file, p.getMessage());
                case UNREADABLE -> new KeyFileException(file, "Device identity file " + file + " " + p.getMessage()
                    + ". Fix: check that this user owns the file and can read it.", p);
            };
        }
        if (bytes.length != FILE_LENGTH) {
            throw corrupted(file, "it is " + bytes.length + " bytes, an identity file is " + FILE_LENGTH);
        }
        ByteReader r = new ByteReader(bytes);
        if (!MessageDigest.isEqual(r.bytes(4, "magic"), MAGIC)) {
            throw corrupted(file, "it does not start with the identity file marker");
        }
        int version = r.u8("version");
        if (version != VERSION) {
            throw new KeyFileException(file, "Device identity file " + file + " has format version " + version
                + ", this build reads version " + VERSION + ". Fix: run the newer build that wrote it.");
        }
        byte[] seed = r.bytes(32, "seed");
        byte[] agreement = r.bytes(32, "agreement key");
        byte[] checksum = r.bytes(32, "checksum");
        if (!MessageDigest.isEqual(checksum, Sha256.hash(bytes, 0, FILE_LENGTH - 32))) {
            throw corrupted(file, "its checksum does not match its content");
        }
        return new DeviceIdentity(seed, agreement);
    }

    private static KeyFileException corrupted(Path file, String why) {
        return new KeyFileException(file, "Device identity file " + file + " is corrupted: " + why
            + ". Fix: restore it from a backup; otherwise move it away, let the node create a new identity,"
            + " and pair this device again (its device id will change).");
    }

    /** Writes the identity atomically to {@code file} with owner-only permissions (0600 on POSIX). */
    public void save(Path file) {
        byte[] content = Bytes.concat(MAGIC, new byte[] {VERSION}, signingSeed, agreementPrivate);
        byte[] out = Bytes.concat(content, Sha256.hash(content));
        try {
            OwnerOnlyFile.writeAtomically(file, out);
        } catch (IOException e) {
            throw new KeyFileException(file, "Cannot write device identity to " + file + ": " + e
                + ". Fix: check that the directory exists and is writable by this user.", e);
        }
    }

    public DeviceId id() {
        return id;
    }

    /** The public keys, with the X25519 key signed by the identity key. */
    public DeviceKeys publicKeys() {
        DeviceKeys keys = publicKeys;
        if (keys == null) {
            byte[] agreementPublic = new byte[X25519.POINT_SIZE];
            X25519.scalarMultBase(agreementPrivate, 0, agreementPublic, 0);
            keys = new DeviceKeys(signingPublic, agreementPublic,
                sign(DeviceKeys.agreementKeyMessage(signingPublic, agreementPublic)));
            publicKeys = keys;
        }
        return keys;
    }

    /** Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        byte[] sig = new byte[Ed25519Ops.SIGNATURE_LENGTH];
        Ed25519Ops.sign(signingSeed, signingPublic, message, 0, message.length, sig, 0);
        return sig;
    }

    /** Signs {@code message[off, off+len)} into {@code sig} at {@code sigOff}, without copies (envelope hot path). */
    void signInto(byte[] message, int off, int len, byte[] sig, int sigOff) {
        Ed25519Ops.sign(signingSeed, signingPublic, message, off, len, sig, sigOff);
    }

    /** The Ed25519 public key, not copied: callers in this package must not modify it. */
    byte[] signingPublicKeyRef() {
        return signingPublic;
    }

    /** A copy of the Ed25519 seed (for the JCA key {@link TlsIdentity} hands to the TLS engine). */
    byte[] signingSeedCopy() {
        return signingSeed.clone();
    }

    /** A copy of the X25519 private key (for unwrapping realm keys). */
    byte[] agreementPrivateCopy() {
        return agreementPrivate.clone();
    }

    @Override
    public String toString() {
        return "DeviceIdentity[" + id + "]";
    }
}
