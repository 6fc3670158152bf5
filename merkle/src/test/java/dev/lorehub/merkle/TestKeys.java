package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.KeyHasher;
import dev.lorehub.merkle.internal.U256;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded key generators and a from-scratch fingerprint oracle for tests. */
public final class TestKeys {

    private TestKeys() {
    }

    /** A key with a random id and the given timestamp. */
    public static EventKey key(SplittableRandom rnd, long ts) {
        byte[] id = new byte[32];
        for (int i = 0; i < 32; i += 8) {
            KeyHasher.putLong(id, i, rnd.nextLong());
        }
        return new EventKey(ts, id);
    }

    /** A key whose id is all {@code b} bytes. */
    public static EventKey constantKey(long ts, int b) {
        byte[] id = new byte[32];
        java.util.Arrays.fill(id, (byte) b);
        return new EventKey(ts, id);
    }

    /** {@code n} distinct keys with timestamps drawn from {@code [base, base + spread)}. */
    public static List<EventKey> randomKeys(SplittableRandom rnd, int n, long base, long spread) {
        java.util.HashSet<EventKey> seen = new java.util.HashSet<>();
        List<EventKey> out = new ArrayList<>(n);
        while (out.size() < n) {
            long ts = spread <= 1 ? base : base + rnd.nextLong(spread);
            EventKey k = key(rnd, ts);
            if (seen.add(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** The 16-byte unsalted fingerprint of exactly these keys, computed from scratch with BigInteger. */
    public static Fingerprint oracleFingerprint(Collection<EventKey> keys) {
        KeyHasher h = new KeyHasher();
        BigInteger sum = BigInteger.ZERO;
        long[] limbs = new long[4];
        for (EventKey k : keys) {
            h.hashKey(k.timestamp(), k.idWord(0), k.idWord(1), k.idWord(2), k.idWord(3), limbs, 0);
            sum = sum.add(toBig(limbs));
        }
        sum = sum.mod(BigInteger.ONE.shiftLeft(256));
        long[] s = fromBig(sum);
        return Fingerprint.of(h.fingerprint(keys.size(), s, 0, 0L, 16));
    }

    public static BigInteger toBig(long[] limbs) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 3; i >= 0; i--) {
            v = v.shiftLeft(64).add(new BigInteger(Long.toUnsignedString(limbs[i])));
        }
        return v;
    }

    public static long[] fromBig(BigInteger v) {
        long[] out = new long[4];
        for (int i = 0; i < 4; i++) {
            out[i] = v.longValue();
            v = v.shiftRight(64);
        }
        return out;
    }

    /** Adds, for symmetry with U256 in assertions. */
    public static long[] add(long[] a, long[] b) {
        long[] r = a.clone();
        U256.add(r, 0, b, 0);
        return r;
    }
}
