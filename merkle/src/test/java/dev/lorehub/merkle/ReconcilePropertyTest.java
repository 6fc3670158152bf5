package dev.lorehub.merkle;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconciliation against a brute-force set-difference oracle over random scenarios: sizes,
 * layouts of the differences, timestamp distributions (including one shared timestamp and the
 * extreme values), and random configurations on both sides (small messages force deferral and
 * streaming; short prefixes force prefix collisions and their escalation).
 */
class ReconcilePropertyTest {

    enum Layout { NONE, SCATTERED, CLUSTERED, DISJOINT, INITIATOR_EMPTY, RESPONDER_EMPTY, ONE_SIDED }

    enum Stamps { WIDE, NARROW, SINGLE, EXTREME }

    record Scenario(List<EventKey> a, List<EventKey> b, ReconcileConfig ca, ReconcileConfig cb, String label) {
    }

    @Property(tries = 120)
    void smallAndMediumSetsReconcileExactly(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int bucket = rnd.nextInt(10);
        int n = bucket < 5 ? rnd.nextInt(200) : bucket < 9 ? rnd.nextInt(4000) : rnd.nextInt(20_000);
        check(scenario(rnd, n));
    }

    @Property(tries = 4)
    void largeSetsReconcileExactly(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        check(scenario(rnd, 50_000 + rnd.nextInt(50_001)));
    }

    /**
     * Regression: seed 30 of {@link #largeSetsReconcileExactly} (a large difference between two
     * honest sides) opened more ranges than the 65,536 the receiver accepts, and the exchange failed
     * with OVERSIZED instead of reconciling.
     */
    @Test
    void largeSetsSeed30ReconcileWithinTheOpenRangeLimit() {
        SplittableRandom rnd = new SplittableRandom(30);
        check(scenario(rnd, 50_000 + rnd.nextInt(50_001)));
    }

    static Scenario scenario(SplittableRandom rnd, int n) {
        Layout layout = Layout.values()[rnd.nextInt(Layout.values().length)];
        Stamps stamps = Stamps.values()[rnd.nextInt(Stamps.values().length)];
        int d = switch (rnd.nextInt(4)) {
            case 0 -> 1 + rnd.nextInt(3);
            case 1 -> rnd.nextInt(20);
            case 2 -> rnd.nextInt(Math.max(1, n / 10 + 1));
            default -> rnd.nextInt(Math.max(1, n + 1));
        };
        List<EventKey> pool = keys(rnd, n + d + 2, stamps);
        pool.sort(null);
        List<EventKey> a = new ArrayList<>();
        List<EventKey> b = new ArrayList<>();
        switch (layout) {
            case NONE -> {
                a.addAll(pool.subList(0, n));
                b.addAll(a);
            }
            case SCATTERED, ONE_SIDED -> {
                for (int i = 0; i < pool.size(); i++) {
                    boolean differs = rnd.nextInt(pool.size()) < d;
                    if (!differs) {
                        a.add(pool.get(i));
                        b.add(pool.get(i));
                    } else if (layout == Layout.ONE_SIDED || rnd.nextBoolean()) {
                        a.add(pool.get(i));
                    } else {
                        b.add(pool.get(i));
                    }
                }
            }
            case CLUSTERED -> {
                int start = rnd.nextInt(Math.max(1, pool.size() - d));
                for (int i = 0; i < pool.size(); i++) {
                    boolean differs = i >= start && i < start + d;
                    boolean inA = !differs || rnd.nextBoolean();
                    if (inA) {
                        a.add(pool.get(i));
                    }
                    if (!differs || !inA) {
                        b.add(pool.get(i));
                    }
                }
            }
            case DISJOINT -> {
                for (int i = 0; i < pool.size(); i++) {
                    (rnd.nextBoolean() ? a : b).add(pool.get(i));
                }
            }
            case INITIATOR_EMPTY -> b.addAll(pool.subList(0, n));
            default -> a.addAll(pool.subList(0, n));
        }
        ReconcileConfig ca = randomConfig(rnd);
        ReconcileConfig cb = rnd.nextInt(3) == 0 ? ca : randomConfig(rnd);
        return new Scenario(a, b, ca, cb, layout + "/" + stamps + " n=" + n + " d=" + d + " " + ca + " / " + cb);
    }

    static List<EventKey> keys(SplittableRandom rnd, int count, Stamps stamps) {
        TreeSet<EventKey> out = new TreeSet<>();
        while (out.size() < count) {
            long ts = switch (stamps) {
                case WIDE -> (1_700_000_000_000L + rnd.nextLong(1_000_000_000L)) << 16;
                case NARROW -> rnd.nextInt(Math.max(2, count / 8));
                case SINGLE -> 77;
                default -> switch (rnd.nextInt(4)) {
                    case 0 -> Long.MIN_VALUE + rnd.nextInt(3);
                    case 1 -> Long.MAX_VALUE - rnd.nextInt(3);
                    case 2 -> rnd.nextLong();
                    default -> rnd.nextInt(5) - 2;
                };
            };
            EventKey k = switch (stamps == Stamps.EXTREME ? rnd.nextInt(6) : 5) {
                case 0 -> TestKeys.constantKey(ts, 0);
                case 1 -> TestKeys.constantKey(ts, 0xFF);
                default -> TestKeys.key(rnd, ts);
            };
            out.add(k);
        }
        return new ArrayList<>(out);
    }

    static ReconcileConfig randomConfig(SplittableRandom rnd) {
        int[] sizes = {4096, 8192, 65_536, 262_144};
        int[] prefixes = {0, 1, 2, 3, 4, 8, 32};
        int branching = 2 + rnd.nextInt(31);
        return new ReconcileConfig(sizes[rnd.nextInt(sizes.length)], 10_000, branching,
            branching + rnd.nextInt(129 - branching), 1 + rnd.nextInt(40), prefixes[rnd.nextInt(prefixes.length)],
            6 + rnd.nextInt(11));
    }

    static void check(Scenario sc) {
        TreeSet<EventKey> a = new TreeSet<>(sc.a());
        TreeSet<EventKey> b = new TreeSet<>(sc.b());
        TreeSet<EventKey> onlyA = new TreeSet<>(a);
        onlyA.removeAll(b);
        TreeSet<EventKey> onlyB = new TreeSet<>(b);
        onlyB.removeAll(a);
        Exchange ex = new Exchange(FingerprintSet.build(sc.a()), FingerprintSet.build(sc.b()), sc.ca(), sc.cb(),
            sc.label().hashCode()).run(100_000);
        int limit = Math.min(sc.ca().maxMessageBytes(), sc.cb().maxMessageBytes());
        assertThat(ex.messages).as(sc.label()).allSatisfy(m -> assertThat(m.length).isLessThanOrEqualTo(limit));
        assertThat(ex.initiator.isDone()).as(sc.label()).isTrue();
        assertThat(ex.responder.isDone()).as(sc.label()).isTrue();
        ReconcileResult ri = ex.initiator.result();
        ReconcileResult rr = ex.responder.result();
        assertThat(ri.have()).as(sc.label()).containsExactlyElementsOf(onlyA);
        assertThat(ri.need()).as(sc.label()).containsExactlyElementsOf(onlyB);
        assertThat(rr.have()).as(sc.label()).containsExactlyElementsOf(onlyB);
        assertThat(rr.need()).as(sc.label()).containsExactlyElementsOf(onlyA);
        assertThat(ri.rounds()).isEqualTo(rr.rounds());
        assertThat(ri.bytesSent()).isEqualTo(rr.bytesReceived());
        assertThat(ri.bytesReceived()).isEqualTo(rr.bytesSent());
        if (onlyA.isEmpty() && onlyB.isEmpty()) {
            assertThat(ri.rounds()).as(sc.label()).isEqualTo(1);
            assertThat(ex.messages).hasSize(2);
        }
    }

    @Test
    void equalSetsFinishInOneRoundTripUnderAHundredBytes() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int n : new int[] {0, 1, 1000, 100_000}) {
            List<EventKey> keys = keys(rnd, n, Stamps.WIDE);
            Exchange ex = Exchange.run(FingerprintSet.build(keys), FingerprintSet.build(keys), ReconcileConfig.defaults());
            assertThat(ex.messages).hasSize(2);
            assertThat(ex.totalBytes()).isLessThanOrEqualTo(100);
            assertThat(ex.initiator.result().have()).isEmpty();
            assertThat(ex.responder.isDone()).isTrue();
        }
    }

    @Test
    void oneDifferenceInAHundredThousandTakesThreeRoundTrips() {
        SplittableRandom rnd = new SplittableRandom(2);
        List<EventKey> keys = keys(rnd, 100_001, Stamps.WIDE);
        for (int side = 0; side < 2; side++) {
            List<EventKey> a = new ArrayList<>(keys);
            List<EventKey> b = new ArrayList<>(keys);
            (side == 0 ? b : a).remove(50_000);
            Exchange ex = Exchange.run(FingerprintSet.build(a), FingerprintSet.build(b), ReconcileConfig.defaults());
            assertThat(ex.initiator.result().rounds()).isLessThanOrEqualTo(3);
            assertThat(ex.totalBytes()).isLessThanOrEqualTo(2048);
            assertThat(side == 0 ? ex.initiator.result().have() : ex.initiator.result().need()).containsExactly(keys.get(50_000));
        }
    }

    @Test
    void anEmptySideIsStreamedEverythingWithinTheMessageLimit() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<EventKey> keys = keys(rnd, 30_000, Stamps.NARROW);
        ReconcileConfig small = ReconcileConfig.defaults().withMaxMessageBytes(4096).withMaxRounds(1000);
        for (boolean initiatorEmpty : new boolean[] {true, false}) {
            FingerprintSet full = FingerprintSet.build(keys);
            FingerprintSet empty = new FingerprintSet();
            Exchange ex = initiatorEmpty ? Exchange.run(empty, full, small) : Exchange.run(full, empty, small);
            assertThat(ex.messages).allSatisfy(m -> assertThat(m.length).isLessThanOrEqualTo(4096));
            ReconcileResult lacking = initiatorEmpty ? ex.initiator.result() : ex.responder.result();
            assertThat(lacking.need()).containsExactlyElementsOf(new TreeSet<>(keys));
            // About one full message of keys per round trip: 30,000 keys of ~34 bytes in 4 KiB messages.
            assertThat(lacking.rounds()).isLessThan(30_000 * 34 / 3600);
        }
    }

    @Test
    void everyKeySharingOneTimestampStillSplitsByIdPrefix() {
        check(new Scenario(sameStamp(0, 3000), sameStamp(1, 3000), ReconcileConfig.defaults(), ReconcileConfig.defaults(), "single-ts"));
    }

    private static List<EventKey> sameStamp(int variant, int n) {
        SplittableRandom rnd = new SplittableRandom(4);
        List<EventKey> keys = keys(rnd, n, Stamps.SINGLE);
        SplittableRandom drop = new SplittableRandom(5 + variant);
        keys.removeIf(k -> drop.nextInt(50) == 0);
        return keys;
    }

    @Test
    void sidesWithDifferentTuningAgree() {
        SplittableRandom rnd = new SplittableRandom(6);
        ReconcileConfig wide = new ReconcileConfig(1 << 20, 1000, 64, 256, 64, 0, 16);
        ReconcileConfig narrow = new ReconcileConfig(4096, 1000, 2, 2, 1, 1, 4);
        for (int i = 0; i < 6; i++) {
            Scenario sc = scenario(rnd, 3000);
            check(new Scenario(sc.a(), sc.b(), i % 2 == 0 ? wide : narrow, i % 2 == 0 ? narrow : wide, sc.label()));
        }
    }

    /** The caller keeps changing both sets while the session runs: results describe the snapshots taken at construction. */
    @Test
    void modifyingTheSetsDuringASessionIsSafe() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 5; round++) {
            Scenario sc = scenario(rnd, 5000);
            FingerprintSet a = FingerprintSet.build(sc.a());
            FingerprintSet b = FingerprintSet.build(sc.b());
            TreeSet<EventKey> onlyA = new TreeSet<>(sc.a());
            sc.b().forEach(onlyA::remove);
            TreeSet<EventKey> onlyB = new TreeSet<>(sc.b());
            sc.a().forEach(onlyB::remove);
            Initiator ini = new Initiator(a, sc.ca(), 9);
            Responder res = new Responder(b, sc.cb());
            byte[] msg = ini.start();
            List<EventKey> churn = keys(rnd, 400, Stamps.WIDE);
            int c = 0;
            while (true) {
                mutate(a, b, churn, c++, sc);
                Optional<byte[]> reply = res.onMessage(msg);
                if (reply.isEmpty()) {
                    break;
                }
                mutate(a, b, churn, c++, sc);
                Optional<byte[]> next = ini.onMessage(reply.get());
                if (next.isEmpty()) {
                    break;
                }
                msg = next.get();
            }
            assertThat(ini.result().have()).containsExactlyElementsOf(onlyA);
            assertThat(ini.result().need()).containsExactlyElementsOf(onlyB);
            assertThat(res.result().need()).containsExactlyElementsOf(onlyA);
        }
    }

    private static void mutate(FingerprintSet a, FingerprintSet b, List<EventKey> churn, int step, Scenario sc) {
        for (int i = 0; i < 20; i++) {
            EventKey k = churn.get((step * 20 + i) % churn.size());
            a.add(k);
            b.remove(k);
            if (!sc.a().isEmpty()) {
                a.remove(sc.a().get((step * 7 + i) % sc.a().size()));
            }
        }
    }
}
