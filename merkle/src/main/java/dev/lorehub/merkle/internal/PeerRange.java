package dev.lorehub.merkle.internal;

/**
 * A range the peer created; this side must process it, in id order. Which fields are set depends
 * on {@link #kind}.
 */
final class PeerRange {

    /** The peer's fingerprint. */
    static final int FP = 0;
    /** The peer's keys in full. */
    static final int LIST_FULL = 1;
    /** Id prefixes of the peer's keys. */
    static final int LIST_PREFIX = 2;
    /** The peer's answer to our prefix list, waiting for our full keys (or our escalation). */
    static final int PREFIX_RESULT = 3;

    final int id;
    final int kind;
    final Bound lo;
    final Bound hi;

    /** FP: the fingerprint (16 bytes for the initiator's root, else the session's length). */
    byte[] fp;
    /** LIST_FULL: the keys. */
    KeyBlock keys;
    /** LIST_PREFIX: {@code count} entries of {@code prefixLen} bytes each. */
    byte[] prefixes;
    int prefixLen;
    int count;

    /** PREFIX_RESULT: our listed keys, which of them the peer lacks, and the peer's keys we lack. */
    KeyBlock ourKeys;
    boolean[] marks;
    int markCount;
    KeyBlock extras;
    /** PREFIX_RESULT: whether the answer reproduces the peer's fingerprint of the range (no prefix ambiguity). */
    boolean verified;
    byte[] peerFp;

    /** FP: evaluated against our snapshot? */
    boolean evaluated;
    boolean matched;
    int rLo;
    int rHi;

    PeerRange(int id, int kind, Bound lo, Bound hi) {
        this.id = id;
        this.kind = kind;
        this.lo = lo;
        this.hi = hi;
    }
}
