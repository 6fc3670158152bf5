package dev.lorehub.merkle;

import dev.lorehub.merkle.ReconciliationException.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Over a million random and mutated messages, fed to sessions in every state of several recorded
 * exchanges (fresh responder, started initiator, and mid-session on either side), produce only
 * {@link ReconciliationException} or an ordinary reply: never another exception, a hang, or an
 * allocation beyond the message size. Fixed seed, so a failure replays exactly.
 */
class FuzzTest {

    private static final long SEED = 0x5EED_F022L;
    private static final int MESSAGES = 1_050_000;

    @Test
    void randomAndMutatedMessagesOnlyRaiseTheTypedError() {
        ReconcileConfig base = ReconcileConfig.defaults().withMaxMessageBytes(4096);
        List<MalformedInputTest.Recording> recs = List.of(
            MalformedInputTest.recording(1, 40, 12, base.withLeafThreshold(3).withBranching(2, 4)),
            MalformedInputTest.recording(2, 30, 10, base.withIdPrefixBytes(0).withLeafThreshold(4).withBranching(3, 3)),
            MalformedInputTest.recording(3, 0, 20, base),
            MalformedInputTest.recording(4, 60, 30, base.withIdPrefixBytes(1).withLeafThreshold(6).withBranching(2, 2)),
            MalformedInputTest.recording(5, 25, 0, base));
        List<byte[]> corpus = new ArrayList<>();
        recs.forEach(r -> corpus.addAll(r.messages));
        SplittableRandom rnd = new SplittableRandom(SEED);
        Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
        int accepted = 0;
        for (int i = 0; i < MESSAGES; i++) {
            MalformedInputTest.Recording rec = recs.get(rnd.nextInt(recs.size()));
            // Cheap states most of the time; deeper ones (which replay earlier messages) for a fifth.
            int idx = rnd.nextInt(5) == 0 ? rnd.nextInt(rec.messages.size()) : rnd.nextInt(Math.min(2, rec.messages.size()));
            byte[] msg = rnd.nextInt(10) == 0 ? random(rnd) : mutate(rec.messages.get(idx), corpus, rnd);
            try {
                rec.deliverAs(idx, msg);
                accepted++;
            } catch (ReconciliationException e) {
                kinds.merge(e.kind(), 1, Integer::sum);
            } catch (Throwable t) {
                fail("message " + i + " (seed " + SEED + ", state " + idx + "): " + HexFormat.of().formatHex(msg), t);
            }
        }
        System.out.println("fuzz: " + MESSAGES + " messages, accepted " + accepted + ", rejected " + kinds);
        assertThat(kinds.keySet()).contains(Kind.TRUNCATED, Kind.MALFORMED, Kind.OUT_OF_ORDER, Kind.CONTRADICTORY,
            Kind.UNKNOWN_VERSION);
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] m = new byte[rnd.nextInt(80)];
        rnd.nextBytes(m);
        if (m.length > 1 && rnd.nextInt(10) != 0) {
            m[0] = 1;
            m[1] = (byte) rnd.nextInt(8);
        }
        return m;
    }

    static byte[] mutate(byte[] src, List<byte[]> corpus, SplittableRandom rnd) {
        byte[] m = src.clone();
        int ops = 1 + rnd.nextInt(3);
        for (int k = 0; k < ops; k++) {
            int n = m.length;
            switch (rnd.nextInt(9)) {
                case 0 -> {
                    if (n > 0) {
                        m[rnd.nextInt(n)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> {
                    if (n > 0) {
                        int[] special = {0, 0xFF, 0x7F, 0x80, 1, 2, 3};
                        m[rnd.nextInt(n)] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : special[rnd.nextInt(special.length)]);
                    }
                }
                case 2 -> {
                    int at = rnd.nextInt(n + 1);
                    byte[] ins = new byte[1 + rnd.nextInt(4)];
                    rnd.nextBytes(ins);
                    m = splice(m, at, at, ins);
                }
                case 3 -> {
                    if (n > 0) {
                        int at = rnd.nextInt(n);
                        m = splice(m, at, Math.min(n, at + 1 + rnd.nextInt(4)), new byte[0]);
                    }
                }
                case 4 -> m = java.util.Arrays.copyOf(m, rnd.nextInt(n + 1));
                case 5 -> {
                    byte[] big = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0xFF, 0x01};
                    int at = rnd.nextInt(n + 1);
                    m = splice(m, at, Math.min(n, at + rnd.nextInt(3)), java.util.Arrays.copyOf(big, 1 + rnd.nextInt(10)));
                }
                case 6 -> {
                    byte[] other = corpus.get(rnd.nextInt(corpus.size()));
                    int cut = rnd.nextInt(n + 1);
                    int from = rnd.nextInt(other.length + 1);
                    m = splice(java.util.Arrays.copyOf(m, cut), cut, cut, java.util.Arrays.copyOfRange(other, from, other.length));
                }
                case 7 -> {
                    if (n > 2) {
                        int at = rnd.nextInt(n - 1);
                        int len = 1 + rnd.nextInt(Math.min(16, n - at));
                        m = splice(m, at, at, java.util.Arrays.copyOfRange(m, at, at + len));
                    }
                }
                default -> {
                    if (n > 2) {
                        m[2 + rnd.nextInt(n - 2)] = (byte) rnd.nextInt(4); // small values: kinds, counts, references
                    }
                }
            }
        }
        return m;
    }

    private static byte[] splice(byte[] m, int from, int to, byte[] ins) {
        byte[] out = new byte[m.length - (to - from) + ins.length];
        System.arraycopy(m, 0, out, 0, from);
        System.arraycopy(ins, 0, out, from, ins.length);
        System.arraycopy(m, to, out, from + ins.length, m.length - to);
        return out;
    }
}
