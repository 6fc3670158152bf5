package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.Gcm;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Secrets encrypted under a passphrase, for backups that leave the machine: the key is derived
 * with Argon2id (RFC 9106, BouncyCastle's {@link Argon2BytesGenerator}) from the passphrase and a
 * random salt, and the secret is sealed with AES-256-GCM under a random nonce. The header, which
 * names the KDF and its cost, is authenticated as associated data with the caller's own.
 *
 * <pre>
 *   offset size
 *        0    4  magic "LHPB"
 *        4    1  version = 1
 *        5    1  kdf = 1 (Argon2id, version 0x13)
 *        6    4  memory in KiB (big-endian)
 *       10    4  iterations
 *       14    1  parallelism
 *       15   16  salt
 *       31   12  nonce
 *       43    n  ciphertext, then the 16-byte GCM tag
 * </pre>
 * The cost read from a box is bounded ({@link #MAX_MEMORY_KIB}, {@link #MAX_ITERATIONS},
 * {@link #MAX_PARALLELISM}) before anything is allocated, so a crafted file cannot exhaust memory.
 */
public final class PassphraseBox {
    static final byte[] MAGIC = {'L', 'H', 'P', 'B'};
    static final int VERSION = 1;
    static final int KDF_ARGON2ID = 1;
    static final int SALT_LENGTH = 16;
    static final int HEADER_LENGTH = 4 + 1 + 1 + 4 + 4 + 1 + SALT_LENGTH + Gcm.IV_LENGTH;
    /** Most memory a box may ask the KDF for: 1 GiB. */
    public static final int MAX_MEMORY_KIB = 1 << 20;
    /** Most passes a box may ask for. */
    public static final int MAX_ITERATIONS = 64;
    /** Most lanes a box may ask for. */
    public static final int MAX_PARALLELISM = 16;
    /** Shortest passphrase accepted when sealing. */
    public static final int MIN_PASSPHRASE = 8;

    /**
     * Argon2id cost.
     *
     * @param memoryKiB   memory in KiB
     * @param iterations  passes over the memory
     * @param parallelism lanes
     */
    public record Cost(int memoryKiB, int iterations, int parallelism) {
        /** RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes. */
        public static final Cost DEFAULT = new Cost(64 * 1024, 3, 4);

        public Cost {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM || iterations < 1 || iterations > MAX_ITERATIONS
                || memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                throw new CryptoException("unsupported Argon2id cost: " + memoryKiB + " KiB, " + iterations + " passes, "
                    + parallelism + " lanes");
            }
        }
    }

    private PassphraseBox() {
    }

    /** Seals {@code secret} under {@code passphrase} with {@link Cost#DEFAULT}; {@code aad} is bound to it unencrypted. */
    public static byte[] seal(byte[] secret, char[] passphrase, byte[] aad, SecureRandom random) {
        return seal(secret, passphrase, aad, Cost.DEFAULT, random);
    }

    /** As {@link #seal(byte[], char[], byte[], SecureRandom)}, with a chosen cost (tests use a cheap one). */
    public static byte[] seal(byte[] secret, char[] passphrase, byte[] aad, Cost cost, SecureRandom random) {
        if (passphrase.length < MIN_PASSPHRASE) {
            throw new CryptoException("the passphrase must be at least " + MIN_PASSPHRASE + " characters long");
        }
        byte[] salt = new byte[SALT_LENGTH];
        byte[] nonce = new byte[Gcm.IV_LENGTH];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        return seal(secret, passphrase, aad, cost, salt, nonce);
    }

    /** With a given salt and nonce: for known-answer tests only. */
    static byte[] seal(byte[] secret, char[] passphrase, byte[] aad, Cost cost, byte[] salt, byte[] nonce) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.put(MAGIC).put((byte) VERSION).put((byte) KDF_ARGON2ID).putInt(cost.memoryKiB()).putInt(cost.iterations())
            .put((byte) cost.parallelism()).put(salt).put(nonce);
        byte[] key = deriveKey(passphrase, salt, cost);
        try {
            byte[] out = Arrays.copyOf(header.array(), HEADER_LENGTH + secret.length + Gcm.TAG_LENGTH);
            byte[] ad = associated(header.array(), aad);
            Gcm.encrypt(key, 0, nonce, 0, ad, 0, ad.length, secret, 0, secret.length, out, HEADER_LENGTH);
            return out;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Opens a box; {@link CryptoException} if it is not one, asks for an unsupported cost, or the
     * passphrase or associated data is wrong, or it was changed (the messages say which, as far as
     * can be told: a wrong passphrase and a changed box look the same).
     */
    public static byte[] open(byte[] box, char[] passphrase, byte[] aad) {
        if (box.length < HEADER_LENGTH + Gcm.TAG_LENGTH || !Arrays.equals(Arrays.copyOf(box, 4), MAGIC)) {
            throw new CryptoException("not a passphrase-protected box");
        }
        ByteBuffer in = ByteBuffer.wrap(box);
        in.position(4);
        int version = in.get() & 0xff;
        int kdf = in.get() & 0xff;
        if (version != VERSION || kdf != KDF_ARGON2ID) {
            throw new CryptoException("unknown box version " + version + " or key derivation " + kdf + ": a newer lorehub-node "
                + "wrote it");
        }
        Cost cost = new Cost(in.getInt(), in.getInt(), in.get() & 0xff);
        byte[] salt = new byte[SALT_LENGTH];
        byte[] nonce = new byte[Gcm.IV_LENGTH];
        in.get(salt).get(nonce);
        byte[] key = deriveKey(passphrase, salt, cost);
        try {
            byte[] ad = associated(Arrays.copyOf(box, HEADER_LENGTH), aad);
            byte[] plain = Gcm.decrypt(key, 0, nonce, 0, ad, 0, ad.length, box, HEADER_LENGTH, box.length - HEADER_LENGTH);
            if (plain == null) {
                throw new CryptoException("wrong passphrase (or the file was changed)");
            }
            return plain;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] associated(byte[] header, byte[] aad) {
        byte[] ad = Arrays.copyOf(header, header.length + aad.length);
        System.arraycopy(aad, 0, ad, header.length, aad.length);
        return ad;
    }

    /** Argon2id (version 0x13) of the passphrase's UTF-8 bytes: a 32-byte key. */
    static byte[] deriveKey(char[] passphrase, byte[] salt, Cost cost) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] password = new byte[utf8.remaining()];
        utf8.get(password);
        if (utf8.hasArray()) {
            Arrays.fill(utf8.array(), (byte) 0);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt).withMemoryAsKB(cost.memoryKiB()).withIterations(cost.iterations())
            .withParallelism(cost.parallelism()).build());
        byte[] key = new byte[Gcm.KEY_LENGTH];
        generator.generateBytes(password, key);
        Arrays.fill(password, (byte) 0);
        return key;
    }
}
