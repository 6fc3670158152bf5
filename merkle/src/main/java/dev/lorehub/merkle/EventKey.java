package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.KeyHasher;

import java.util.HexFormat;
import java.util.Objects;

/**
 * The key of one event in a realm's set: its hybrid-logical-clock timestamp and its 32-byte id.
 *
 * <p>Keys are ordered by timestamp compared as a signed {@code long}, then by id compared as an
 * unsigned big-endian number, so recent events sit together at the top of the order. Immutable:
 * the id is copied in and out.
 */
public final class EventKey implements Comparable<EventKey> {

    /** Length of an event id in bytes. */
    public static final int ID_BYTES = 32;

    private final long timestamp;
    private final long w0;
    private final long w1;
    private final long w2;
    private final long w3;

    /**
     * @param timestamp the event's HLC timestamp (any {@code long})
     * @param id exactly {@value #ID_BYTES} bytes, copied
     * @throws IllegalArgumentException if {@code id} is not 32 bytes long
     */
    public EventKey(long timestamp, byte[] id) {
        Objects.requireNonNull(id, "id");
        if (id.length != ID_BYTES) {
            throw new IllegalArgumentException("an event id is 32 bytes, was " + id.length);
        }
        this.timestamp = timestamp;
        this.w0 = KeyHasher.getLong(id, 0);
        this.w1 = KeyHasher.getLong(id, 8);
        this.w2 = KeyHasher.getLong(id, 16);
        this.w3 = KeyHasher.getLong(id, 24);
    }

    private EventKey(long timestamp, long w0, long w1, long w2, long w3) {
        this.timestamp = timestamp;
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /**
     * A key whose id is given as four big-endian 64-bit words ({@code w0} holds id bytes 0..7).
     * Allocation-free construction for code that already holds ids that way.
     */
    public static EventKey ofWords(long timestamp, long w0, long w1, long w2, long w3) {
        return new EventKey(timestamp, w0, w1, w2, w3);
    }

    /** The HLC timestamp. */
    public long timestamp() {
        return timestamp;
    }

    /** A copy of the 32-byte id. */
    public byte[] id() {
        byte[] id = new byte[ID_BYTES];
        KeyHasher.putLong(id, 0, w0);
        KeyHasher.putLong(id, 8, w1);
        KeyHasher.putLong(id, 16, w2);
        KeyHasher.putLong(id, 24, w3);
        return id;
    }

    /** Id bytes {@code 8i..8i+7} as a big-endian word, {@code i} in 0..3. */
    public long idWord(int i) {
        return switch (i) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            case 3 -> w3;
            default -> throw new IndexOutOfBoundsException("id word " + i + " outside 0..3");
        };
    }

    @Override
    public int compareTo(EventKey o) {
        if (timestamp != o.timestamp) {
            return Long.compare(timestamp, o.timestamp);
        }
        if (w0 != o.w0) {
            return Long.compareUnsigned(w0, o.w0);
        }
        if (w1 != o.w1) {
            return Long.compareUnsigned(w1, o.w1);
        }
        if (w2 != o.w2) {
            return Long.compareUnsigned(w2, o.w2);
        }
        return Long.compareUnsigned(w3, o.w3);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventKey k && k.timestamp == timestamp && k.w0 == w0 && k.w1 == w1
            && k.w2 == w2 && k.w3 == w3;
    }

    @Override
    public int hashCode() {
        // The id is a hash already; its first word spreads well.
        return Long.hashCode(w0) * 31 + Long.hashCode(timestamp);
    }

    /** {@code timestamp:hex-id}. */
    @Override
    public String toString() {
        return timestamp + ":" + HexFormat.of().formatHex(id());
    }
}
