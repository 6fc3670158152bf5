package dev.lorehub.merkle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids that share their listed prefix cannot be told apart by a prefix list: the answer then fails
 * to reproduce the peer's fingerprint and the range is settled with full keys. The result stays exact.
 */
class PrefixCollisionTest {

    @Test
    void collidingPrefixesAreResolvedExactly() {
        SplittableRandom rnd = new SplittableRandom(21);
        List<EventKey> common = TestKeys.randomKeys(rnd, 20_000, 0, 1L << 40);
        List<EventKey> a = new ArrayList<>(common);
        List<EventKey> b = new ArrayList<>(common);
        TreeSet<EventKey> onlyA = new TreeSet<>();
        TreeSet<EventKey> onlyB = new TreeSet<>();
        for (int i = 0; i < 60; i++) {
            // Two keys with one timestamp and ids equal in their first 8 bytes: one on each side.
            long ts = rnd.nextLong(1L << 40);
            EventKey x = TestKeys.key(rnd, ts);
            byte[] id = x.id();
            id[31] ^= 1;
            EventKey y = new EventKey(ts, id);
            a.add(x);
            b.add(y);
            onlyA.add(x);
            onlyB.add(y);
        }
        for (int prefix : new int[] {1, 3, 8}) {
            ReconcileConfig cfg = ReconcileConfig.defaults().withIdPrefixBytes(prefix);
            Exchange ex = Exchange.run(FingerprintSet.build(a), FingerprintSet.build(b), cfg);
            assertThat(ex.initiator.result().have()).containsExactlyElementsOf(onlyA);
            assertThat(ex.initiator.result().need()).containsExactlyElementsOf(onlyB);
            assertThat(ex.responder.result().have()).containsExactlyElementsOf(onlyB);
            assertThat(ex.responder.result().need()).containsExactlyElementsOf(onlyA);
        }
    }
}
