package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.ReconciliationException;
import dev.lorehub.merkle.ReconciliationException.Kind;

/** Encoding and validated decoding of bounds and full keys. */
final class KeyCodec {

    private KeyCodec() {
    }

    /**
     * A bound relative to the previous one: {@code E = e << 1 | hasPrefix} (one byte, bit 7 zero),
     * {@code varint m} with timestamp delta {@code m << e}, then if {@code hasPrefix} a length byte
     * (1..32) and that many id bytes.
     */
    static void writeBound(WireWriter w, Bound prev, Bound b) {
        long delta = b.ts - prev.ts;
        int e = delta == 0 ? 0 : Math.min(63, Long.numberOfTrailingZeros(delta));
        int prefix = lastNonZeroByte(b) + 1;
        w.u8((e << 1) | (prefix > 0 ? 1 : 0));
        w.varint(delta >>> e);
        if (prefix > 0) {
            w.u8(prefix);
            for (int i = 0; i < prefix; i++) {
                w.u8(Keys.idByte(b.w0, b.w1, b.w2, b.w3, i));
            }
        }
    }

    private static int lastNonZeroByte(Bound b) {
        for (int i = 31; i >= 0; i--) {
            if (Keys.idByte(b.w0, b.w1, b.w2, b.w3, i) != 0) {
                return i;
            }
        }
        return -1;
    }

    /** Encoded length of {@link #writeBound}. */
    static int boundLength(Bound prev, Bound b) {
        long delta = b.ts - prev.ts;
        int e = delta == 0 ? 0 : Math.min(63, Long.numberOfTrailingZeros(delta));
        int prefix = lastNonZeroByte(b) + 1;
        return 1 + WireWriter.varintLen(delta >>> e) + (prefix > 0 ? 1 + prefix : 0);
    }

    /** Reads a bound that must lie strictly between {@code prev} and {@code hi}. */
    static Bound readBound(WireReader r, Bound prev, Bound hi) {
        int e8 = r.u8("bound header");
        if ((e8 & 0x80) != 0) {
            throw new ReconciliationException(Kind.MALFORMED, "bound header 0x" + Integer.toHexString(e8) + " has bit 7 set");
        }
        int e = e8 >>> 1;
        long m = r.varint("bound timestamp delta");
        if (e > 0 && (m >>> (64 - e)) != 0) {
            throw new ReconciliationException(Kind.MALFORMED, "bound timestamp delta " + Long.toUnsignedString(m)
                + " << " + e + " overflows 64 bits");
        }
        long ts = addTimestamp(prev.ts, m << e, "bound");
        Bound b;
        if ((e8 & 1) != 0) {
            int len = r.u8("bound prefix length");
            if (len < 1 || len > 32) {
                throw new ReconciliationException(Kind.MALFORMED, "bound prefix length " + len + " outside 1..32");
            }
            byte[] id = new byte[32];
            r.read(id, 0, len, "bound prefix");
            b = Bound.of(ts, KeyHasher.getLong(id, 0), KeyHasher.getLong(id, 8), KeyHasher.getLong(id, 16),
                KeyHasher.getLong(id, 24), len);
        } else {
            b = Bound.ofTimestamp(ts);
        }
        if (b.compareTo(prev) <= 0) {
            throw new ReconciliationException(Kind.OUT_OF_ORDER, "bound " + b + " is not above the previous bound " + prev);
        }
        if (b.compareTo(hi) >= 0) {
            throw new ReconciliationException(Kind.OUT_OF_ORDER, "bound " + b + " is not below the range's upper bound " + hi);
        }
        return b;
    }

    /** {@code base + delta} where delta is unsigned; a sum beyond {@code Long.MAX_VALUE} is malformed. */
    static long addTimestamp(long base, long delta, String what) {
        long room = ~(base ^ Long.MIN_VALUE); // Long.MAX_VALUE - base, as unsigned
        if (Long.compareUnsigned(delta, room) > 0) {
            throw new ReconciliationException(Kind.MALFORMED, what + " timestamp delta " + Long.toUnsignedString(delta)
                + " from " + base + " exceeds the largest timestamp");
        }
        return base + delta;
    }

    /** Keys {@code [from, to)} of a block, each as {@code varint(ts - previous ts)} then the 32-byte id; the first delta is from {@code lo.ts}. */
    static void writeKeys(WireWriter w, Bound lo, KeyBlock keys, int from, int to) {
        long prev = lo.ts;
        for (int i = from; i < to; i++) {
            w.varint(keys.ts(i) - prev);
            prev = keys.ts(i);
            for (int j = 0; j < 4; j++) {
                w.long64(keys.w(i, j));
            }
        }
    }

    /** Reads {@code count} keys that must ascend strictly and lie in {@code [lo, hi)}. */
    static KeyBlock readKeys(WireReader r, Bound lo, Bound hi, int count, String what) {
        KeyBlock out = new KeyBlock(count);
        long prev = lo.ts;
        for (int i = 0; i < count; i++) {
            long ts = addTimestamp(prev, r.varint(what + " timestamp delta"), what);
            long w0 = r.long64(what + " id");
            long w1 = r.long64(what + " id");
            long w2 = r.long64(what + " id");
            long w3 = r.long64(what + " id");
            if (i == 0 ? lo.compareKey(ts, w0, w1, w2, w3) < 0
                       : Keys.compare(ts, w0, w1, w2, w3, out.ts(i - 1), out.w(i - 1, 0), out.w(i - 1, 1),
                           out.w(i - 1, 2), out.w(i - 1, 3)) <= 0) {
                throw new ReconciliationException(Kind.OUT_OF_ORDER, what + " key " + i + " (ts " + ts
                    + ") is not above its predecessor or the range's lower bound " + lo);
            }
            if (hi.compareKey(ts, w0, w1, w2, w3) >= 0) {
                throw new ReconciliationException(Kind.OUT_OF_ORDER, what + " key " + i + " (ts " + ts
                    + ") is not below the range's upper bound " + hi);
            }
            out.add(ts, w0, w1, w2, w3);
            prev = ts;
        }
        return out;
    }
}
