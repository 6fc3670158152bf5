package dev.lorehub.merkle.internal;

/**
 * The total order on keys: timestamp as a signed long, then the 32-byte id as an unsigned
 * big-endian number, held as four 64-bit words ({@code w0} most significant).
 */
public final class Keys {

    private Keys() {
    }

    /** Compares two keys; negative, zero or positive like {@link Comparable#compareTo}. */
    public static int compare(long ts, long w0, long w1, long w2, long w3,
                              long ots, long o0, long o1, long o2, long o3) {
        if (ts != ots) {
            return ts < ots ? -1 : 1;
        }
        if (w0 != o0) {
            return Long.compareUnsigned(w0, o0);
        }
        if (w1 != o1) {
            return Long.compareUnsigned(w1, o1);
        }
        if (w2 != o2) {
            return Long.compareUnsigned(w2, o2);
        }
        return Long.compareUnsigned(w3, o3);
    }

    /** Compares the key stored at {@code ts[i], id[4i..4i+4)} with another key. */
    public static int compareAt(long[] ts, long[] id, int i, long ots, long o0, long o1, long o2, long o3) {
        int b = i << 2;
        return compare(ts[i], id[b], id[b + 1], id[b + 2], id[b + 3], ots, o0, o1, o2, o3);
    }

    /** Reads 32 id bytes at {@code off} as four big-endian words into {@code dst[d..d+4)}. */
    public static void idToWords(byte[] id, int off, long[] dst, int d) {
        dst[d] = KeyHasher.getLong(id, off);
        dst[d + 1] = KeyHasher.getLong(id, off + 8);
        dst[d + 2] = KeyHasher.getLong(id, off + 16);
        dst[d + 3] = KeyHasher.getLong(id, off + 24);
    }

    /** Writes four id words as 32 big-endian bytes at {@code off}. */
    public static void wordsToId(long w0, long w1, long w2, long w3, byte[] dst, int off) {
        KeyHasher.putLong(dst, off, w0);
        KeyHasher.putLong(dst, off + 8, w1);
        KeyHasher.putLong(dst, off + 16, w2);
        KeyHasher.putLong(dst, off + 24, w3);
    }

    /** Byte {@code i} (0..31) of the id held in four words. */
    public static int idByte(long w0, long w1, long w2, long w3, int i) {
        long w = switch (i >>> 3) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
        return (int) (w >>> (56 - 8 * (i & 7))) & 0xFF;
    }
}
