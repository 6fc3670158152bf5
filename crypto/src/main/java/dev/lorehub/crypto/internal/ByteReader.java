package dev.lorehub.crypto.internal;

import java.util.Arrays;

/**
 * Bounds-checked big-endian reading of a byte array. Every read checks the remaining length first,
 * so a lying length field can never cause a large allocation or an out-of-bounds access.
 */
public final class ByteReader {
    private final byte[] data;
    private int pos;
    private final int end;

    public ByteReader(byte[] data) {
        this(data, 0, data.length);
    }

    public ByteReader(byte[] data, int offset, int length) {
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n, String what) {
        if (n < 0 || end - pos < n) {
            throw new Malformed("truncated: " + what + " needs " + n + " bytes, " + (end - pos) + " left", true);
        }
    }

    public int u8(String what) {
        need(1, what);
        return data[pos++] & 0xFF;
    }

    public int u16(String what) {
        need(2, what);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int i32(String what) {
        need(4, what);
        int v = Bytes.getInt(data, pos);
        pos += 4;
        return v;
    }

    public long i64(String what) {
        need(8, what);
        long v = Bytes.getLong(data, pos);
        pos += 8;
        return v;
    }

    /** A copy of the next {@code n} bytes. */
    public byte[] bytes(int n, String what) {
        need(n, what);
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** A length-prefixed (u8) byte string of at most {@code max} bytes. */
    public byte[] shortBytes(int max, String what) {
        int n = u8(what + " length");
        if (n > max) {
            throw new Malformed(what + " is " + n + " bytes; at most " + max + " allowed", false);
        }
        return bytes(n, what);
    }

    /** A length-prefixed (u16) byte string of at most {@code max} bytes. */
    public byte[] mediumBytes(int max, String what) {
        int n = u16(what + " length");
        if (n > max) {
            throw new Malformed(what + " is " + n + " bytes; at most " + max + " allowed", false);
        }
        return bytes(n, what);
    }

    public void skip(int n, String what) {
        need(n, what);
        pos += n;
    }

    /** Rejects trailing bytes: every format here has exactly one encoding of each value. */
    public void expectEnd(String what) {
        if (pos != end) {
            throw new Malformed(what + " has " + (end - pos) + " unexpected trailing bytes", false);
        }
    }
}
