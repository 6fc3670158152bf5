package dev.lorehub.merkle;

import dev.lorehub.merkle.ReconciliationException.Kind;
import dev.lorehub.merkle.internal.KeyHasher;
import dev.lorehub.merkle.internal.WireWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Truncated, oversized, out-of-order, contradictory and excess input: each gives its typed error. */
class MalformedInputTest {

    private static final ReconcileConfig CFG = ReconcileConfig.defaults().withMaxMessageBytes(4096);
    private static final long MIN = Long.MIN_VALUE;

    /** A recorded honest exchange that can put a fresh session into the state before any of its messages. */
    static final class Recording {
        final FingerprintSet a;
        final FingerprintSet b;
        final ReconcileConfig cfg;
        final List<byte[]> messages;

        Recording(List<EventKey> a, List<EventKey> b, ReconcileConfig cfg) {
            this.a = FingerprintSet.build(a);
            this.b = FingerprintSet.build(b);
            this.cfg = cfg;
            this.messages = new Exchange(this.a, this.b, cfg, cfg, 5).run(1000).messages;
        }

        /** Feeds {@code msg} as message {@code index} to a fresh session that has seen messages {@code 0..index-1}. */
        Optional<byte[]> deliverAs(int index, byte[] msg) {
            if (index % 2 == 0) {
                Responder r = new Responder(b, cfg);
                for (int i = 0; i < index; i += 2) {
                    r.onMessage(messages.get(i));
                }
                return r.onMessage(msg);
            }
            Initiator ini = new Initiator(a, cfg, 5);
            ini.start();
            for (int i = 1; i < index; i += 2) {
                ini.onMessage(messages.get(i));
            }
            return ini.onMessage(msg);
        }
    }

    static Recording recording(long seed, int n, int d, ReconcileConfig cfg) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<EventKey> pool = TestKeys.randomKeys(rnd, n + d, 1_000_000L << 16, 1_000_000L << 16);
        List<EventKey> a = new ArrayList<>();
        List<EventKey> b = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            if (i < n) {
                a.add(pool.get(i));
                b.add(pool.get(i));
            } else {
                (i % 2 == 0 ? a : b).add(pool.get(i));
            }
        }
        return new Recording(a, b, cfg);
    }

    static Kind kindOf(Runnable r) {
        try {
            r.run();
        } catch (ReconciliationException e) {
            return e.kind();
        }
        return fail("no ReconciliationException");
    }

    @Test
    void everyStrictPrefixOfEveryMessageIsTruncated() {
        List<Recording> recs = List.of(
            recording(1, 300, 40, CFG.withLeafThreshold(4).withBranching(4, 8)),
            recording(2, 200, 30, CFG.withIdPrefixBytes(0)),
            recording(3, 0, 50, CFG));
        for (Recording rec : recs) {
            assertThat(rec.messages.size()).isGreaterThanOrEqualTo(3);
            for (int i = 0; i < rec.messages.size(); i++) {
                byte[] m = rec.messages.get(i);
                for (int len = 0; len < m.length; len++) {
                    byte[] cut = Arrays.copyOf(m, len);
                    int idx = i;
                    assertThat(kindOf(() -> rec.deliverAs(idx, cut))).as("message %d cut to %d of %d bytes", i, len, m.length)
                        .isEqualTo(Kind.TRUNCATED);
                }
                rec.deliverAs(i, m); // the whole message is fine
            }
        }
    }

    @Test
    void oversizedMessagesAreRejectedBeforeParsing() {
        Responder r = new Responder(new FingerprintSet(), CFG);
        byte[] big = new byte[4097];
        big[0] = 1;
        assertThatThrownBy(() -> r.onMessage(big)).isInstanceOf(ReconciliationException.class)
            .hasMessageContaining("4097").hasMessageContaining("4096")
            .extracting(e -> ((ReconciliationException) e).kind()).isEqualTo(Kind.OVERSIZED);
    }

    @Test
    void unknownVersionsAndEmptyMessages() {
        byte[] i1 = new Initiator(new FingerprintSet(), CFG).start();
        for (int v : new int[] {0, 2, 0x61, 0xFF}) {
            byte[] m = i1.clone();
            m[0] = (byte) v;
            assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(m))).isEqualTo(Kind.UNKNOWN_VERSION);
        }
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(new byte[0]))).isEqualTo(Kind.TRUNCATED);
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(null))).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void malformedHeaders() {
        byte[] i1 = new Initiator(new FingerprintSet(), CFG).start();
        byte[] flags = i1.clone();
        flags[1] |= 0x40;
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(flags))).isEqualTo(Kind.MALFORMED);
        byte[] noHello = i1.clone();
        noHello[1] &= ~0x02;
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(noHello))).isIn(Kind.MALFORMED, Kind.TRUNCATED);
        WireWriter small = new WireWriter();
        small.u8(1);
        small.u8(0x06);
        small.long64(0);
        small.varint(1024); // below the smallest allowed maximum message size
        small.bytes(new byte[16], 0, 16);
        small.varint(0);
        small.varint(0);
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(small.toByteArray()))).isEqualTo(Kind.MALFORMED);
        byte[] fpLen = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(1);
            w.varint(2 << 5 | 13 << 1); // a 17-byte fingerprint
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(fpLen))).isEqualTo(Kind.MALFORMED);
        byte[] trailing = Arrays.copyOf(i1, i1.length + 1);
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(trailing))).isEqualTo(Kind.MALFORMED);
        // A non-canonical varint (watermark 0 as 0x80 0x00).
        byte[] nonCanonical = Arrays.copyOf(i1, i1.length + 1);
        nonCanonical[i1.length - 2] = (byte) 0x80;
        nonCanonical[i1.length - 1] = 0;
        nonCanonical[i1.length] = 0;
        assertThat(kindOf(() -> new Responder(new FingerprintSet(), CFG).onMessage(nonCanonical))).isEqualTo(Kind.MALFORMED);
    }

    // ---------------------------------------------------------------- hand-built responder replies

    /** A first responder message with the given watermark, items and optional root. */
    private static byte[] responderHello(byte[] root, long watermark, int items, Consumer<WireWriter> body) {
        WireWriter w = new WireWriter();
        w.u8(1);
        w.u8(0x02 | (root != null ? 0x04 : 0));
        w.varint(4096);
        if (root != null) {
            w.bytes(root, 0, 16);
        }
        w.varint(watermark);
        w.varint(items);
        body.accept(w);
        return w.toByteArray();
    }

    private static Initiator started(FingerprintSet set) {
        Initiator ini = new Initiator(set, CFG, 11);
        ini.start();
        return ini;
    }

    private static FingerprintSet someKeys(int n) {
        return FingerprintSet.build(TestKeys.randomKeys(new SplittableRandom(n), n, 5000, 1000));
    }

    private static void key(WireWriter w, long tsDelta, int idByte) {
        w.varint(tsDelta);
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) idByte);
        w.bytes(id, 0, 32);
    }

    @Test
    void boundsThatDoNotAscendAreOutOfOrder() {
        byte[] root = new byte[16];
        byte[] m = responderHello(root, 1, 1, w -> {
            w.varint(0);   // range 0
            w.u8(1);       // SPLIT
            w.varint(3 << 5 | 4 << 1); // three FP children of 8 bytes
            w.u8(0);       // bound 1: ts = MIN + 5
            w.varint(5);
            w.u8(0);       // bound 2: delta 0, equal to bound 1
            w.varint(0);
            w.bytes(new byte[3 * 8], 0, 24);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(m))).isEqualTo(Kind.OUT_OF_ORDER);
        byte[] prefixThenPlain = responderHello(root, 1, 1, w -> {
            w.varint(0);
            w.u8(1);
            w.varint(3 << 5 | 4 << 1);
            w.u8(1);       // bound 1: ts = MIN + 5, prefix ff
            w.varint(5);
            w.u8(1);
            w.u8(0xFF);
            w.u8(0);       // bound 2: same ts, no prefix: below bound 1
            w.varint(0);
            w.bytes(new byte[3 * 8], 0, 24);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(prefixThenPlain))).isEqualTo(Kind.OUT_OF_ORDER);
    }

    @Test
    void keysThatDoNotAscendAreOutOfOrder() {
        byte[] m = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(1);       // SPLIT into one LIST_FULL child
            w.varint(1 << 5 | 1);
            w.u8(1);
            w.varint(2);
            key(w, 100, 0x20);
            key(w, 0, 0x10); // same ts, smaller id
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(m))).isEqualTo(Kind.OUT_OF_ORDER);
    }

    @Test
    void referencesAndWatermarksOutOfOrder() {
        // An item refers to range 0 but the watermark says nothing was processed.
        byte[] beyond = responderHello(new byte[16], 0, 1, w -> {
            w.varint(0);
            w.u8(1);
        });
        Initiator ini = new Initiator(someKeys(10), CFG, 1);
        ini.start();
        byte[] cont = beyond.clone();
        cont[1] |= 0x01; // CONTINUE, so a watermark of 0 is allowed
        assertThat(kindOf(() -> ini.onMessage(cont))).isEqualTo(Kind.OUT_OF_ORDER);
    }

    @Test
    void contradictions() {
        // The watermark claims more ranges than the initiator created.
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(responderHello(new byte[16], 5, 0, w -> { }))))
            .isEqualTo(Kind.CONTRADICTORY);
        // No CONTINUE but range 0 left unprocessed.
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(responderHello(new byte[16], 0, 0, w -> { }))))
            .isEqualTo(Kind.CONTRADICTORY);
        // A RESULT answering the root fingerprint of an initiator that holds keys.
        byte[] result = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(2);
            w.varint(0);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(result))).isEqualTo(Kind.CONTRADICTORY);
        // FULL_KEYS answering a fingerprint range.
        byte[] full = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(3);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(full))).isEqualTo(Kind.CONTRADICTORY);
    }

    @Test
    void aResultClaimingWeLackAKeyWeHoldIsContradictory() {
        // The responder lists its two keys in full; the forged answer says the responder lacks a key it holds.
        EventKey k1 = TestKeys.constantKey(10, 0x11);
        EventKey k2 = TestKeys.constantKey(20, 0x22);
        FingerprintSet b = FingerprintSet.build(List.of(k1, k2));
        Initiator ini = new Initiator(FingerprintSet.build(List.of(TestKeys.constantKey(15, 0x33))), CFG, 3);
        Responder res = new Responder(b, CFG);
        byte[] r1 = res.onMessage(ini.start()).orElseThrow();
        WireWriter w = new WireWriter();
        w.u8(1);
        w.u8(0);
        w.varint(1);     // processed the responder's range 0 (its list)
        w.varint(1);
        w.varint(0);
        w.u8(2);         // RESULT
        w.u8(0);         // the initiator lacks neither listed key (a lie, but not detectable here)
        w.varint(1);
        w.varint(20 - MIN); // extra: k2, which the responder holds
        w.bytes(k2.id(), 0, 32);
        assertThat(r1.length).isPositive();
        assertThat(kindOf(() -> res.onMessage(w.toByteArray()))).isEqualTo(Kind.CONTRADICTORY);
    }

    @Test
    void anUnansweredListIsContradictory() {
        Responder res = new Responder(FingerprintSet.build(List.of(TestKeys.constantKey(1, 1))), CFG);
        res.onMessage(new Initiator(FingerprintSet.build(List.of(TestKeys.constantKey(2, 2))), CFG).start()).orElseThrow();
        WireWriter w = new WireWriter();
        w.u8(1);
        w.u8(0);
        w.varint(1);
        w.varint(0);
        assertThat(kindOf(() -> res.onMessage(w.toByteArray()))).isEqualTo(Kind.CONTRADICTORY);
    }

    @Test
    void aResultThatDoesNotReproduceTheRootFailsVerification() {
        // The initiator is empty; the forged reply sends one key but a root that is not the fingerprint of it.
        byte[] m = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(2);
            w.varint(1);
            key(w, 7 - MIN, 0x33);
        });
        Initiator ini = new Initiator(new FingerprintSet(), CFG, 1);
        ini.start();
        assertThat(kindOf(() -> ini.onMessage(m))).isEqualTo(Kind.VERIFICATION_FAILED);
        assertThat(ini.isDone()).isFalse();
        assertThat(kindOf(() -> ini.onMessage(m))).isEqualTo(Kind.ILLEGAL_STATE);
    }

    @Test
    void lengthFieldsNeverDriveAllocation() {
        // A list announcing 2^31 - 1 keys in a 40-byte message.
        byte[] m = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(1);
            w.varint(1 << 5 | 1);
            w.u8(1);
            w.varint(Integer.MAX_VALUE);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(m))).isEqualTo(Kind.TRUNCATED);
        byte[] huge = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(1);
            w.varint(1L << 45);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(huge))).isEqualTo(Kind.OVERSIZED);
        byte[] manyItems = responderHello(new byte[16], 1, 1 << 30, w -> { });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(manyItems))).isEqualTo(Kind.TRUNCATED);
        byte[] widePrefix = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(1);
            w.varint(1 << 5 | 1);
            w.u8(2);
            w.u8(33); // prefix length beyond an id
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(widePrefix))).isEqualTo(Kind.MALFORMED);
        byte[] overflow = responderHello(new byte[16], 1, 1, w -> {
            w.varint(0);
            w.u8(1);
            w.varint(2 << 5 | 4 << 1);
            w.u8(63 << 1); // m << 63 with m = 2 overflows
            w.varint(2);
            w.bytes(new byte[16], 0, 16);
        });
        assertThat(kindOf(() -> started(someKeys(10)).onMessage(overflow))).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void honestSessionsStopAtTheRoundLimit() {
        Recording rec = recording(9, 2000, 300, CFG.withLeafThreshold(2).withBranching(2, 2).withIdPrefixBytes(0));
        assertThat(rec.messages.size()).isGreaterThan(6);
        ReconcileConfig tight = rec.cfg.withMaxRounds(2);
        Initiator ini = new Initiator(rec.a, tight, 5);
        Responder res = new Responder(rec.b, rec.cfg);
        byte[] msg = ini.start();
        byte[] r1 = res.onMessage(msg).orElseThrow();
        byte[] i2 = ini.onMessage(r1).orElseThrow();
        byte[] r2 = res.onMessage(i2).orElseThrow();
        ReconciliationException e = org.junit.jupiter.api.Assertions.assertThrows(ReconciliationException.class, () -> ini.onMessage(r2));
        assertThat(e.kind()).isEqualTo(Kind.ROUND_LIMIT);
        assertThat(e.getMessage()).contains("3").contains("2");

        Responder tightRes = new Responder(rec.b, tight);
        Initiator loose = new Initiator(rec.a, rec.cfg, 5);
        byte[] m = loose.start();
        for (int i = 0; i < 2; i++) {
            m = loose.onMessage(tightRes.onMessage(m).orElseThrow()).orElseThrow();
        }
        byte[] third = m;
        assertThat(kindOf(() -> tightRes.onMessage(third))).isEqualTo(Kind.ROUND_LIMIT);
    }

    /** A peer that answers everything with "I am not done yet" cannot keep the other side busy forever. */
    @Test
    void aPeerThatNeverFinishesHitsTheRoundLimit() {
        ReconcileConfig cfg = CFG.withMaxRounds(50);
        Initiator ini = new Initiator(someKeys(100), cfg, 1);
        ini.start();
        byte[] first = responderHello(new byte[16], 0, 0, w -> { });
        first[1] |= 0x01; // CONTINUE, nothing processed
        Optional<byte[]> out = ini.onMessage(first);
        int rounds = 1;
        try {
            while (out.isPresent()) {
                WireWriter w = new WireWriter();
                w.u8(1);
                w.u8(0x01);
                w.varint(0);
                w.varint(0);
                out = ini.onMessage(w.toByteArray());
                rounds++;
            }
            fail("the initiator finished against a peer that never does");
        } catch (ReconciliationException e) {
            assertThat(e.kind()).isEqualTo(Kind.ROUND_LIMIT);
            assertThat(ini.rounds()).isEqualTo(50);
            assertThat(rounds).isEqualTo(49);
        }

        Responder res = new Responder(someKeys(100), cfg);
        byte[] i1 = new Initiator(someKeys(99), cfg).start();
        res.onMessage(i1);
        int accepted = 1;
        try {
            while (true) {
                WireWriter w = new WireWriter();
                w.u8(1);
                w.u8(0x01); // CONTINUE forever, never processing anything
                w.varint(0);
                w.varint(0);
                res.onMessage(w.toByteArray());
                accepted++;
            }
        } catch (ReconciliationException e) {
            assertThat(e.kind()).isEqualTo(Kind.ROUND_LIMIT);
            assertThat(accepted).isEqualTo(50);
        }
    }

    @Test
    void callsOutOfStateAreTyped() {
        Initiator ini = new Initiator(new FingerprintSet(), CFG);
        assertThat(kindOf(() -> ini.onMessage(new byte[] {1}))).isEqualTo(Kind.ILLEGAL_STATE);
        ini.start();
        assertThat(kindOf(ini::start)).isEqualTo(Kind.ILLEGAL_STATE);
        Exchange ex = Exchange.run(new FingerprintSet(), new FingerprintSet(), CFG);
        assertThat(ex.initiator.isDone()).isTrue();
        assertThat(kindOf(() -> ex.initiator.onMessage(ex.messages.get(1)))).isEqualTo(Kind.ILLEGAL_STATE);
        assertThat(kindOf(() -> ex.responder.onMessage(ex.messages.get(0)))).isEqualTo(Kind.ILLEGAL_STATE);
        assertThatThrownBy(() -> new Initiator(new FingerprintSet(), CFG).result()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void replayedOrDuplicatedMessagesAreRejected() {
        Recording rec = recording(12, 500, 60, CFG);
        Responder res = new Responder(rec.b, rec.cfg);
        res.onMessage(rec.messages.get(0));
        assertThat(kindOf(() -> res.onMessage(rec.messages.get(0)))).isEqualTo(Kind.MALFORMED);
        Initiator ini = new Initiator(rec.a, rec.cfg, 5);
        ini.start();
        ini.onMessage(rec.messages.get(1));
        assertThat(kindOf(() -> ini.onMessage(rec.messages.get(1)))).isIn(Kind.MALFORMED, Kind.OUT_OF_ORDER, Kind.CONTRADICTORY);
    }

    @Test
    void configValidationNamesFieldAndValue() {
        assertThatThrownBy(() -> ReconcileConfig.defaults().withMaxMessageBytes(100))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageBytes").hasMessageContaining("100");
        assertThatThrownBy(() -> ReconcileConfig.defaults().withBranching(16, 8))
            .hasMessageContaining("maxBranching").hasMessageContaining("8");
        assertThatThrownBy(() -> ReconcileConfig.defaults().withFingerprintBytes(3)).hasMessageContaining("fingerprintBytes");
        assertThatThrownBy(() -> ReconcileConfig.defaults().withIdPrefixBytes(33)).hasMessageContaining("idPrefixBytes");
        assertThatThrownBy(() -> ReconcileConfig.defaults().withMaxRounds(0)).hasMessageContaining("maxRounds");
        assertThatThrownBy(() -> ReconcileConfig.defaults().withLeafThreshold(0)).hasMessageContaining("leafThreshold");
        assertThat(KeyHasher.getLong(new byte[8], 0)).isZero();
    }
}
