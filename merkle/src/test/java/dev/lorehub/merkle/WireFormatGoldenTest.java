package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.KeyHasher;
import dev.lorehub.merkle.internal.WireWriter;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Literal bytes of the fingerprint and of a complete exchange. The expected values were computed
 * independently (Python hashlib) from the definitions in the javadoc, so a change to the format,
 * accidental or not, fails here.
 */
class WireFormatGoldenTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final EventKey K1 = new EventKey(1, HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    private static final EventKey K2 = new EventKey(2, HEX.parseHex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"));
    private static final long SALT = 0x0102030405060708L;

    @Test
    void keyHashAndFingerprints() {
        long[] limbs = new long[4];
        new KeyHasher().hashKey(1, K1.idWord(0), K1.idWord(1), K1.idWord(2), K1.idWord(3), limbs, 0);
        byte[] be = new byte[32];
        for (int i = 0; i < 4; i++) {
            KeyHasher.putLong(be, 8 * (3 - i), limbs[i]);
        }
        assertThat(HEX.formatHex(be)).isEqualTo("982ecab0fda7bdfae6301b3b0d33fc71381168630940c70b66454940104dcb5e");
        assertThat(FingerprintSet.build(List.of(K1, K2)).root().toString()).isEqualTo("5660564dd6c1e02b752695b949472bb6");
        assertThat(new FingerprintSet().root().toString()).isEqualTo("e7b7f81c42acb061dbdbfd9ad8fdc071");
    }

    @Test
    void equalSets() {
        Exchange ex = new Exchange(FingerprintSet.build(List.of(K1, K2)), FingerprintSet.build(List.of(K1, K2)),
            ReconcileConfig.defaults(), ReconcileConfig.defaults(), SALT).run(10);
        assertThat(ex.messages).hasSize(2);
        assertThat(HEX.formatHex(ex.messages.get(0)))
            // version, HELLO|ROOT, salt, max 262144, salted root, watermark 0, 0 items
            .isEqualTo("01" + "06" + "0102030405060708" + "808010" + "4c5880fccf97e182d174ef9372e20cce" + "00" + "00");
        // version, HELLO, max 262144, watermark 1 (range 0 processed: equal), 0 items
        assertThat(HEX.formatHex(ex.messages.get(1))).isEqualTo("01" + "02" + "808010" + "01" + "00");
    }

    @Test
    void oneMissingKey() {
        Exchange ex = new Exchange(FingerprintSet.build(List.of(K1, K2)), FingerprintSet.build(List.of(K1)),
            ReconcileConfig.defaults(), ReconcileConfig.defaults(), SALT).run(10);
        assertThat(ex.messages).hasSize(3);
        assertThat(HEX.formatHex(ex.messages.get(1))).isEqualTo("01" + "06" + "808010"
            + "54e784134fe7f9a2c62bcfe7d6a4f68a"          // the responder's salted root
            + "01" + "01"                                  // watermark 1, one item
            + "00" + "01" + "21" + "01"                    // range 0: SPLIT, header 1 << 5 | kinds follow; child LIST_FULL
            + "01" + "81808080808080808001"                // 1 key, ts 1 - Long.MIN_VALUE
            + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(HEX.formatHex(ex.messages.get(2))).isEqualTo("01" + "00" + "01" + "01"
            + "00" + "02" + "00"                           // range 0: RESULT, bitmap: lacks nothing
            + "01" + "82808080808080808001"                // 1 extra key, ts 2 - Long.MIN_VALUE
            + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
        assertThat(ex.initiator.result().have()).containsExactly(K2);
        assertThat(ex.responder.result().need()).containsExactly(K2);
    }

    @Test
    void varints() {
        long[] values = {0, 127, 128, 300, 262_144, -1L};
        String[] expected = {"00", "7f", "8001", "ac02", "808010", "ffffffffffffffffff01"};
        for (int i = 0; i < values.length; i++) {
            WireWriter w = new WireWriter();
            w.varint(values[i]);
            assertThat(HEX.formatHex(w.toByteArray())).isEqualTo(expected[i]);
            assertThat(WireWriter.varintLen(values[i])).isEqualTo(expected[i].length() / 2);
        }
    }
}
