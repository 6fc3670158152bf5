package dev.lorehub.merkle.internal;

import java.util.Arrays;

/** A growable byte buffer with the primitive encodings of the wire format. */
public final class WireWriter {

    private byte[] buf = new byte[128];
    private int size;

    public void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    /** Unsigned LEB128: seven bits per byte, least significant group first, high bit = more follows. */
    public void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    /** Eight bytes big-endian. */
    public void long64(long v) {
        ensure(8);
        KeyHasher.putLong(buf, size, v);
        size += 8;
    }

    public void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void append(WireWriter other) {
        bytes(other.buf, 0, other.size);
    }

    public int size() {
        return size;
    }

    /** Drops everything written after the first {@code newSize} bytes. */
    public void truncate(int newSize) {
        size = newSize;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Length of the varint encoding of {@code v}. */
    public static int varintLen(long v) {
        int bits = 64 - Long.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
