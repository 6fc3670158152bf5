package dev.lorehub.merkle.internal;

/**
 * Arithmetic modulo 2^256 on four little-endian 64-bit limbs stored in a {@code long[]} at an
 * offset (limb 0 is the least significant). Range fingerprints are sums of per-key hashes in this
 * group, so adding a key is {@link #add} and removing it is {@link #sub}; no operation allocates.
 */
public final class U256 {

    /** Number of {@code long} limbs per value. */
    public static final int LIMBS = 4;

    private U256() {
    }

    /** {@code acc[ao..ao+4) += x[xo..xo+4)} modulo 2^256. */
    public static void add(long[] acc, int ao, long[] x, int xo) {
        long a = acc[ao];
        long b = x[xo];
        long s = a + b;
        long c = ((a & b) | ((a | b) & ~s)) >>> 63;
        acc[ao] = s;
        a = acc[ao + 1];
        b = x[xo + 1];
        s = a + b + c;
        c = ((a & b) | ((a | b) & ~s)) >>> 63;
        acc[ao + 1] = s;
        a = acc[ao + 2];
        b = x[xo + 2];
        s = a + b + c;
        c = ((a & b) | ((a | b) & ~s)) >>> 63;
        acc[ao + 2] = s;
        acc[ao + 3] = acc[ao + 3] + x[xo + 3] + c;
    }

    /** {@code acc[ao..ao+4) -= x[xo..xo+4)} modulo 2^256. */
    public static void sub(long[] acc, int ao, long[] x, int xo) {
        long a = acc[ao];
        long b = x[xo];
        long d = a - b;
        long br = ((~a & b) | (~(a ^ b) & d)) >>> 63;
        acc[ao] = d;
        a = acc[ao + 1];
        b = x[xo + 1];
        d = a - b - br;
        br = ((~a & b) | (~(a ^ b) & d)) >>> 63;
        acc[ao + 1] = d;
        a = acc[ao + 2];
        b = x[xo + 2];
        d = a - b - br;
        br = ((~a & b) | (~(a ^ b) & d)) >>> 63;
        acc[ao + 2] = d;
        acc[ao + 3] = acc[ao + 3] - x[xo + 3] - br;
    }

    /** Copies a value. */
    public static void copy(long[] from, int fo, long[] to, int to0) {
        System.arraycopy(from, fo, to, to0, LIMBS);
    }

    /** Sets a value to zero. */
    public static void clear(long[] acc, int ao) {
        acc[ao] = 0;
        acc[ao + 1] = 0;
        acc[ao + 2] = 0;
        acc[ao + 3] = 0;
    }
}
