package dev.lorehub.merkle.internal;

/**
 * Decides, for a range whose fingerprints differ, whether to list it or into how many parts to
 * split it. Local policy only: the peer never needs to know it.
 *
 * <p>Two regimes, chosen per message from how many of the peer's ranges differ:
 * <ul>
 *   <li><b>few ranges differ</b> (at most {@value #FEW_RANGES}): the session is small in bytes
 *       whatever we do, so we save rounds: split as wide as needed (up to {@code maxBranching}) to
 *       reach listable ranges in the fewest steps, and list full keys, which finish a range in one
 *       exchange.</li>
 *   <li><b>many ranges differ</b>: bytes dominate. Where most ranges differ (dense) we split
 *       {@code branching} ways; where few of them do (each holds about one difference) we split
 *       narrowly, since every sub-range costs a fingerprint but only one of them will differ, and
 *       list id prefixes when {@code idPrefixBytes > 0}.</li>
 * </ul>
 */
final class SplitPolicy {

    static final int FEW_RANGES = 4;
    static final double DENSE_FRACTION = 0.75;

    private final int branching;
    private final int maxBranching;
    private final int leafThreshold;
    private final int prefixBytes;
    private final int fingerprintBytes;
    private boolean fewRanges = true;
    private boolean dense;

    SplitPolicy(int branching, int maxBranching, int leafThreshold, int prefixBytes, int fingerprintBytes) {
        this.fingerprintBytes = fingerprintBytes;
        this.branching = Math.min(branching, maxBranching);
        this.maxBranching = maxBranching;
        this.leafThreshold = leafThreshold;
        this.prefixBytes = prefixBytes;
    }

    /** Records how many of the fingerprint ranges being answered differ. */
    void observe(int differing, int total) {
        fewRanges = differing <= FEW_RANGES;
        dense = total > 0 && differing >= DENSE_FRACTION * total;
    }

    /** Whether a differing range holding {@code s} of our keys is listed rather than split. */
    boolean lists(int s) {
        return s <= leafThreshold;
    }

    /**
     * Length of the sub-range fingerprints of a split. A fingerprint can only collide falsely for
     * a sub-range that really differs (equal sub-ranges always have equal fingerprints), and with
     * few differing ranges there are few of those, so half the configured length (at least 4
     * bytes) keeps the chance of a collision per session around 2^-26 or below; a collision is
     * caught by the final root check anyway. With many differing ranges the configured length is
     * used.
     */
    int fingerprintBytes() {
        return fewRanges ? Math.max(4, fingerprintBytes / 2) : fingerprintBytes;
    }

    /** Id prefix length for a list, or 0 for full keys. */
    int listPrefixBytes() {
        return fewRanges ? 0 : prefixBytes;
    }

    /**
     * How far split boundaries may stray from exact quantiles to get cheaper encodings, as the
     * divisor of a part's size (0 = exact). Straying compounds over levels, so when rounds matter
     * it stays small, and a split meant to produce listable parts directly is exact.
     */
    int slackDivisor(int s, int b) {
        if (!fewRanges) {
            return 4;
        }
        return (long) b * leafTarget() >= s ? 0 : 16;
    }

    /**
     * Size the parts of a split aim at. With few differences, parts aim at three quarters of the
     * list threshold, so that the peer's few extra keys still leave them listable next round.
     */
    private int leafTarget() {
        return fewRanges ? Math.max(1, leafThreshold * 3 / 4) : leafThreshold;
    }

    /** Number of parts for a differing range of {@code s > leafThreshold} keys, in {@code [2, min(s, maxBranching)]}. */
    int branches(int s) {
        double ratio = (double) s / leafTarget();
        int b;
        if (fewRanges) {
            int levels = Math.max(1, (int) Math.ceil(Math.log(ratio) / Math.log(maxBranching) - 1e-9));
            b = (int) Math.ceil(Math.pow(ratio, 1.0 / levels) - 1e-9);
        } else if (dense) {
            b = branching;
        } else if (ratio <= branching) {
            b = (int) Math.ceil(ratio);
        } else {
            b = (int) Math.ceil(Math.sqrt(ratio));
        }
        return Math.max(2, Math.min(Math.min(b, maxBranching), s));
    }
}
