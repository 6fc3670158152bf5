package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The segment format: round trips, and every kind of damage refused with its reason. */
class SegmentTest {
    static final RealmId REALM = RealmId.random(SeededRandom.of(1));
    static final RealmId OTHER = RealmId.random(SeededRandom.of(2));
    static final DeviceId WRITER = DeviceId.fromBytes(bytes(32, 3));
    static final DeviceId SOMEONE = DeviceId.fromBytes(bytes(32, 4));

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<byte[]> events(int count, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(bytes(1 + r.nextInt(900), seed * 1000 + i));
        }
        return out;
    }

    static Segment read(byte[] b, Segment.Name n) {
        return Segment.read(b, n, REALM, WRITER, "test");
    }

    @Test
    void roundTripsExactBytesAndChainsToItsPredecessor() {
        Segment first = Segment.pack(REALM, WRITER, 1, null, events(10, 1));
        Segment second = Segment.pack(REALM, WRITER, 2, first.hash(), events(3, 2));
        Segment back = read(second.bytes(), second.name());
        assertThat(back.events()).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(back.events().get(i)).isEqualTo(second.events().get(i));
        }
        assertThat(back.previous()).isEqualTo(first.hash());
        assertThat(read(first.bytes(), first.name()).first()).isTrue();
        assertThat(second.name().toString()).matches("000000000002-[0-9a-f]{64}\\.lhseg");
        assertThat(Segment.Name.parse(second.name().toString())).isEqualTo(second.name());
        assertThat(Segment.Name.parse("README.md")).isNull();
        assertThat(Segment.Name.parse("000000000002-XYZ.lhseg")).isNull();
    }

    @Property(tries = 200)
    void anyFlippedBitIsRefused(@ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll @IntRange(min = 0, max = 7) int bit) {
        Segment s = Segment.pack(REALM, WRITER, 1, null, events(20, 5));
        byte[] b = s.bytes().clone();
        b[where % b.length] ^= (byte) (1 << bit);
        assertThatThrownBy(() -> read(b, s.name())).isInstanceOf(RemoteIntegrityException.class)
            .extracting(e -> ((RemoteIntegrityException) e).reason()).isIn(Reason.CORRUPT, Reason.TRUNCATED);
    }

    @Property(tries = 100)
    void anyCutIsRefusedAsTruncatedOrCorrupt(@ForAll @IntRange(min = 0, max = 100_000) int keep) {
        Segment s = Segment.pack(REALM, WRITER, 1, null, events(20, 6));
        byte[] b = Arrays.copyOf(s.bytes(), keep % s.bytes().length);
        assertThatThrownBy(() -> read(b, s.name())).isInstanceOf(RemoteIntegrityException.class)
            .extracting(e -> ((RemoteIntegrityException) e).reason()).isIn(Reason.TRUNCATED, Reason.CORRUPT);
    }

    @Test
    void aCutSegmentSaysTruncated() {
        Segment s = Segment.pack(REALM, WRITER, 1, null, events(20, 7));
        byte[] b = Arrays.copyOf(s.bytes(), s.bytes().length - 10);
        assertThatThrownBy(() -> read(b, s.name())).extracting(e -> ((RemoteIntegrityException) e).reason())
            .isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void misplacedSegmentsAreRefused() {
        Segment s = Segment.pack(REALM, WRITER, 3, bytes(32, 9), events(2, 8));
        assertThatThrownBy(() -> Segment.read(s.bytes(), s.name(), OTHER, WRITER, "x"))
            .extracting(e -> ((RemoteIntegrityException) e).reason()).isEqualTo(Reason.WRONG_REALM);
        assertThatThrownBy(() -> Segment.read(s.bytes(), s.name(), REALM, SOMEONE, "x"))
            .extracting(e -> ((RemoteIntegrityException) e).reason()).isEqualTo(Reason.REPLAYED);
        Segment.Name renumbered = new Segment.Name(7, s.name().hashHex());
        assertThatThrownBy(() -> read(s.bytes(), renumbered))
            .extracting(e -> ((RemoteIntegrityException) e).reason()).isEqualTo(Reason.REPLAYED);
    }

    /** A well-hashed segment whose framing lies is refused before anything is allocated for it. */
    @Test
    void lyingSizesAreRefusedBeforeAllocation() throws Exception {
        Segment s = Segment.pack(REALM, WRITER, 1, null, events(2, 10));
        byte[] b = s.bytes().clone();
        ByteBuffer.wrap(b).putInt(Segment.HEADER_LENGTH, Integer.MAX_VALUE); // first event "2 GiB"
        rehashContent(b);
        assertThatThrownBy(() -> read(b, nameOf(b, 1))).extracting(e -> ((RemoteIntegrityException) e).reason())
            .isEqualTo(Reason.OVERSIZED);
        byte[] c = s.bytes().clone();
        ByteBuffer.wrap(c).putInt(93, 1_000_000); // a million events in a few hundred bytes
        rehashContent(c);
        assertThatThrownBy(() -> read(c, nameOf(c, 1))).extracting(e -> ((RemoteIntegrityException) e).reason())
            .isEqualTo(Reason.MALFORMED);
        assertThatThrownBy(() -> read(new byte[Segment.MAX_BYTES + 1], new Segment.Name(1, "0".repeat(64))))
            .extracting(e -> ((RemoteIntegrityException) e).reason()).isEqualTo(Reason.OVERSIZED);
    }

    static void rehashContent(byte[] b) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(b, Segment.HEADER_LENGTH, b.length - Segment.HEADER_LENGTH);
        System.arraycopy(d.digest(), 0, b, 97, 32);
    }

    static Segment.Name nameOf(byte[] b, long seq) throws Exception {
        return new Segment.Name(seq, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
    }

    @Test
    void packRefusesWhatItCouldNotReadBack() {
        assertThatThrownBy(() -> Segment.pack(REALM, WRITER, 0, null, events(1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Segment.pack(REALM, WRITER, 1, null, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Segment.pack(REALM, WRITER, 1, null, List.of(new byte[0])))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
