package dev.lorehub.merkle;

/**
 * Limits and tuning of one reconciliation session. Every field is validated on construction
 * ({@link IllegalArgumentException} naming the field, its value and the allowed range).
 *
 * <p>Only {@link #maxMessageBytes} travels on the wire (each side keeps every message it sends
 * within the smaller of the two maximum sizes). The rest is local policy, chosen per message by
 * the sender and described in the message where the receiver needs it: two peers with different
 * tuning still reconcile exactly.
 *
 * @param maxMessageBytes hard maximum size of a message, in and out, checked before anything is
 *     parsed or allocated; 4 KiB to 64 MiB
 * @param maxRounds maximum number of rounds (a round = one initiator message and the reply to it);
 *     1 to 100,000. The initiator refuses to send and the responder to accept message
 *     {@code maxRounds + 1}. Bounds the work any peer can cause to about
 *     {@code 2 * maxRounds * maxMessageBytes} bytes. Also reserves {@code 2 * maxRounds + 2}
 *     of the open ranges the peer accepts for answers that cannot be split further (see the package
 *     documentation); up to 16,383 that reserve provably keeps an honest pair under the cap
 * @param branching number of sub-ranges a range with many differences is split into; 2 to 1024
 * @param maxBranching largest split used when few ranges differ and rounds matter more than bytes;
 *     {@code branching} to 1024
 * @param leafThreshold a differing range holding at most this many of our keys is listed instead
 *     of split; 1 to 4096
 * @param idPrefixBytes 0 to list full keys; otherwise lists sent where bytes matter carry only this
 *     many leading id bytes per key, and full keys follow for the keys actually missing; 0 to 32
 * @param fingerprintBytes length of sub-range fingerprints where many ranges differ; where few do,
 *     half of it (at least 4) suffices, since only sub-ranges that really differ can collide. The
 *     root fingerprint is always 16 bytes and every result is verified against it, so a collision
 *     shows as {@code VERIFICATION_FAILED}, never as a wrong result; 4 to 16
 */
public record ReconcileConfig(int maxMessageBytes, int maxRounds, int branching, int maxBranching,
                              int leafThreshold, int idPrefixBytes, int fingerprintBytes) {

    /** Smallest allowed {@link #maxMessageBytes}. */
    public static final int MIN_MESSAGE_BYTES = 4096;
    /** Largest allowed {@link #maxMessageBytes}. */
    public static final int MAX_MESSAGE_BYTES = 64 << 20;
    /** Largest number of sub-ranges in one split, on the wire and in configuration. */
    public static final int MAX_BRANCHING = 1024;

    public ReconcileConfig {
        check("maxMessageBytes", maxMessageBytes, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
        check("maxRounds", maxRounds, 1, 100_000);
        check("branching", branching, 2, MAX_BRANCHING);
        check("maxBranching", maxBranching, branching, MAX_BRANCHING);
        check("leafThreshold", leafThreshold, 1, 4096);
        check("idPrefixBytes", idPrefixBytes, 0, 32);
        check("fingerprintBytes", fingerprintBytes, 4, 16);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    /**
     * The defaults: 256 KiB messages, 256 rounds, branching 16 (64 when few ranges differ), lists
     * of at most 12 keys, 3-byte id prefixes, 8-byte sub-range fingerprints.
     */
    public static ReconcileConfig defaults() {
        return new ReconcileConfig(256 * 1024, 256, 16, 64, 12, 3, 8);
    }

    public ReconcileConfig withMaxMessageBytes(int v) {
        return new ReconcileConfig(v, maxRounds, branching, maxBranching, leafThreshold, idPrefixBytes, fingerprintBytes);
    }

    public ReconcileConfig withMaxRounds(int v) {
        return new ReconcileConfig(maxMessageBytes, v, branching, maxBranching, leafThreshold, idPrefixBytes, fingerprintBytes);
    }

    public ReconcileConfig withBranching(int v, int max) {
        return new ReconcileConfig(maxMessageBytes, maxRounds, v, max, leafThreshold, idPrefixBytes, fingerprintBytes);
    }

    public ReconcileConfig withLeafThreshold(int v) {
        return new ReconcileConfig(maxMessageBytes, maxRounds, branching, maxBranching, v, idPrefixBytes, fingerprintBytes);
    }

    public ReconcileConfig withIdPrefixBytes(int v) {
        return new ReconcileConfig(maxMessageBytes, maxRounds, branching, maxBranching, leafThreshold, v, fingerprintBytes);
    }

    public ReconcileConfig withFingerprintBytes(int v) {
        return new ReconcileConfig(maxMessageBytes, maxRounds, branching, maxBranching, leafThreshold, idPrefixBytes, v);
    }
}
