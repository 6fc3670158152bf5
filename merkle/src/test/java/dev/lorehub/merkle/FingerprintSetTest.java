package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.U256;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FingerprintSetTest {

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);

    @Property(tries = 200)
    void u256AddAndSubMatchBigInteger(@ForAll long a0, @ForAll long a1, @ForAll long a2, @ForAll long a3,
                                      @ForAll long b0, @ForAll long b1, @ForAll long b2, @ForAll long b3) {
        long[] a = {a0, a1, a2, a3};
        long[] b = {b0, b1, b2, b3};
        long[] s = a.clone();
        U256.add(s, 0, b, 0);
        assertThat(TestKeys.toBig(s)).isEqualTo(TestKeys.toBig(a).add(TestKeys.toBig(b)).mod(MOD));
        long[] d = a.clone();
        U256.sub(d, 0, b, 0);
        assertThat(TestKeys.toBig(d)).isEqualTo(TestKeys.toBig(a).subtract(TestKeys.toBig(b)).mod(MOD));
    }

    @Test
    void u256CarriesAcrossEveryLimb() {
        long[] a = {-1, -1, -1, -1};
        U256.add(a, 0, new long[] {1, 0, 0, 0}, 0);
        assertThat(a).containsExactly(0, 0, 0, 0);
        U256.sub(a, 0, new long[] {1, 0, 0, 0}, 0);
        assertThat(a).containsExactly(-1, -1, -1, -1);
    }

    /** Incremental fingerprints equal fingerprints recomputed from scratch after random inserts and removes. */
    @Property(tries = 25)
    void incrementalFingerprintsMatchFromScratch(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                 @ForAll @IntRange(min = 1, max = 3000) int ops,
                                                 @ForAll @IntRange(min = 1, max = 400) int tsSpread) {
        SplittableRandom rnd = new SplittableRandom(seed);
        FingerprintSet set = new FingerprintSet();
        TreeSet<EventKey> oracle = new TreeSet<>();
        List<EventKey> pool = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            boolean removeOne = !pool.isEmpty() && rnd.nextInt(3) == 0;
            if (removeOne) {
                EventKey k = pool.get(rnd.nextInt(pool.size()));
                assertThat(set.remove(k)).isEqualTo(oracle.remove(k));
            } else {
                EventKey k = TestKeys.key(rnd, rnd.nextInt(tsSpread));
                pool.add(k);
                assertThat(set.add(k)).isEqualTo(oracle.add(k));
                assertThat(set.add(k)).isFalse();
            }
            if (i % 97 == 0) {
                set.tree().checkInvariants();
            }
        }
        set.tree().checkInvariants();
        assertThat(set.size()).isEqualTo(oracle.size());
        assertThat(set.root()).isEqualTo(TestKeys.oracleFingerprint(oracle));
        assertThat(set.keys(null, null)).containsExactlyElementsOf(oracle);
        for (int q = 0; q < 20; q++) {
            EventKey a = TestKeys.key(rnd, rnd.nextInt(tsSpread + 2) - 1);
            EventKey b = TestKeys.key(rnd, rnd.nextInt(tsSpread + 2) - 1);
            if (!oracle.isEmpty() && rnd.nextBoolean()) {
                a = new ArrayList<>(oracle).get(rnd.nextInt(oracle.size())); // a bound that is a member
            }
            EventKey lo = a.compareTo(b) <= 0 ? a : b;
            EventKey hi = a.compareTo(b) <= 0 ? b : a;
            var expected = oracle.subSet(lo, true, hi, false);
            assertThat(set.fingerprint(lo, hi)).isEqualTo(TestKeys.oracleFingerprint(expected));
            assertThat(set.count(lo, hi)).isEqualTo(expected.size());
            assertThat(set.keys(lo, hi)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void bulkBuildEqualsIncrementalAndDropsDuplicates() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<EventKey> keys = TestKeys.randomKeys(rnd, 20_000, -50, 1000);
        List<EventKey> withDupes = new ArrayList<>(keys);
        withDupes.addAll(keys.subList(0, 500));
        FingerprintSet bulk = FingerprintSet.build(withDupes);
        FingerprintSet inc = new FingerprintSet();
        keys.forEach(inc::add);
        bulk.tree().checkInvariants();
        assertThat(bulk.size()).isEqualTo(keys.size());
        assertThat(bulk.root()).isEqualTo(inc.root());
        assertThat(bulk.keys(null, null)).containsExactlyElementsOf(new TreeSet<>(keys));
        // The bulk-built tree stays fully mutable.
        for (EventKey k : keys.subList(0, 15_000)) {
            assertThat(bulk.remove(k)).isTrue();
        }
        bulk.tree().checkInvariants();
        assertThat(bulk.root()).isEqualTo(TestKeys.oracleFingerprint(new TreeSet<>(keys.subList(15_000, 20_000))));
    }

    @Test
    void bulkBuildFromArrays() {
        SplittableRandom rnd = new SplittableRandom(8);
        List<EventKey> keys = TestKeys.randomKeys(rnd, 5000, Long.MIN_VALUE, 3);
        long[] ts = new long[keys.size()];
        byte[] ids = new byte[32 * keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            ts[i] = keys.get(i).timestamp();
            System.arraycopy(keys.get(i).id(), 0, ids, 32 * i, 32);
        }
        FingerprintSet set = FingerprintSet.build(ts, ids);
        set.tree().checkInvariants();
        assertThat(set.keys(null, null)).containsExactlyElementsOf(new TreeSet<>(keys));
        assertThatThrownBy(() -> FingerprintSet.build(new long[2], new byte[63]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63");
    }

    @Test
    void snapshotsAreIsolatedAndReadOnly() {
        SplittableRandom rnd = new SplittableRandom(9);
        List<EventKey> keys = TestKeys.randomKeys(rnd, 3000, 0, 100_000);
        FingerprintSet set = FingerprintSet.build(keys);
        FingerprintSet snap = set.snapshot();
        Fingerprint before = snap.root();
        for (EventKey k : keys.subList(0, 1000)) {
            set.remove(k);
        }
        for (EventKey k : TestKeys.randomKeys(rnd, 1000, 0, 100_000)) {
            set.add(k);
        }
        set.tree().checkInvariants();
        snap.tree().checkInvariants();
        assertThat(snap.root()).isEqualTo(before).isEqualTo(TestKeys.oracleFingerprint(keys));
        assertThat(snap.size()).isEqualTo(3000);
        assertThat(snap.isReadOnly()).isTrue();
        assertThat(snap.snapshot()).isSameAs(snap);
        assertThatThrownBy(() -> snap.add(keys.get(0))).isInstanceOf(UnsupportedOperationException.class);
        FingerprintSet snap2 = set.snapshot();
        set.add(keys.get(0));
        assertThat(snap2.contains(keys.get(0))).isFalse();
        assertThat(set.contains(keys.get(0))).isTrue();
    }

    @Test
    void iterationIsOverASnapshot() {
        SplittableRandom rnd = new SplittableRandom(10);
        FingerprintSet set = FingerprintSet.build(TestKeys.randomKeys(rnd, 1000, 0, 10));
        List<EventKey> seen = new ArrayList<>();
        for (EventKey k : set) {
            seen.add(k);
            set.remove(k);
        }
        assertThat(seen).hasSize(1000).isSorted();
        assertThat(set.size()).isZero();
    }

    @Test
    void extremeKeysAndBoundsOrder() {
        FingerprintSet set = new FingerprintSet();
        EventKey min = TestKeys.constantKey(Long.MIN_VALUE, 0);
        EventKey max = TestKeys.constantKey(Long.MAX_VALUE, 0xFF);
        set.add(min);
        set.add(max);
        set.add(TestKeys.constantKey(0, 0x80));
        assertThat(set.keys(null, null)).containsExactly(min, TestKeys.constantKey(0, 0x80), max);
        assertThat(set.count(min, max)).isEqualTo(2);
        assertThat(set.count(null, null)).isEqualTo(3);
        assertThatThrownBy(() -> set.count(max, min)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new FingerprintSet().root()).isEqualTo(TestKeys.oracleFingerprint(List.of()));
    }
}
