package dev.lorehub.merkle.internal;

/**
 * Sorts keys given as parallel arrays for a bulk build: an LSD radix sort on the timestamp (the
 * part that almost always decides), then a merge sort by id inside each run of equal timestamps.
 * Returns the permutation; allocation is a few arrays of {@code n} elements.
 */
public final class KeySorter {

    private KeySorter() {
    }

    /** Indices {@code 0..n-1} ordered by key ({@code ts[i]}, id words {@code w[4i..4i+4)}). */
    public static int[] order(long[] ts, long[] w, int n) {
        int[] idx = new int[n];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
            keys[i] = ts[i] ^ Long.MIN_VALUE; // signed order as unsigned bytes
        }
        int[] idx2 = new int[n];
        long[] keys2 = new long[n];
        int[] counts = new int[256];
        for (int shift = 0; shift < 64; shift += 8) {
            java.util.Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[(int) (keys[i] >>> shift) & 0xFF]++;
            }
            if (n == 0 || counts[(int) (keys[0] >>> shift) & 0xFF] == n) {
                continue; // every key shares this byte: the pass would not move anything
            }
            int sumc = 0;
            for (int b = 0; b < 256; b++) {
                int c = counts[b];
                counts[b] = sumc;
                sumc += c;
            }
            for (int i = 0; i < n; i++) {
                int pos = counts[(int) (keys[i] >>> shift) & 0xFF]++;
                keys2[pos] = keys[i];
                idx2[pos] = idx[i];
            }
            long[] tk = keys;
            keys = keys2;
            keys2 = tk;
            int[] ti = idx;
            idx = idx2;
            idx2 = ti;
        }
        int i = 0;
        while (i < n) {
            int j = i + 1;
            while (j < n && keys[j] == keys[i]) {
                j++;
            }
            if (j - i > 1) {
                sortRunById(idx, idx2, i, j, w);
            }
            i = j;
        }
        return idx;
    }

    private static void sortRunById(int[] a, int[] tmp, int from, int to, long[] w) {
        if (to - from <= 12) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && compareId(w, a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sortRunById(a, tmp, from, mid, w);
        sortRunById(a, tmp, mid, to, w);
        System.arraycopy(a, from, tmp, from, to - from);
        int p = from;
        int q = mid;
        for (int k = from; k < to; k++) {
            if (q >= to || p < mid && compareId(w, tmp[p], tmp[q]) <= 0) {
                a[k] = tmp[p++];
            } else {
                a[k] = tmp[q++];
            }
        }
    }

    private static int compareId(long[] w, int x, int y) {
        int bx = x << 2;
        int by = y << 2;
        for (int k = 0; k < 4; k++) {
            if (w[bx + k] != w[by + k]) {
                return Long.compareUnsigned(w[bx + k], w[by + k]);
            }
        }
        return 0;
    }

    /**
     * Sorts, removes duplicates, hashes and builds: the bulk-load path of a set. {@code ts[i]} and
     * {@code w[4i..4i+4)} describe key {@code i}; the inputs are not modified.
     */
    public static KeyTree build(long[] ts, long[] w, int n) {
        int[] order = order(ts, w, n);
        int m = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (m > 0) {
                int p = order[m - 1];
                int bp = p << 2;
                int bi = i << 2;
                if (ts[p] == ts[i] && w[bp] == w[bi] && w[bp + 1] == w[bi + 1] && w[bp + 2] == w[bi + 2]
                    && w[bp + 3] == w[bi + 3]) {
                    continue;
                }
            }
            order[m++] = i;
        }
        return KeyTree.buildOrdered(ts, w, order, m);
    }
}
