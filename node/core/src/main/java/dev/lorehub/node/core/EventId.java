package dev.lorehub.node.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An event's id: SHA-256 of its sealed bytes, so a receiver verifies integrity by hashing what it
 * got (DESIGN.md §3). Ordered by unsigned bytes, which is the order the merkle set uses.
 */
public final class EventId implements Comparable<EventId> {
    /** Bytes in an id. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private EventId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The id of these sealed bytes. */
    public static EventId of(byte[] sealed) {
        try {
            return new EventId(MessageDigest.getInstance("SHA-256").digest(sealed));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** Wraps exactly {@link #LENGTH} bytes (copied). */
    public static EventId fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an event id has " + LENGTH + " bytes, got " + bytes.length);
        }
        return new EventId(bytes.clone());
    }

    /** Parses the 64-hex-digit form. */
    public static EventId parse(String hex) {
        if (hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("an event id is " + 2 * LENGTH + " hex digits, got " + hex.length());
        }
        return new EventId(HexFormat.of().parseHex(hex));
    }

    /** A copy of the bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The bytes without copying; callers must not modify them. */
    byte[] rawBytes() {
        return bytes;
    }

    /** The first 12 hex digits, for display. */
    public String shortForm() {
        return HexFormat.of().formatHex(bytes, 0, 6);
    }

    @Override
    public int compareTo(EventId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        // SHA-256 output is uniformly distributed; four bytes are as good as all.
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /** The 64-hex-digit form. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
