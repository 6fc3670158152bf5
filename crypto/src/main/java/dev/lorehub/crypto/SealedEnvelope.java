package dev.lorehub.crypto;

import java.security.SecureRandom;
import java.util.function.Function;
import java.util.Optional;

/**
 * The sealed event envelope (DESIGN.md §6): a version byte, the clear header, the author's public
 * key, a per-event salt, the AES-256-GCM ciphertext under a key derived with HKDF from the epoch
 * key and the salt (header = AAD), and the author's Ed25519 signature over everything before it.
 * The exact byte layout is documented here by the implementation.
 */
public final class SealedEnvelope {
    /** Largest plaintext accepted by {@link #seal}. */
    public static final int MAX_PLAINTEXT = 1 << 20;
    /** Largest sealed envelope accepted by the parsing methods (checked before anything else). */
    public static final int MAX_SEALED = MAX_PLAINTEXT + 1024;

    private SealedEnvelope() {
    }

    /**
     * Seals {@code plaintext}. When {@code header.encrypted()}, {@code key} must be the epoch key of
     * {@code header.realm()}/{@code header.epoch()}; otherwise {@code key} is ignored and may be null.
     */
    public static byte[] seal(EnvelopeHeader header, byte[] plaintext, EpochKey key, DeviceIdentity author, SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Reads the header and author without verifying anything (cheap; for routing and indexing). */
    public static OpenedEnvelope peek(byte[] sealed) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Verifies structure and the author's signature; plaintext in the result is null. Needs no realm key (relays use this). */
    public static OpenedEnvelope verify(byte[] sealed) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Verifies the signature first, then decrypts. {@code keys} maps (realm, epoch) to a key;
     * an unencrypted envelope needs none.
     *
     * @throws EnvelopeException with {@link EnvelopeException.Reason#NO_KEY} when the key is unknown
     */
    public static OpenedEnvelope open(byte[] sealed, KeyLookup keys) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Finds epoch keys by realm and epoch. */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<EpochKey> find(RealmId realm, int epoch);
    }
}
