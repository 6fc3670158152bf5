package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The unit a device appends to a remote: many sealed events of one realm, packed, immutable and
 * content-addressed. Each writer numbers its segments per realm 1, 2, 3 ... and chains each to the
 * previous one by hash, so a reader notices a segment that was removed, replaced, copied from
 * elsewhere or cut short, while the events inside stay exactly the author's sealed bytes (they
 * are verified by the node like events from a peer).
 *
 * <h2>Byte layout (version 1, integers big-endian)</h2>
 * <pre>
 * offset  size  field
 *      0     4  magic "LHSG"
 *      4     1  format version = 1
 *      5    16  realm id
 *     21    32  writer device id
 *     53     8  sequence number (&ge; 1) of this segment among the writer's segments of the realm
 *     61    32  SHA-256 of the writer's previous segment (zeros for sequence 1)
 *     93     4  event count N
 *     97    32  SHA-256 of the records that follow
 *    129     …  N records: 4-byte length L (1..MAX_SEALED), then L bytes of one sealed event
 * </pre>
 * A segment is stored under {@link Name}: its sequence number and the SHA-256 of all its bytes,
 * so the name alone says what the bytes must be. Every size is checked against the bytes present
 * and against the bounds below before anything is allocated.
 */
public final class Segment {
    /** Current format version. */
    public static final int VERSION = 1;
    /** Bytes before the records. */
    public static final int HEADER_LENGTH = 129;
    /** Largest segment read or written: a bound checked before any allocation. */
    public static final int MAX_BYTES = 16 << 20;
    /** Events packed into one segment at most (a writer also cuts at {@link #TARGET_BYTES}). */
    public static final int MAX_EVENTS = 5_000;
    /** A writer starts a new segment once one reaches this size. */
    public static final int TARGET_BYTES = 4 << 20;

    private static final byte[] MAGIC = {'L', 'H', 'S', 'G'};
    private static final byte[] NO_HASH = new byte[32];

    private final RealmId realm;
    private final DeviceId writer;
    private final long seq;
    private final byte[] previous;
    private final List<byte[]> events;
    private final byte[] bytes;
    private final byte[] hash;

    private Segment(RealmId realm, DeviceId writer, long seq, byte[] previous, List<byte[]> events, byte[] bytes, byte[] hash) {
        this.realm = realm;
        this.writer = writer;
        this.seq = seq;
        this.previous = previous;
        this.events = events;
        this.bytes = bytes;
        this.hash = hash;
    }

    /** Where a segment is stored: {@code <sequence, 12 digits>-<SHA-256 of the bytes, hex>.lhseg}. */
    public record Name(long seq, String hashHex) implements Comparable<Name> {
        /** File-name suffix. */
        public static final String SUFFIX = ".lhseg";

        public Name {
            if (seq < 1 || seq > 999_999_999_999L) {
                throw new IllegalArgumentException("segment sequence out of range: " + seq);
            }
            if (hashHex.length() != 64 || !hashHex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException("segment hash must be 64 lowercase hex digits");
            }
        }

        /** Parses a file name; null when it is not a segment name (other files are ignored, not trusted). */
        public static Name parse(String fileName) {
            if (!fileName.endsWith(SUFFIX) || fileName.length() != 12 + 1 + 64 + SUFFIX.length() || fileName.charAt(12) != '-') {
                return null;
            }
            try {
                return new Name(Long.parseLong(fileName.substring(0, 12)), fileName.substring(13, 77));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** The sequence as it is written in names (fixed width, so names sort by sequence). */
        public static String seqText(long seq) {
            return String.format("%012d", seq);
        }

        @Override
        public String toString() {
            return seqText(seq) + "-" + hashHex + SUFFIX;
        }

        @Override
        public int compareTo(Name o) {
            int c = Long.compare(seq, o.seq);
            return c != 0 ? c : hashHex.compareTo(o.hashHex);
        }
    }

    /**
     * Packs events (each at most {@link SealedEnvelope#MAX_SEALED} bytes; at most
     * {@link #MAX_EVENTS} of them, {@link #MAX_BYTES} in all) into segment {@code seq} of a writer.
     */
    public static Segment pack(RealmId realm, DeviceId writer, long seq, byte[] previous, List<byte[]> events) {
        if (seq < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1");
        }
        if (events.isEmpty() || events.size() > MAX_EVENTS) {
            throw new IllegalArgumentException("a segment holds 1.." + MAX_EVENTS + " events, got " + events.size());
        }
        byte[] prev = previous == null ? NO_HASH : previous;
        if (prev.length != 32) {
            throw new IllegalArgumentException("previous hash must be 32 bytes");
        }
        long size = HEADER_LENGTH;
        for (byte[] e : events) {
            if (e.length == 0 || e.length > SealedEnvelope.MAX_SEALED) {
                throw new IllegalArgumentException("event of " + e.length + " bytes does not fit a segment");
            }
            size += 4 + e.length;
        }
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException("segment of " + size + " bytes exceeds " + MAX_BYTES);
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        b.put(MAGIC).put((byte) VERSION).put(realm.toBytes()).put(writer.toBytes()).putLong(seq).put(prev)
            .putInt(events.size());
        int digestAt = b.position();
        b.position(HEADER_LENGTH);
        for (byte[] e : events) {
            b.putInt(e.length).put(e);
        }
        byte[] out = b.array();
        MessageDigest content = sha256();
        content.update(out, HEADER_LENGTH, out.length - HEADER_LENGTH);
        System.arraycopy(content.digest(), 0, out, digestAt, 32);
        return new Segment(realm, writer, seq, prev.clone(), List.copyOf(events), out, sha256().digest(out));
    }

    /**
     * Reads a segment found at {@code place} under {@code name}, refusing it unless it is intact,
     * of {@code realm}, by {@code writer}, and numbered as its name says.
     *
     * @throws RemoteIntegrityException saying which check failed; no event of a refused segment is returned
     */
    public static Segment read(byte[] bytes, Name name, RealmId realm, DeviceId writer, String place) {
        if (bytes.length > MAX_BYTES) {
            throw new RemoteIntegrityException(Reason.OVERSIZED, place, bytes.length + " bytes exceeds " + MAX_BYTES);
        }
        byte[] hash = sha256().digest(bytes);
        if (!HexFormat.of().formatHex(hash).equals(name.hashHex())) {
            if (bytes.length >= HEADER_LENGTH) {
                // Distinguish a cut-off copy from an altered one, for the report; both are refused.
                long declared = declaredLength(bytes);
                if (declared > bytes.length) {
                    throw new RemoteIntegrityException(Reason.TRUNCATED, place, "holds " + bytes.length
                        + " bytes, its framing needs " + declared);
                }
            } else {
                throw new RemoteIntegrityException(Reason.TRUNCATED, place, "only " + bytes.length + " bytes");
            }
            throw new RemoteIntegrityException(Reason.CORRUPT, place, "its bytes do not hash to the name it is stored under");
        }
        if (bytes.length < HEADER_LENGTH || !Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
            throw new RemoteIntegrityException(Reason.MALFORMED, place, "not a LoreHub segment");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(4);
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new RemoteIntegrityException(Reason.MALFORMED, place, "segment format " + version
                + " is not known to this version; upgrade lorehub-node");
        }
        byte[] realmBytes = new byte[16];
        b.get(realmBytes);
        byte[] writerBytes = new byte[32];
        b.get(writerBytes);
        long seq = b.getLong();
        byte[] prev = new byte[32];
        b.get(prev);
        int count = b.getInt();
        byte[] contentHash = new byte[32];
        b.get(contentHash);
        RealmId segRealm = RealmId.fromBytes(realmBytes);
        if (!segRealm.equals(realm)) {
            throw new RemoteIntegrityException(Reason.WRONG_REALM, place, "it belongs to realm " + segRealm
                + ", found under realm " + realm);
        }
        if (!Arrays.equals(writerBytes, writer.toBytes()) || seq != name.seq()) {
            throw new RemoteIntegrityException(Reason.REPLAYED, place, "it is segment " + seq + " of device "
                + DeviceId.fromBytes(writerBytes).shortForm() + ", found as segment " + name.seq() + " of " + writer.shortForm());
        }
        if (count < 1 || count > MAX_EVENTS || count > (bytes.length - HEADER_LENGTH) / 5) {
            throw new RemoteIntegrityException(Reason.MALFORMED, place, "declares " + count + " events");
        }
        MessageDigest content = sha256();
        content.update(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
        if (!MessageDigest.isEqual(content.digest(), contentHash)) {
            throw new RemoteIntegrityException(Reason.CORRUPT, place, "its content does not match its header");
        }
        List<byte[]> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 4) {
                throw new RemoteIntegrityException(Reason.TRUNCATED, place, "ends inside event " + i);
            }
            int len = b.getInt();
            if (len < 1 || len > SealedEnvelope.MAX_SEALED) {
                throw new RemoteIntegrityException(Reason.OVERSIZED, place, "event " + i + " declares " + len + " bytes");
            }
            if (len > b.remaining()) {
                throw new RemoteIntegrityException(Reason.TRUNCATED, place, "ends inside event " + i);
            }
            byte[] e = new byte[len];
            b.get(e);
            events.add(e);
        }
        if (b.hasRemaining()) {
            throw new RemoteIntegrityException(Reason.MALFORMED, place, b.remaining() + " bytes after the last event");
        }
        return new Segment(segRealm, writer, seq, prev, events, bytes, hash);
    }

    /** The total length the framing of a (possibly cut) segment asks for, or -1 if it cannot tell. */
    private static long declaredLength(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(93);
        int count = b.getInt();
        if (count < 1 || count > MAX_EVENTS) {
            return -1;
        }
        long pos = HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            if (pos + 4 > bytes.length) {
                return pos + 4;
            }
            int len = b.getInt((int) pos);
            if (len < 1 || len > SealedEnvelope.MAX_SEALED) {
                return -1;
            }
            pos += 4 + (long) len;
        }
        return pos;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    public RealmId realm() {
        return realm;
    }

    public DeviceId writer() {
        return writer;
    }

    public long seq() {
        return seq;
    }

    /** SHA-256 of the writer's previous segment (zeros for the first). */
    public byte[] previous() {
        return previous.clone();
    }

    /** True for the first segment of a writer (nothing before it). */
    public boolean first() {
        return Arrays.equals(previous, NO_HASH);
    }

    /** The sealed events, exactly as their authors sealed them. */
    public List<byte[]> events() {
        return events;
    }

    /** The encoded segment (callers must not modify it). */
    public byte[] bytes() {
        return bytes;
    }

    /** SHA-256 of {@link #bytes()}. */
    public byte[] hash() {
        return hash.clone();
    }

    public Name name() {
        return new Name(seq, HexFormat.of().formatHex(hash));
    }
}
