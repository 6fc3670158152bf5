package dev.lorehub.merkle.internal;

import java.util.Arrays;

/**
 * Range questions about the session's snapshot: ranks, counts, hash sums and fingerprints of
 * ranges. Remembers the last two boundaries it resolved, because sibling ranges share them (one
 * child's upper bound is the next child's lower bound), which halves the tree walks of a split.
 */
final class SnapshotView {

    final KeyTree tree;
    final KeyHasher hasher;
    private final long salt;

    private final Bound[] cacheBound = new Bound[2];
    private final int[] cacheRank = new int[2];
    private final long[][] cacheSum = {new long[4], new long[4]};
    private int cacheNext;
    private final byte[][] emptyFp = new byte[17][];

    SnapshotView(KeyTree tree, KeyHasher hasher, long salt) {
        this.tree = tree;
        this.hasher = hasher;
        this.salt = salt;
    }

    int size() {
        return tree.size();
    }

    /** Rank of the bound; also leaves its prefix sum in the cache. */
    int rank(Bound b) {
        return slot(b) >= 0 ? cacheRank[slot(b)] : load(b);
    }

    /** Number of our keys in {@code [lo, hi)}, with their hash sum written to {@code sum}. */
    int summarize(Bound lo, Bound hi, long[] sum) {
        int sl = slot(lo);
        if (sl < 0) {
            load(lo);
            sl = slot(lo);
        }
        int rl = cacheRank[sl];
        long[] tmp = cacheSum[sl].clone();
        int sh = slot(hi);
        if (sh < 0) {
            load(hi);
            sh = slot(hi);
        }
        int rh = cacheRank[sh];
        U256.copy(cacheSum[sh], 0, sum, 0);
        U256.sub(sum, 0, tmp, 0);
        return rh - rl;
    }

    /** The salted fingerprint of {@code count} keys with hash sum {@code sum}, truncated to {@code len}. */
    byte[] fingerprint(long count, long[] sum, int len) {
        return hasher.fingerprint(count, sum, 0, salt, len);
    }

    /** The fingerprint of an empty range at this length: a peer sending it holds nothing there. */
    byte[] emptyFingerprint(int len) {
        if (emptyFp[len] == null) {
            emptyFp[len] = hasher.fingerprint(0, new long[4], 0, salt, len);
        }
        return emptyFp[len];
    }

    boolean isEmptyFingerprint(byte[] fp) {
        return Arrays.equals(fp, emptyFingerprint(fp.length));
    }

    private int slot(Bound b) {
        if (cacheBound[0] == b) {
            return 0;
        }
        if (cacheBound[1] == b) {
            return 1;
        }
        return -1;
    }

    private int load(Bound b) {
        int s = cacheNext;
        cacheNext ^= 1;
        int r = tree.rankOf(b);
        tree.prefixSum(r, cacheSum[s], 0);
        cacheBound[s] = b;
        cacheRank[s] = r;
        return r;
    }
}
