package dev.lorehub.node.core;

import com.github.luben.zstd.ZstdCompressCtx;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 17's body layouts (compressed bodies, text deltas), pinned byte for byte, and the decoder under attack. */
class CompactBodiesTest {
    private final EventCodec codec = new EventCodec();
    private final EventCodec plain = new EventCodec(EventCodec.Options.PLAIN);

    static final String LORE = "Retries on the shipping API are safe because every request carries an idempotency key "
        + "derived from the order number, so a timeout can be retried without sending the parcel twice.";

    static EntityChange longChange() {
        EntityChange s = EventCodecTest.sampleChange();
        TreeMap<Field, Object> values = new TreeMap<>(s.assignments());
        values.put(Field.CONTENT, LORE);
        values.put(Field.UPDATED_AT, "2026-11-25T10:00:00.000Z");
        return new EntityChange(s.kind(), s.entityId(), false, s.parents(), values, s.sets(), s.causality());
    }

    static EventId id(int last) {
        byte[] b = new byte[32];
        b[31] = (byte) last;
        return EventId.fromBytes(b);
    }

    @Test
    void theDictionaryIsPinned() throws Exception {
        try (InputStream in = BodyCompression.class.getResourceAsStream(BodyCompression.DICTIONARY_RESOURCE)) {
            assertThat(in).as("dictionary resource").isNotNull();
            // Changing these bytes makes every event compressed with them unreadable: add a new codec id instead.
            assertThat(BodyCompression.sha256(in.readAllBytes()))
                .isEqualTo("3ab5685e349d8f8df9f47127823f837a164c92184eb10cf98f19ab28bc0db5af")
                .isEqualTo(BodyCompression.DICTIONARY_SHA256);
        }
        assertThat(BodyCompression.dictionary()).hasSize(112_640);
    }

    @Test
    void aCompressedBodyIsPinned() {
        byte[] raw = plain.encode(longChange());
        byte[] bytes = codec.encode(longChange());
        String hex = HexFormat.of().formatHex(bytes);
        // header: class id 24 (registration 22 + 2), codec 1, raw length as a varint
        assertThat(hex).startsWith("18" + "01" + varintHex(raw.length));
        assertThat(bytes.length).isLessThan(raw.length * 3 / 4);
        assertThat(codec.decode(bytes)).isEqualTo(longChange());
        // the exact bytes this build's zstd writes (a later zstd may compress differently; both must decode)
        assertThat(hex).isEqualTo(PINNED_COMPRESSED);
        assertThat(plain.decode(HexFormat.of().parseHex(PINNED_COMPRESSED))).isEqualTo(longChange());
    }

    /**
     * A compressed body as this release writes it: class 22+2, codec 1 (zstd, lore dictionary 1),
     * raw length varint, then the zstd frame. Readers must decode these bytes forever.
     */
    static final String PINNED_COMPRESSED = "1801f1020000ad040033851010ba22ccbe7b8158ff4cd83c7b2b2aee19198463e9fbb26cff4fbfa9"
        + "89794491c183500ce9f5ab732aa3f1e9cd4ebbffed3e95d51ea3f3d9bfea5bd9a4d7b071f40a1bfc25d82720d43f99f19fa5769f3434d8"
        + "28abb520fff48a5548c6118e1bfb906c4ec1ba5a3907ba1e32f22e085065dc7b6b59070a8777f3e18c9246f589c77a75ea637c138483d6"
        + "3519801efef49501";

    @Test
    void aTextDeltaIsPinned() {
        EntityChange c = longChange();
        String before = LORE.replace("twice", "two times");
        TextDelta delta = TextDelta.diff(id(3), before, LORE);
        byte[] bytes = plain.encode(c, Map.of(Field.CONTENT, delta));
        // content (field 1) as tag 5: base id (…03), 16-byte hash, 1 op: keep 59 tokens, delete 3 ("two times"), insert "twice"
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(
            "16" + "02" + "02" + "24" + "35663063376134652d316432622d346333612d396538662d306131623263336434653566" + "00"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000007"
                + "04"
                + "0105" + "0000000000000000000000000000000000000000000000000000000000000003"
                + HexFormat.of().formatHex(TextDelta.hashOf(LORE)) + "01" + "3b03" + "057477696365"
                + "0200" + "0402b401"
                + "0801" + "18" + HexFormat.of().formatHex("2026-11-25T10:00:00.000Z".getBytes())
                + "01" + "0a" + "0103617069" + "01036f6c64"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000009" + "0a"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000008");
        EventCodec.Decoded parts = codec.decodeParts(bytes);
        assertThat(parts.deltas()).containsOnlyKeys(Field.CONTENT);
        assertThat(((EntityChange) parts.body()).assignments()).doesNotContainKey(Field.CONTENT);
        assertThat(EventCodec.resolve(parts, (base, f) -> base.equals(id(3)) ? before : null)).isEqualTo(c);
        // and compressed, the same delta decodes to the same parts
        assertThat(codec.decodeParts(codec.encode(c, Map.of(Field.CONTENT, delta)))).isEqualTo(parts);
    }

    @Test
    void aDeltaNeedsItsBaseAndMustFitIt() {
        String before = LORE.replace("twice", "two times");
        byte[] bytes = codec.encode(longChange(), Map.of(Field.CONTENT, TextDelta.diff(id(3), before, LORE)));
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(MissingDeltaBaseException.class)
            .hasMessageContaining(id(3).shortForm());
        EventCodec.Decoded parts = codec.decodeParts(bytes);
        // other text than the author's base: refused, never applied as something else
        assertThatThrownBy(() -> EventCodec.resolve(parts, (b, f) -> before.replace("parcel", "package")))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("other text");
        assertThatThrownBy(() -> EventCodec.resolve(parts, (b, f) -> "short"))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("runs past");
        assertThatThrownBy(() -> EventCodec.resolve(parts, (b, f) -> null))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("assigns no text");
    }

    @Test
    void anAuthorNeverSignsADeltaThatDoesNotGiveItsText() {
        TextDelta wrong = TextDelta.diff(id(3), "a b c", "a b d");
        assertThatThrownBy(() -> codec.encode(longChange(), Map.of(Field.CONTENT, wrong)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(longChange(), Map.of(Field.TYPE, wrong)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeltaTagOnANonTextFieldOrInFormatOneIsMalformed() {
        byte[] bytes = plain.encode(longChange(), Map.of(Field.CONTENT, TextDelta.diff(id(3), "x", LORE)));
        int at = indexOf(bytes, new byte[] {1, 5}); // content field code, delta tag
        byte[] onConfidence = bytes.clone();
        onConfidence[at] = (byte) Field.CONFIDENCE.code();
        assertThatThrownBy(() -> codec.decodeParts(onConfidence)).isInstanceOf(EventFormatException.class);
        byte[] formatOne = bytes.clone();
        formatOne[1] = 1;
        assertThatThrownBy(() -> codec.decodeParts(formatOne)).isInstanceOf(EventFormatException.class);
    }

    @Test
    void tinyAndIncompressibleBodiesAreStoredAsTheyAre() {
        EntityChange tiny = EventCodecTest.sampleChange();
        TreeMap<Field, Object> v = new TreeMap<>();
        v.put(Field.CONFIDENCE, 5L);
        EntityChange small = new EntityChange(EntityKind.LORE, "x", false, List.of(), v, new TreeMap<>(), tiny.causality());
        assertThat(codec.encode(small)).isEqualTo(plain.encode(small));
        byte[] noise = new byte[600];
        new Random(3).nextBytes(noise);
        TreeMap<Field, Object> n = new TreeMap<>();
        n.put(Field.CONTENT, java.util.Base64.getEncoder().encodeToString(noise));
        EntityChange random = new EntityChange(EntityKind.LORE, "x", false, List.of(), n, new TreeMap<>(), tiny.causality());
        byte[] encoded = codec.encode(random);
        assertThat(encoded.length).isLessThanOrEqualTo(plain.encode(random).length);
        assertThat(codec.decode(encoded)).isEqualTo(random);
    }

    // ------------------------------------------------------------------ the decompressor under attack

    @Test
    void aDecompressionBombIsRefusedWithoutAllocatingIt() {
        // 64 MiB of zeros compress to a few KiB; declared as a 100-byte body, it must not be expanded
        byte[] frame = zstd(new byte[64 << 20]);
        assertThat(frame.length).isLessThan(8 * 1024);
        long before = usedHeap();
        assertThatThrownBy(() -> codec.decode(compressedBody(100, frame))).isInstanceOf(EventFormatException.class)
            .hasMessageContaining("decompress");
        // declared as the largest body allowed, it still stops at that size
        assertThatThrownBy(() -> codec.decode(compressedBody(EventCodec.MAX_BODY_BYTES, frame)))
            .isInstanceOf(EventFormatException.class);
        assertThat(usedHeap() - before).isLessThan(32L << 20);
    }

    @Test
    void aDeclaredSizeAboveTheLimitIsRefusedBeforeAnything() {
        assertThatThrownBy(() -> codec.decode(compressedBody(EventCodec.MAX_BODY_BYTES + 1, new byte[] {1, 2, 3})))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("declares");
        assertThatThrownBy(() -> codec.decode(compressedBody(Integer.MAX_VALUE, new byte[] {1})))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("declares");
        assertThatThrownBy(() -> codec.decode(compressedBody(0, new byte[0])))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("declares");
        assertThatThrownBy(() -> codec.decode(new byte[] {24, 9, 5, 1})).isInstanceOf(EventFormatException.class)
            .hasMessageContaining("unknown event body compression 9");
        assertThatThrownBy(() -> codec.decode(new byte[] {24})).isInstanceOf(EventFormatException.class);
        assertThatThrownBy(() -> codec.decode(new byte[] {24, 1})).isInstanceOf(EventFormatException.class);
    }

    @Test
    void aTruncatedOrGarbledFrameIsAFormatError() {
        byte[] good = codec.encode(longChange());
        assertThat(EventCodec.compressed(good)).isTrue();
        for (int cut = 4; cut < good.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(EventFormatException.class);
        }
        Random rnd = new Random(1);
        for (int i = 0; i < 300; i++) {
            byte[] garbled = good.clone();
            int at = 4 + rnd.nextInt(garbled.length - 4);
            garbled[at] ^= (byte) (1 + rnd.nextInt(255));
            try {
                assertThat(codec.decode(garbled)).isNotNull(); // a flip zstd cannot see may still decode to some body
            } catch (EventFormatException | MissingDeltaBaseException expected) {
                // typed, as it must be
            }
        }
        byte[] noise = new byte[500];
        rnd.nextBytes(noise);
        assertThatThrownBy(() -> codec.decode(compressedBody(400, noise))).isInstanceOf(EventFormatException.class);
    }

    @Test
    void aCompressedBodyHoldsOneEventAndNothingElse() {
        byte[] inner = codec.encode(longChange());
        assertThatThrownBy(() -> codec.decode(compressedBody(inner.length, zstdDict(inner))))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("not an event");
        byte[] raw = plain.encode(longChange());
        byte[] trailing = Arrays.copyOf(raw, raw.length + 3);
        assertThatThrownBy(() -> codec.decode(compressedBody(trailing.length, zstdDict(trailing))))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("trailing");
        assertThat(codec.decode(compressedBody(raw.length, zstdDict(raw)))).isEqualTo(longChange());
    }

    @Property(tries = 60)
    void textDeltasRoundTrip(@ForAll long seed, @ForAll @IntRange(min = 0, max = 12) int edits) {
        Random rnd = new Random(seed);
        String from = words(rnd, 50 + rnd.nextInt(300));
        String[] w = from.split("(?<= )|(?= )");
        StringBuilder to = new StringBuilder();
        for (String token : w) {
            int r = rnd.nextInt(40);
            if (r < edits && r % 3 == 0) {
                continue; // delete
            }
            to.append(r < edits && r % 3 == 1 ? "changed" : token);
            if (r < edits && r % 3 == 2) {
                to.append(", inserted ");
            }
        }
        TextDelta d = TextDelta.diff(id(1), from, to.toString());
        assertThat(d.apply(from)).isEqualTo(to.toString());
        assertThat(d.produces(to.toString())).isTrue();
    }

    static String words(Random rnd, int n) {
        String[] vocabulary = {"the", "queue", "retries", "once", "per", "minute", "and", "never", "twice", "because",
            "ids", "é", "naïve", "日本語", "—", "tab\there", "line\nbreak"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : rnd.nextInt(9) == 0 ? ". " : " ").append(vocabulary[rnd.nextInt(vocabulary.length)]);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] compressedBody(int declared, byte[] frame) {
        com.esotericsoftware.kryo.io.Output out = new com.esotericsoftware.kryo.io.Output(16, -1);
        out.writeVarInt(EventCodec.COMPRESSED_BODY_ID + 2, true);
        out.writeByte(BodyCompression.ZSTD_LORE_DICTIONARY_1);
        out.writeVarInt(declared, true);
        out.writeBytes(frame);
        return out.toBytes();
    }

    /** A frame in our settings, without the dictionary (zstd reads it: a dictionary only adds history). */
    private static byte[] zstd(byte[] raw) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setMagicless(true).setChecksum(false).setContentSize(false).setDictID(false).setLevel(3);
            return ctx.compress(raw);
        }
    }

    private static byte[] zstdDict(byte[] raw) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
            ctx.setMagicless(true).setChecksum(false).setContentSize(false).setDictID(false).setLevel(3)
                .loadDict(BodyCompression.dictionary());
            return ctx.compress(raw);
        }
    }

    private static String varintHex(int v) {
        com.esotericsoftware.kryo.io.Output out = new com.esotericsoftware.kryo.io.Output(8);
        out.writeVarInt(v, true);
        return HexFormat.of().formatHex(out.toBytes());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
