package dev.lorehub.merkle.internal;

/**
 * A range this side created and sent; the peer must process it (its watermark says when it has).
 * Which fields are set depends on {@link #kind}.
 */
final class OwnRange {

    /** We sent our fingerprint. The peer answers with nothing (equal), a split, or a result if we hold nothing. */
    static final int FP = 0;
    /** We listed our keys in full. The peer answers with a result or a split. */
    static final int LIST_FULL = 1;
    /** We listed id prefixes of our keys. The peer answers with a result or a split. */
    static final int LIST_PREFIX = 2;
    /** We answered the peer's prefix list. The peer answers with the full keys we lack, nothing if we lack none, or a split. */
    static final int PREFIX_RESULT = 3;

    /** Assigned when the item that creates the range is committed to a message. */
    int id;
    final int kind;
    final Bound lo;
    final Bound hi;

    /** FP: number of our keys in the range. */
    int ownCount;
    /** LIST_*: the peer's fingerprint of this range that we answered with the list, or {@code null}. */
    byte[] peerFp;
    /** LIST_*: the keys we listed, which are all our keys in the range. */
    KeyBlock keys;

    /** PREFIX_RESULT: the peer's list, {@code peerPrefixLen} bytes per entry. */
    byte[] peerPrefixes;
    int peerPrefixLen;
    /** PREFIX_RESULT: ascending indices of the peer's entries we lack. */
    int[] marked;
    /** PREFIX_RESULT: our keys the peer lacks (final once the peer confirms). */
    KeyBlock extras;

    OwnRange(int id, int kind, Bound lo, Bound hi) {
        this.id = id;
        this.kind = kind;
        this.lo = lo;
        this.hi = hi;
    }
}
