package dev.lorehub.crypto.internal;

import java.util.Arrays;

/** Big-endian writing into a growable array; the mirror of {@link ByteReader}. */
public final class ByteWriter {
    private byte[] buf;
    private int len;

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public ByteWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public ByteWriter i32(int v) {
        ensure(4);
        Bytes.putInt(buf, len, v);
        len += 4;
        return this;
    }

    public ByteWriter i64(long v) {
        ensure(8);
        Bytes.putLong(buf, len, v);
        len += 8;
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteWriter bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** u8 length, then the bytes. */
    public ByteWriter shortBytes(byte[] b) {
        return u8(b.length).bytes(b);
    }

    /** u16 length, then the bytes. */
    public ByteWriter mediumBytes(byte[] b) {
        return u16(b.length).bytes(b);
    }

    public int size() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
