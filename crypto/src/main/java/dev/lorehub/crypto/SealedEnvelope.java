package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Ed25519Ops;
import dev.lorehub.crypto.internal.Gcm;
import dev.lorehub.crypto.internal.Hkdf;
import dev.lorehub.crypto.internal.Sha256;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The sealed event envelope (DESIGN.md §6): one event, encoded once by its author and from then on
 * moved and stored as the same bytes.
 *
 * <h2>Byte layout (version 1, integers big-endian)</h2>
 * <pre>
 * offset  size  field
 *      0     1  version = 0x01
 *      1     1  flags: bit 0 = encrypted; bits 1..7 must be 0
 *      2    16  realm id
 *     18     4  epoch (&ge; 0)
 *     22     8  timestamp (the author's HLC value)
 *     30    32  author's Ed25519 public key (author id = SHA-256 of it)
 *     62    16  salt, random per envelope
 *     78     4  body length L
 *     82     L  body: encrypted  -&gt; AES-256-GCM ciphertext || 16-byte tag (L = plaintext length + 16)
 *                     signed-only -&gt; the plaintext itself (L = plaintext length)
 *   82+L    64  Ed25519 signature by the author key
 * </pre>
 * Total: {@code 146 + L} bytes. Bytes {@code [0, 82)} are "the header".
 *
 * <h2>Encryption</h2>
 * {@code HKDF-SHA256(ikm = epoch key, salt = salt, info = "lorehub-envelope-v1 key" || 0x00 ||
 * realm id || epoch)} yields 44 bytes: the AES-256 key (32) then the GCM IV (12). The per-envelope
 * random salt makes every envelope's key and IV fresh. The AAD is the header {@code [0, 82)}, so
 * moving a ciphertext under another header (realm, epoch, author, flags, ...) fails to decrypt.
 *
 * <h2>Signature</h2>
 * Ed25519 over {@code "lorehub-envelope-v1" || 0x00 || header [0, 82) || SHA-256(body)}. It covers
 * every byte before it: the header directly, the body through its SHA-256. Signing the body's
 * digest instead of the body keeps a 64 KiB envelope from going through Ed25519's internal SHA-512
 * three times (twice to sign, once to verify) and uses the JDK's hardware SHA-256 instead; the
 * binding is as strong as SHA-256's collision resistance. A relay without the realm key verifies
 * the signature over the ciphertext ({@link #verify}); a reader verifies it before decrypting
 * ({@link #open}). BouncyCastle's Ed25519 rejects non-canonical signatures, so there is exactly one
 * valid encoding of each envelope: any changed byte is rejected with an {@link EnvelopeException},
 * never turned into other plaintext.
 *
 * <p>Parsing checks the total size against {@link #MAX_SEALED} and the body length against the
 * actual size before it allocates anything.
 *
 * <p>Thread-safe (stateless; per-thread JCA objects are cached internally).
 */
public final class SealedEnvelope {
    /** Largest plaintext accepted by {@link #seal}. */
    public static final int MAX_PLAINTEXT = 1 << 20;
    /** Largest sealed envelope accepted by the parsing methods (checked before anything else). */
    public static final int MAX_SEALED = MAX_PLAINTEXT + 1024;
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    /** Length of the clear header (the AAD). */
    public static final int HEADER_LENGTH = 82;
    /** Bytes an envelope adds to its plaintext: header + tag + signature when encrypted. */
    public static final int OVERHEAD_ENCRYPTED = HEADER_LENGTH + Gcm.TAG_LENGTH + Ed25519Ops.SIGNATURE_LENGTH;
    /** Bytes a signed-only envelope adds to its plaintext: header + signature. */
    public static final int OVERHEAD_SIGNED_ONLY = HEADER_LENGTH + Ed25519Ops.SIGNATURE_LENGTH;

    /** Where the realm id sits in the header, and its length (codecs that send it once per batch cut it out). */
    public static final int REALM_OFFSET = 2;
    public static final int REALM_LENGTH = 16;
    /** Where the author's public key sits in the header, and its length. */
    public static final int AUTHOR_OFFSET = 30;
    public static final int AUTHOR_LENGTH = 32;

    private static final int OFF_FLAGS = 1;
    private static final int OFF_REALM = REALM_OFFSET;
    private static final int OFF_EPOCH = 18;
    private static final int OFF_TIMESTAMP = 22;
    private static final int OFF_AUTHOR = AUTHOR_OFFSET;
    private static final int OFF_SALT = 62;
    private static final int OFF_BODY_LENGTH = 78;
    private static final int SALT_LENGTH = 16;
    private static final int FLAG_ENCRYPTED = 1;

    private static final byte[] SIGNATURE_DOMAIN = Bytes.ascii("lorehub-envelope-v1\0");
    private static final byte[] KEY_DOMAIN = Bytes.ascii("lorehub-envelope-v1 key\0");

    private SealedEnvelope() {
    }

    /**
     * Seals {@code plaintext}. When {@code header.encrypted()}, {@code key} must be the epoch key of
     * {@code header.realm()}/{@code header.epoch()}; otherwise {@code key} is ignored and may be null.
     * The salt is drawn from {@code random}.
     *
     * @throws IllegalArgumentException when the plaintext exceeds {@link #MAX_PLAINTEXT} or the key does not match the header
     */
    public static byte[] seal(EnvelopeHeader header, byte[] plaintext, EpochKey key, DeviceIdentity author, SecureRandom random) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(random, "random");
        if (plaintext.length > MAX_PLAINTEXT) {
            throw new IllegalArgumentException("plaintext is " + plaintext.length + " bytes; an envelope holds at most " + MAX_PLAINTEXT);
        }
        boolean encrypted = header.encrypted();
        if (encrypted) {
            Objects.requireNonNull(key, "key (an encrypted envelope needs the epoch key)");
            if (!key.realm().equals(header.realm()) || key.epoch() != header.epoch()) {
                throw new IllegalArgumentException("the key is for realm " + key.realm() + " epoch " + key.epoch()
                    + " but the header says realm " + header.realm() + " epoch " + header.epoch());
            }
        }
        int bodyLength = encrypted ? plaintext.length + Gcm.TAG_LENGTH : plaintext.length;
        byte[] out = new byte[HEADER_LENGTH + bodyLength + Ed25519Ops.SIGNATURE_LENGTH];
        out[0] = (byte) VERSION;
        out[OFF_FLAGS] = (byte) (encrypted ? FLAG_ENCRYPTED : 0);
        header.realm().writeTo(out, OFF_REALM);
        Bytes.putInt(out, OFF_EPOCH, header.epoch());
        Bytes.putLong(out, OFF_TIMESTAMP, header.timestamp());
        System.arraycopy(author.signingPublicKeyRef(), 0, out, OFF_AUTHOR, 32);
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        System.arraycopy(salt, 0, out, OFF_SALT, SALT_LENGTH);
        Bytes.putInt(out, OFF_BODY_LENGTH, bodyLength);
        if (encrypted) {
            byte[] keyIv = deriveKeyAndIv(key.key(), salt, header.realm(), header.epoch());
            Gcm.encrypt(keyIv, 0, keyIv, Gcm.KEY_LENGTH, out, 0, HEADER_LENGTH, plaintext, 0, plaintext.length, out, HEADER_LENGTH);
        } else {
            System.arraycopy(plaintext, 0, out, HEADER_LENGTH, plaintext.length);
        }
        byte[] toSign = signedMessage(out, bodyLength);
        author.signInto(toSign, 0, toSign.length, out, HEADER_LENGTH + bodyLength);
        return out;
    }

    /** Reads the header and author without verifying anything (cheap; for routing and indexing). */
    public static OpenedEnvelope peek(byte[] sealed) {
        EnvelopeHeader header = parse(sealed);
        byte[] authorKey = Arrays.copyOfRange(sealed, OFF_AUTHOR, OFF_AUTHOR + 32);
        return new OpenedEnvelope(header, DeviceId.ofPublicKey(authorKey), authorKey, null);
    }

    /** Verifies structure and the author's signature; plaintext in the result is null. Needs no realm key (relays use this). */
    public static OpenedEnvelope verify(byte[] sealed) {
        OpenedEnvelope e = peek(sealed);
        checkSignature(sealed);
        return e;
    }

    /**
     * Verifies the signature first, then decrypts. {@code keys} maps (realm, epoch) to a key;
     * an unencrypted envelope needs none (its body is returned as the plaintext).
     *
     * <p>Because the signature is checked first, {@link EnvelopeException.Reason#NO_KEY} and
     * {@link EnvelopeException.Reason#DECRYPTION_FAILED} mean the envelope <em>is</em> authentic
     * (what {@link #verify} would have returned); a caller that handles them need not call
     * {@link #verify} beforehand, which would check the signature (most of the cost) twice.
     *
     * @throws EnvelopeException with {@link EnvelopeException.Reason#NO_KEY} when the key is unknown,
     *                           {@link EnvelopeException.Reason#DECRYPTION_FAILED} when the key found does not decrypt it,
     *                           and the structural and signature reasons as for {@link #verify}
     */
    public static OpenedEnvelope open(byte[] sealed, KeyLookup keys) {
        Objects.requireNonNull(keys, "keys");
        return decrypt(sealed, verify(sealed), keys);
    }

    /**
     * An envelope whose signature has been checked, holding its own copy of the bytes: lets a
     * caller verify many envelopes in parallel (the expensive part) and decrypt them later, on
     * one thread, with {@link #open(Verified, KeyLookup)}, without checking any signature twice.
     */
    public static final class Verified {
        private final byte[] sealed;
        private final OpenedEnvelope envelope;

        private Verified(byte[] sealed, OpenedEnvelope envelope) {
            this.sealed = sealed;
            this.envelope = envelope;
        }

        /** What {@link #verify} returns: header and author, no plaintext. */
        public OpenedEnvelope envelope() {
            return envelope;
        }
    }

    /** Verifies like {@link #verify} and keeps the bytes for {@link #open(Verified, KeyLookup)}. Thread-safe. */
    public static Verified verifyForOpen(byte[] sealed) {
        byte[] copy = sealed.clone();
        return new Verified(copy, verify(copy));
    }

    /** Decrypts an envelope verified by {@link #verifyForOpen}; the same exceptions as {@link #open(byte[], KeyLookup)} for the key. */
    public static OpenedEnvelope open(Verified verified, KeyLookup keys) {
        Objects.requireNonNull(keys, "keys");
        return decrypt(verified.sealed, verified.envelope, keys);
    }

    /**
     * Decrypts an envelope this device verified before it stored it, without checking the
     * signature again: for reading back one's own event log, where re-verifying every event each
     * time an entity is folded would dominate the cost. AES-GCM still authenticates the ciphertext
     * under the key, so altered stored bytes fail rather than decrypt to garbage; but never call
     * this on bytes that did not pass {@link #verify} or {@link #open(byte[], KeyLookup)} first.
     */
    public static OpenedEnvelope openStored(byte[] sealed, KeyLookup keys) {
        Objects.requireNonNull(keys, "keys");
        return decrypt(sealed, peek(sealed), keys);
    }

    private static OpenedEnvelope decrypt(byte[] sealed, OpenedEnvelope e, KeyLookup keys) {
        EnvelopeHeader h = e.header();
        int bodyLength = sealed.length - OVERHEAD_SIGNED_ONLY;
        byte[] plaintext;
        if (!h.encrypted()) {
            plaintext = Arrays.copyOfRange(sealed, HEADER_LENGTH, HEADER_LENGTH + bodyLength);
        } else {
            Optional<EpochKey> found = keys.find(h.realm(), h.epoch());
            if (found == null || found.isEmpty()) {
                throw new EnvelopeException(EnvelopeException.Reason.NO_KEY,
                    "no key for realm " + h.realm() + " epoch " + h.epoch() + " (envelope by " + e.author().shortForm() + ")");
            }
            byte[] salt = Arrays.copyOfRange(sealed, OFF_SALT, OFF_SALT + SALT_LENGTH);
            byte[] keyIv = deriveKeyAndIv(found.get().key(), salt, h.realm(), h.epoch());
            plaintext = Gcm.decrypt(keyIv, 0, keyIv, Gcm.KEY_LENGTH, sealed, 0, HEADER_LENGTH, sealed, HEADER_LENGTH, bodyLength);
            if (plaintext == null) {
                throw new EnvelopeException(EnvelopeException.Reason.DECRYPTION_FAILED,
                    "envelope does not decrypt under the key held for realm " + h.realm() + " epoch " + h.epoch()
                        + " although its signature is valid: the key is wrong");
            }
        }
        return new OpenedEnvelope(h, e.author(), e.authorKey(), plaintext);
    }

    /** Finds epoch keys by realm and epoch. */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<EpochKey> find(RealmId realm, int epoch);
    }

    private static byte[] deriveKeyAndIv(byte[] epochKey, byte[] salt, RealmId realm, int epoch) {
        byte[] info = new byte[KEY_DOMAIN.length + RealmId.LENGTH + 4];
        System.arraycopy(KEY_DOMAIN, 0, info, 0, KEY_DOMAIN.length);
        realm.writeTo(info, KEY_DOMAIN.length);
        Bytes.putInt(info, KEY_DOMAIN.length + RealmId.LENGTH, epoch);
        return Hkdf.derive(epochKey, salt, info, Gcm.KEY_LENGTH + Gcm.IV_LENGTH);
    }

    /** {@code domain || header || SHA-256(body)}. */
    private static byte[] signedMessage(byte[] envelope, int bodyLength) {
        byte[] m = new byte[SIGNATURE_DOMAIN.length + HEADER_LENGTH + Sha256.LENGTH];
        System.arraycopy(SIGNATURE_DOMAIN, 0, m, 0, SIGNATURE_DOMAIN.length);
        System.arraycopy(envelope, 0, m, SIGNATURE_DOMAIN.length, HEADER_LENGTH);
        Sha256.hashInto(envelope, HEADER_LENGTH, bodyLength, m, SIGNATURE_DOMAIN.length + HEADER_LENGTH);
        return m;
    }

    private static void checkSignature(byte[] sealed) {
        int bodyLength = sealed.length - OVERHEAD_SIGNED_ONLY;
        byte[] m = signedMessage(sealed, bodyLength);
        if (!Ed25519Ops.verify(sealed, OFF_AUTHOR, m, 0, m.length, sealed, HEADER_LENGTH + bodyLength)) {
            throw new EnvelopeException(EnvelopeException.Reason.BAD_SIGNATURE,
                "envelope signature does not verify against its author key: the envelope was changed or forged");
        }
    }

    /** Structural checks, in an order that never allocates more than the input before rejecting it. */
    private static EnvelopeHeader parse(byte[] sealed) {
        Objects.requireNonNull(sealed, "sealed");
        if (sealed.length > MAX_SEALED) {
            throw new EnvelopeException(EnvelopeException.Reason.TOO_LARGE,
                "envelope is " + sealed.length + " bytes; the limit is " + MAX_SEALED);
        }
        if (sealed.length == 0) {
            throw new EnvelopeException(EnvelopeException.Reason.TRUNCATED, "envelope is empty");
        }
        int version = sealed[0] & 0xFF;
        if (version != VERSION) {
            throw new EnvelopeException(EnvelopeException.Reason.UNKNOWN_VERSION,
                "envelope format version " + version + " is not supported (this build reads version " + VERSION + ")");
        }
        if (sealed.length < OVERHEAD_SIGNED_ONLY) {
            throw new EnvelopeException(EnvelopeException.Reason.TRUNCATED,
                "envelope is " + sealed.length + " bytes; the smallest possible is " + OVERHEAD_SIGNED_ONLY);
        }
        int flags = sealed[OFF_FLAGS] & 0xFF;
        if ((flags & ~FLAG_ENCRYPTED) != 0) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, "envelope has unknown flag bits 0x" + Integer.toHexString(flags));
        }
        boolean encrypted = (flags & FLAG_ENCRYPTED) != 0;
        int epoch = Bytes.getInt(sealed, OFF_EPOCH);
        if (epoch < 0) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED, "envelope has a negative epoch " + epoch);
        }
        long bodyLength = Bytes.getInt(sealed, OFF_BODY_LENGTH) & 0xFFFFFFFFL;
        long maxBody = encrypted ? MAX_PLAINTEXT + (long) Gcm.TAG_LENGTH : MAX_PLAINTEXT;
        if (bodyLength > maxBody) {
            throw new EnvelopeException(EnvelopeException.Reason.TOO_LARGE,
                "envelope declares a " + bodyLength + "-byte body; the limit is " + maxBody);
        }
        if (encrypted && bodyLength < Gcm.TAG_LENGTH) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED,
                "encrypted envelope declares a " + bodyLength + "-byte body, shorter than the " + Gcm.TAG_LENGTH + "-byte tag");
        }
        long expected = OVERHEAD_SIGNED_ONLY + bodyLength;
        if (sealed.length < expected) {
            throw new EnvelopeException(EnvelopeException.Reason.TRUNCATED,
                "envelope is " + sealed.length + " bytes but its header promises " + expected);
        }
        if (sealed.length > expected) {
            throw new EnvelopeException(EnvelopeException.Reason.MALFORMED,
                "envelope has " + (sealed.length - expected) + " bytes after its signature");
        }
        RealmId realm = RealmId.fromBytes(Arrays.copyOfRange(sealed, OFF_REALM, OFF_REALM + RealmId.LENGTH));
        return new EnvelopeHeader(realm, epoch, Bytes.getLong(sealed, OFF_TIMESTAMP), encrypted);
    }
}
