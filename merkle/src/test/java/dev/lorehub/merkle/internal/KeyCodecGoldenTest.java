package dev.lorehub.merkle.internal;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Literal bytes of bounds and keys, and their round trip through the validating reader. */
class KeyCodecGoldenTest {

    private static final HexFormat HEX = HexFormat.of();

    private static String bound(Bound prev, Bound b) {
        WireWriter w = new WireWriter();
        KeyCodec.writeBound(w, prev, b);
        assertThat(w.size()).isEqualTo(KeyCodec.boundLength(prev, b));
        Bound back = KeyCodec.readBound(new WireReader(w.toByteArray()), prev, Bound.INF);
        assertThat(back).isEqualTo(b);
        return HEX.formatHex(w.toByteArray());
    }

    @Test
    void bounds() {
        Bound prev = Bound.ofTimestamp(1000);
        // delta 3 << 20: E = e << 1 = 40, m = 3
        assertThat(bound(prev, Bound.ofTimestamp(1000 + (3L << 20)))).isEqualTo("2803");
        // delta 0 with a one-byte id prefix ab: E = 1, m = 0, len 1, ab
        assertThat(bound(prev, Bound.of(1000, 0xAB00_0000_0000_0000L, 0, 0, 0, 1))).isEqualTo("010001ab");
        // delta 1 (odd): e = 0, m = 1
        assertThat(bound(prev, Bound.ofTimestamp(1001))).isEqualTo("0001");
        // from the lowest bound to 0: delta 2^63 = 1 << 63
        assertThat(bound(Bound.MIN, Bound.ofTimestamp(0))).isEqualTo("7e01");
        // trailing zero bytes of a prefix are not sent
        assertThat(bound(prev, Bound.of(1005, 0x0102_0000_0000_0000L, 0, 0, 0, 5))).isEqualTo("01050201" + "02");
    }

    @Test
    void keys() {
        KeyBlock keys = new KeyBlock();
        keys.add(10, 1, 2, 3, 4);
        keys.add(10, 1, 2, 3, 5);
        keys.add(300, 0, 0, 0, 0);
        WireWriter w = new WireWriter();
        KeyCodec.writeKeys(w, Bound.ofTimestamp(8), keys, 0, 3);
        String id1 = "0000000000000001" + "0000000000000002" + "0000000000000003" + "0000000000000004";
        String id2 = id1.substring(0, 48) + "0000000000000005";
        assertThat(HEX.formatHex(w.toByteArray())).isEqualTo("02" + id1 + "00" + id2 + "a202" + "00".repeat(32));
        KeyBlock back = KeyCodec.readKeys(new WireReader(w.toByteArray()), Bound.ofTimestamp(8), Bound.INF, 3, "k");
        for (int i = 0; i < 3; i++) {
            assertThat(back.compare(i, keys, i)).isZero();
        }
    }
}
