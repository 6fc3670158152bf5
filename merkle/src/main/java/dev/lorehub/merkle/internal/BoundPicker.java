package dev.lorehub.merkle.internal;

/**
 * Chooses the boundaries of a split. A boundary may sit anywhere between two adjacent keys, and a
 * split does not need exact quantiles, so each boundary is picked from a window of ranks around
 * its target as the timestamp with the cheapest encoding: {@code prev + m * 2^e} with the largest
 * {@code e}, which usually costs two bytes instead of the five or more a raw timestamp delta
 * needs. Only when every key in the window shares one timestamp does a boundary carry an id
 * prefix, and then the shortest one separating the two keys.
 */
final class BoundPicker {

    /** Boundaries {@code bounds[0..B]} (first = lower, last = upper) and their ranks in the snapshot. */
    record Split(Bound[] bounds, int[] ranks) {
        int branches() {
            return bounds.length - 1;
        }
    }

    private final KeyTree tree;
    private final long[] key = new long[5];
    private final long[] prevKey = new long[5];

    BoundPicker(KeyTree tree) {
        this.tree = tree;
    }

    /**
     * Splits ranks {@code [rLo, rHi)} into {@code b <= rHi - rLo} non-empty parts of roughly equal
     * size: each boundary may move by up to {@code 1/slackDivisor} of a part from its exact
     * quantile ({@code slackDivisor == 0}: exact quantiles).
     */
    Split even(Bound lo, Bound hi, int rLo, int rHi, int b, int slackDivisor) {
        int s = rHi - rLo;
        int[] targets = new int[b - 1];
        for (int j = 1; j < b; j++) {
            targets[j - 1] = rLo + (int) ((long) j * s / b);
        }
        return pick(lo, hi, rLo, rHi, targets, slackDivisor == 0 ? 0 : s / (slackDivisor * b));
    }

    /** Splits ranks {@code [rLo, rHi)} exactly at the given ascending interior ranks. */
    Split exact(Bound lo, Bound hi, int rLo, int rHi, int[] targets) {
        return pick(lo, hi, rLo, rHi, targets, 0);
    }

    private Split pick(Bound lo, Bound hi, int rLo, int rHi, int[] targets, int slack) {
        int b = targets.length + 1;
        Bound[] bounds = new Bound[b + 1];
        int[] ranks = new int[b + 1];
        bounds[0] = lo;
        ranks[0] = rLo;
        bounds[b] = hi;
        ranks[b] = rHi;
        for (int j = 1; j < b; j++) {
            int prevRank = ranks[j - 1];
            int maxRank = rHi - (b - j); // leave one key for each later part
            int q = Math.max(prevRank + 1, Math.min(targets[j - 1], maxRank));
            int low = Math.max(prevRank + 1, q - slack);
            int high = Math.min(maxRank, q + slack);
            Bound prev = bounds[j - 1];
            Bound chosen = timestampOnly(prev, low, high);
            if (chosen == null) {
                chosen = separating(q);
                ranks[j] = q;
            } else {
                ranks[j] = tree.rankOf(chosen);
            }
            bounds[j] = chosen;
        }
        return new Split(bounds, ranks);
    }

    /**
     * The cheapest bound {@code (t, no prefix)} above {@code prev} whose rank lies in
     * {@code [low, high]}, or {@code null} if every such rank shares one timestamp.
     */
    private Bound timestampOnly(Bound prev, int low, int high) {
        long a = tree.tsAt(low - 1); // t must exceed this, so rank >= low
        long bt = tree.tsAt(high);   // t must not exceed this, so rank <= high
        long lowEx = Math.max(a, prev.ts);
        if (lowEx >= bt) {
            return null;
        }
        long d = bt - prev.ts;    // unsigned, > 0
        long l = lowEx - prev.ts; // unsigned, < d
        int e = 63;
        while (e > 0 && Long.compareUnsigned((d >>> e) << e, l) <= 0) {
            e--;
        }
        return Bound.ofTimestamp(prev.ts + ((d >>> e) << e));
    }

    /** The shortest bound in {@code (key[q-1], key[q]]}. */
    private Bound separating(int q) {
        tree.keyAt(q - 1, prevKey);
        tree.keyAt(q, key);
        if (prevKey[0] != key[0]) {
            return Bound.ofTimestamp(key[0]);
        }
        int len = 1;
        while (len < 32 && Keys.idByte(prevKey[1], prevKey[2], prevKey[3], prevKey[4], len - 1)
            == Keys.idByte(key[1], key[2], key[3], key[4], len - 1)) {
            len++;
        }
        return Bound.of(key[0], key[1], key[2], key[3], key[4], len);
    }
}
