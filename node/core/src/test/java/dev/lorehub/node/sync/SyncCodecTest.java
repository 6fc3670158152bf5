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

    /**
     * Codecs on one thread share a Kryo instance: a frame that failed to decode in one session's codec
     * leaves nothing behind that changes how another session's codec reads or writes the next frame.
     */
    @Property(tries = 500)
    void aFailedFrameInOneCodecLeavesTheNextCodecOnTheThreadUnchanged(@ForAll long seed) {
        Random rnd = new Random(seed);
        SyncMessage.Events events = new SyncMessage.Events(realm, List.of(filled(1 + rnd.nextInt(50), 3), new byte[0]));
        byte[] frame = codec.encode(events);
        byte[] mutated = Arrays.copyOf(frame, rnd.nextInt(frame.length + 1));
        for (int i = 0; i < 3 && mutated.length > 0; i++) {
            mutated[rnd.nextInt(mutated.length)] = (byte) rnd.nextInt(256);
        }
        try {
            new SyncCodec().decode(mutated);
        } catch (MalformedFrameException expected) {
            // the hostile peer's session ends; the next one must not notice
        }
        SyncCodec next = new SyncCodec();
        assertThat(next.encode(events)).isEqualTo(frame);
        assertThat(next.decode(frame)).usingRecursiveComparison().isEqualTo(events);
    }

    /** A stand-in envelope of {@code length} bytes: realm and author in their header places, the rest b. */
    byte[] envelope(int length, int author, int b) {
        byte[] e = filled(length, b);
        System.arraycopy(realm.toBytes(), 0, e, 2, 16);
        Arrays.fill(e, 30, 62, (byte) author);
        return e;
    }

    @Test
    void scopedOpenBytes() {
        SyncMessage.ScopedOpen open = new SyncMessage.ScopedOpen(List.of(
            new SyncMessage.ScopedRealm(realm, device, RealmScope.MEMBERSHIP_ONLY, new byte[] {7, 8})));
        // class 48+2, 1 realm: id, founder, scope 1 (membership only), 2 bytes of reconciliation
        assertThat(hex(open)).isEqualTo("32" + "01" + "00112233445566778899aabbccddeeff" + "0d".repeat(32) + "01" + "02" + "0708");
        assertThat(codec.decode(codec.encode(open))).usingRecursiveComparison().isEqualTo(open);
        assertThat(hex(new SyncMessage.ScopedOpen(List.of()))).isEqualTo("32" + "00");
    }

    @Test
    void aScopeThisNodeDoesNotKnowIsAMalformedFrame() {
        byte[] frame = HexFormat.of().parseHex("32" + "01" + "00112233445566778899aabbccddeeff" + "0d".repeat(32) + "07" + "00");
        assertThatThrownBy(() -> codec.decode(frame)).isInstanceOf(MalformedFrameException.class)
            .hasMessageContaining("scope 7");
    }

    @Test
    void theHelloLayoutIsUnchangedByTheScopeCapability() {
        // the capability is one more bit of the same varlong: a node that predates it reads the Hello as before
        SyncMessage.Hello hello = new SyncMessage.Hello(1, 1, device, SyncCodec.CAP_COMPACT_EVENTS | SyncCodec.CAP_MEMBERSHIP_SCOPE,
            8L << 20, List.of());
        assertThat(hex(hello)).isEqualTo("2a" + "01" + "01" + "0d".repeat(32) + "06" + "80808008" + "00");
    }

    @Test
    void compactEventsBytes() {
        SyncCodec compact = new SyncCodec();
        compact.compactEvents(true);
        byte[] first = envelope(146, 0xaa, 0x01);
        byte[] second = envelope(147, 0xbb, 0x02);
        byte[] third = envelope(146, 0xaa, 0x03);
        byte[] frame = compact.encode(new SyncMessage.Events(realm, List.of(first, second, third)));
        // class 47+2, realm, 2 authors in order of first use, 3 events: author index, length - 48,
        // bytes [0,2) [18,30) [62,end) of the envelope
        String cut1 = "01".repeat(2) + "01".repeat(12) + "01".repeat(84);
        String cut2 = "02".repeat(2) + "02".repeat(12) + "02".repeat(85);
        String cut3 = "03".repeat(2) + "03".repeat(12) + "03".repeat(84);
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo("31" + "00112233445566778899aabbccddeeff" + "02" + "aa".repeat(32)
            + "bb".repeat(32) + "03" + "00" + "62" + cut1 + "01" + "63" + cut2 + "00" + "62" + cut3);
        SyncMessage.Events back = (SyncMessage.Events) codec.decode(frame);
        assertThat(back.realm()).isEqualTo(realm);
        assertThat(back.events()).containsExactly(first, second, third);
        assertThat(frame.length).as("48 bytes less per event, once per frame the two authors")
            .isEqualTo(codec.encode(new SyncMessage.Events(realm, List.of(first, second, third))).length - 3 * 48 + 2 * 32 + 1);
    }

    @Test
    void aBatchThatCannotBeCutExactlyGoesOutInThePlainForm() {
        SyncCodec compact = new SyncCodec();
        compact.compactEvents(true);
        byte[] foreign = envelope(146, 0xaa, 0x01);
        foreign[2] ^= 1; // another realm's header: the plain form carries it, and the session refuses it
        assertThat(compact.encode(new SyncMessage.Events(realm, List.of(foreign)))[0]).isEqualTo((byte) 0x2c);
        assertThat(compact.encode(new SyncMessage.Events(realm, List.of(new byte[10])))[0]).isEqualTo((byte) 0x2c);
    }

    @Test
    void realEnvelopesSurviveTheCompactFormByteForByte() {
        var random = dev.lorehub.crypto.SeededRandom.of(7);
        var author = dev.lorehub.crypto.DeviceIdentity.generate(random);
        var key = dev.lorehub.crypto.EpochKey.random(realm, 0, random);
        List<byte[]> sealed = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sealed.add(dev.lorehub.crypto.SealedEnvelope.seal(new dev.lorehub.crypto.EnvelopeHeader(realm, 0, 1000 + i, true),
                ("lore " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), key, author, random));
        }
        SyncCodec compact = new SyncCodec();
        compact.compactEvents(true);
        SyncMessage.Events back = (SyncMessage.Events) codec.decode(compact.encode(new SyncMessage.Events(realm, sealed)));
        for (int i = 0; i < sealed.size(); i++) {
            assertThat(back.events().get(i)).isEqualTo(sealed.get(i));
            dev.lorehub.crypto.SealedEnvelope.verify(back.events().get(i)); // still the author's signature
        }
    }

    @Test
    void compactFramesThatLieAreRefusedWithTheTypedError() {
        String head = "31" + "00112233445566778899aabbccddeeff" + "01" + "aa".repeat(32);
        assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex(head + "01" + "05" + "62" + "00".repeat(98))))
            .isInstanceOf(MalformedFrameException.class).hasMessageContaining("names author 5 of 1");
        assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex(head + "01" + "00" + "10" + "00".repeat(16))))
            .as("shorter than any envelope").isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex(head + "ffff03" + "00")))
            .as("a count the bytes cannot hold allocates nothing").isInstanceOf(MalformedFrameException.class);
        assertThatThrownBy(() -> codec.decode(HexFormat.of().parseHex("31" + "00112233445566778899aabbccddeeff" + "ffff03")))
            .isInstanceOf(MalformedFrameException.class);
    }

    @Property(tries = 2000)
    void mutatedCompactFramesFailOnlyWithTheTypedError(@ForAll long seed) {
        Random rnd = new Random(seed);
        SyncCodec compact = new SyncCodec();
        compact.compactEvents(true);
        byte[] frame = compact.encode(new SyncMessage.Events(realm, List.of(envelope(146 + rnd.nextInt(40), 0xaa, 1),
            envelope(146, 0xbb, 2))));
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
