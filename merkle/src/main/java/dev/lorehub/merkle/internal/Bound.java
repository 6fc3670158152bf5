package dev.lorehub.merkle.internal;

/**
 * A range boundary in key space: either {@link #INF} (above every key) or the point
 * {@code (ts, prefix of an id padded with zero bytes)}. A key {@code k} lies below a bound {@code b}
 * iff {@code k < (b.ts, b.padded id)} in key order, so the lowest bound {@link #MIN} lies at or
 * below every key. Ranges are half-open: {@code [lower, upper)}.
 */
public final class Bound implements Comparable<Bound> {

    /** The lowest bound: {@code (Long.MIN_VALUE, empty prefix)}. */
    public static final Bound MIN = new Bound(Long.MIN_VALUE, 0, 0, 0, 0, 0, false);
    /** The bound above every key. */
    public static final Bound INF = new Bound(0, 0, 0, 0, 0, 0, true);

    public final long ts;
    public final long w0;
    public final long w1;
    public final long w2;
    public final long w3;
    /** Number of id bytes that are significant on the wire (0..32); the rest are zero. */
    public final int prefixLen;
    public final boolean infinite;

    private Bound(long ts, long w0, long w1, long w2, long w3, int prefixLen, boolean infinite) {
        this.ts = ts;
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
        this.prefixLen = prefixLen;
        this.infinite = infinite;
    }

    /** The bound {@code (ts, first prefixLen bytes of the id words)}. */
    public static Bound of(long ts, long w0, long w1, long w2, long w3, int prefixLen) {
        if (prefixLen < 0 || prefixLen > 32) {
            throw new IllegalArgumentException("prefixLen must be 0..32, was " + prefixLen);
        }
        return new Bound(ts, mask(w0, prefixLen, 0), mask(w1, prefixLen, 1), mask(w2, prefixLen, 2),
            mask(w3, prefixLen, 3), prefixLen, false);
    }

    /** The bound {@code (ts, empty prefix)}. */
    public static Bound ofTimestamp(long ts) {
        return new Bound(ts, 0, 0, 0, 0, 0, false);
    }

    private static long mask(long w, int len, int word) {
        int keep = len - 8 * word;
        if (keep >= 8) {
            return w;
        }
        if (keep <= 0) {
            return 0;
        }
        return w & (-1L << (8 * (8 - keep)));
    }

    /** Sign of {@code key - this} in key order (a key equal to the padded bound compares 0). */
    public int compareKey(long kts, long k0, long k1, long k2, long k3) {
        if (infinite) {
            return -1;
        }
        return Keys.compare(kts, k0, k1, k2, k3, ts, w0, w1, w2, w3);
    }

    @Override
    public int compareTo(Bound o) {
        if (infinite || o.infinite) {
            return Boolean.compare(infinite, o.infinite);
        }
        return Keys.compare(ts, w0, w1, w2, w3, o.ts, o.w0, o.w1, o.w2, o.w3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bound b && compareTo(b) == 0;
    }

    @Override
    public int hashCode() {
        return infinite ? 1 : Long.hashCode(ts) * 31 + Long.hashCode(w0 ^ w1 ^ w2 ^ w3);
    }

    @Override
    public String toString() {
        if (infinite) {
            return "+inf";
        }
        StringBuilder sb = new StringBuilder("(").append(ts);
        if (prefixLen > 0) {
            sb.append(", ");
            for (int i = 0; i < prefixLen; i++) {
                sb.append(String.format("%02x", Keys.idByte(w0, w1, w2, w3, i)));
            }
        }
        return sb.append(')').toString();
    }
}
