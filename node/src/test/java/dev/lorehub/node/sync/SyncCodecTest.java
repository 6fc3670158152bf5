package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Literal bytes of every sync message, so a format change is never accidental. */
class SyncCodecTest {
    final SyncCodec codec = new SyncCodec();
    final RealmId realm = RealmId.fromBytes(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
    final DeviceId device = DeviceId.fromBytes(filled(32, 0x0d));

    static byte[] filled(int n, int b) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) b);
        return out;
    }

    String hex(SyncMessage m) {
        return HexFormat.of().formatHex(codec.encode(m));
    }

    @Test
    void helloBytes() {
        SyncMessage.Hello hello = new SyncMessage.Hello(1, 1, device, 0, 8L << 20,
            List.of(new SyncMessage.RealmOpen(realm, device, new byte[] {7, 8})));
        // class 40+2, min 1, max 1, device, capabilities 0, credit zigzag(8 MiB), 1 realm: id, founder, 2 bytes
        assertThat(hex(hello)).isEqualTo("2a" + "01" + "01" + "0d".repeat(32) + "00" + "80808008" + "01" + "00112233445566778899aabbccddeeff" + "0d".repeat(32) + "02" + "0708");
        assertThat(codec.decode(codec.encode(hello))).usingRecursiveComparison().isEqualTo(hello);
    }

    @Test
    void otherMessageBytes() {
        assertThat(hex(new SyncMessage.Reconcile(realm, new byte[] {1}))).isEqualTo("2b00112233445566778899aabbccddeeff0101");
        assertThat(hex(new SyncMessage.Events(realm, List.of(new byte[] {5, 6}, new byte[0]))))
            .isEqualTo("2c00112233445566778899aabbccddeeff" + "02" + "020506" + "00");
        assertThat(hex(new SyncMessage.Credit(300))).isEqualTo("2d" + "d804");
        assertThat(hex(new SyncMessage.Offer(realm, List.of(new SyncMessage.Key(258, filled(32, 1))))))
            .isEqualTo("2e00112233445566778899aabbccddeeff" + "01" + "0201000000000000" + "01".repeat(32)); // HLC 258 little-endian, as Kryo writes longs
        assertThat(hex(new SyncMessage.Want(realm, List.of(filled(32, 2)))))
            .isEqualTo("2f00112233445566778899aabbccddeeff" + "01" + "02".repeat(32));
        assertThat(hex(new SyncMessage.Close(CloseReason.FLOODING, "ok"))).isEqualTo("30" + "05" + "02" + "6f6b");
    }

    @Test
    void anUnregisteredClassIsRefusedNotInstantiated() {
        assertThatThrownBy(() -> codec.decode(new byte[] {0x30 + 10, 0})).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void theFrameLimitIsCheckedBeforeDecoding() {
        assertThatThrownBy(() -> codec.decode(new byte[SyncCodec.MAX_FRAME + 1])).isInstanceOf(FrameTooLargeException.class)
            .hasMessageContaining(Integer.toString(SyncCodec.MAX_FRAME));
    }

    @Property(tries = 3000)
    void mutatedFramesFailOnlyWithTheTypedError(@ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] frame = codec.encode(new SyncMessage.Hello(1, 1, device, 0, 1 << 20,
            List.of(new SyncMessage.RealmOpen(realm, device, new byte[rnd.nextInt(40)]))));
        byte[] mutated = Arrays.copyOf(frame, rnd.nextInt(frame.length + 1));
        for (int i = 0; i < 3 && mutated.length > 0; i++) {
            mutated[rnd.nextInt(mutated.length)] = (byte) rnd.nextInt(256);
        }
        try {
            codec.decode(mutated);
        } catch (MalformedFrameException expected) {
            // the only acceptable failure
        }
    }
}
