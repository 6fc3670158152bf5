package dev.lorehub.node.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads and writes the primitives of our Kryo formats with every length checked against the bytes
 * actually left before anything is allocated. Kryo's own {@code readString} sizes its buffer from
 * the untrusted length prefix, so a hostile 2^31 length would exhaust memory; these never do.
 * Strings are strict UTF-8 (malformed input is an error, not replacement characters), so one
 * sequence of bytes has exactly one meaning.
 *
 * <p>Top-level objects are read with {@link #readRegistered}, never with Kryo's
 * {@code readClassAndObject}: a Kryo instance always carries built-in registrations
 * ({@code String}, the primitives and their wrappers) whose serializers trust the input, e.g.
 * {@code String}'s sizes a {@code char[]} from its length prefix, so six bytes naming class id 3
 * ask for 4 GiB. Serializers must read nested values with these methods, never through Kryo.
 */
public final class BoundedKryoIo {
    /** Kryo writes a registered class as the varint of its registration id plus this (0 is null, 1 a class name). */
    static final int CLASS_ID_OFFSET = 2;

    private BoundedKryoIo() {
    }

    /**
     * Reads the class id {@code Kryo.writeClassAndObject} wrote (varint of registration id + 2) and
     * then the object, by the serializer registered for it, only if the registration id is one of
     * {@code allowed}'s keys: the caller's own registrations. Anything else (null, a class name,
     * Kryo's built-in registrations, unknown ids) is an {@link EventFormatException} before any
     * serializer runs. The id is read with at most 5 bytes and never allocates.
     *
     * @param allowed  registration id to class, exactly as the caller registered them with {@code kryo}
     * @param what     what is being read, for the error message
     * @param expected what it should hold, for the error message (e.g. "an event")
     */
    public static <T> T readRegistered(Kryo kryo, Input in, Map<Integer, Class<? extends T>> allowed, String what,
                                       String expected) {
        int wire = readVarInt(in, what + " type");
        Class<? extends T> type = wire >= CLASS_ID_OFFSET ? allowed.get(wire - CLASS_ID_OFFSET) : null;
        if (type == null) {
            throw new EventFormatException(what + " has type id " + ((long) wire - CLASS_ID_OFFSET) + ", not " + expected
                + " (accepted type ids: " + new java.util.TreeSet<>(allowed.keySet()) + ")");
        }
        return kryo.readObject(in, type);
    }

    public static void writeBytes(Output out, byte[] bytes) {
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    public static byte[] readBytes(Input in, String what) {
        int length = readLength(in, 1, what);
        return in.readBytes(length);
    }

    /** Reads exactly {@code length} bytes. */
    public static byte[] readFixed(Input in, int length, String what) {
        if (remaining(in) < length) {
            throw new EventFormatException(EventFormatException.Kind.TRUNCATED,
                "truncated " + what + ": need " + length + " bytes, " + remaining(in) + " left");
        }
        return in.readBytes(length);
    }

    public static void writeString(Output out, String s) {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    public static String readString(Input in, String what) {
        byte[] bytes = readBytes(in, what);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new EventFormatException(what + " is not valid UTF-8", e);
        }
    }

    public static void writeNullableString(Output out, String s) {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    public static String readNullableString(Input in, String what) {
        return readFlag(in, what) ? readString(in, what) : null;
    }

    /** A boolean written as exactly 0 or 1; any other byte is an error. */
    public static boolean readFlag(Input in, String what) {
        requireBytes(in, 1, what);
        byte b = in.readByte();
        if (b != 0 && b != 1) {
            throw new EventFormatException(what + ": flag must be 0 or 1, got " + b);
        }
        return b == 1;
    }

    /**
     * Reads a count or length and checks that {@code count * minElementBytes} bytes are left, so
     * the caller can size collections from it safely.
     */
    public static int readLength(Input in, int minElementBytes, String what) {
        requireBytes(in, 1, what);
        int n;
        try {
            if (!in.canReadVarInt()) {
                throw new EventFormatException(EventFormatException.Kind.TRUNCATED, "truncated length of " + what);
            }
            n = in.readVarInt(true);
        } catch (com.esotericsoftware.kryo.KryoException e) {
            throw new EventFormatException(EventFormatException.Kind.TRUNCATED, "truncated length of " + what, e);
        }
        if (n < 0 || (long) n * minElementBytes > remaining(in)) {
            throw new EventFormatException(what + ": length " + n + " exceeds the " + remaining(in) + " bytes left");
        }
        return n;
    }

    public static int readVarInt(Input in, String what) {
        requireBytes(in, 1, what);
        if (!in.canReadVarInt()) {
            throw new EventFormatException(EventFormatException.Kind.TRUNCATED, "truncated " + what);
        }
        return in.readVarInt(true);
    }

    public static long readVarLong(Input in, String what) {
        requireBytes(in, 1, what);
        if (!in.canReadVarLong()) {
            throw new EventFormatException(EventFormatException.Kind.TRUNCATED, "truncated " + what);
        }
        return in.readVarLong(false);
    }

    public static double readDouble(Input in, String what) {
        requireBytes(in, 8, what);
        return in.readDouble();
    }

    public static byte readByte(Input in, String what) {
        requireBytes(in, 1, what);
        return in.readByte();
    }

    public static int readInt(Input in, String what) {
        requireBytes(in, 4, what);
        return in.readInt();
    }

    public static long readLong(Input in, String what) {
        requireBytes(in, 8, what);
        return in.readLong();
    }

    public static void requireBytes(Input in, int n, String what) {
        if (remaining(in) < n) {
            throw new EventFormatException(EventFormatException.Kind.TRUNCATED,
                "truncated " + what + ": need " + n + " bytes, " + remaining(in) + " left");
        }
    }

    public static int remaining(Input in) {
        return in.limit() - in.position();
    }
}
