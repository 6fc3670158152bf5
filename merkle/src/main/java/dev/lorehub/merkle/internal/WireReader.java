package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.ReconciliationException;
import dev.lorehub.merkle.ReconciliationException.Kind;

/**
 * Bounds-checked reading of one message. Every read that would run past the end throws
 * {@link Kind#TRUNCATED}; every count is checked against the bytes actually left before anything
 * is allocated for it, so a length field can never make the reader allocate more than the message.
 */
public final class WireReader {

    private final byte[] buf;
    private int pos;

    public WireReader(byte[] buf) {
        this.buf = buf;
    }

    public int remaining() {
        return buf.length - pos;
    }

    public boolean hasMore() {
        return pos < buf.length;
    }

    public int position() {
        return pos;
    }

    public int u8(String field) {
        need(1, field);
        return buf[pos++] & 0xFF;
    }

    /** A canonical unsigned LEB128 of at most ten bytes. */
    public long varint(String field) {
        long v = 0;
        for (int i = 0; i < 10; i++) {
            need(1, field);
            int b = buf[pos++] & 0xFF;
            if (i == 9 && b > 1) {
                throw new ReconciliationException(Kind.MALFORMED, field + ": varint exceeds 64 bits");
            }
            v |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new ReconciliationException(Kind.MALFORMED, field + ": non-canonical varint (trailing zero group)");
                }
                return v;
            }
        }
        throw new ReconciliationException(Kind.MALFORMED, field + ": varint longer than 10 bytes");
    }

    /**
     * A count of items each taking at least {@code minBytesEach} bytes: rejected as
     * {@link Kind#TRUNCATED} if that many items cannot fit in the rest of the message, and as
     * {@link Kind#OVERSIZED} if it exceeds {@code max}.
     */
    public int count(String field, int minBytesEach, long max) {
        long v = varint(field);
        long fits = remaining() / Math.max(1, minBytesEach);
        if (Long.compareUnsigned(v, fits) > 0) {
            throw new ReconciliationException(Kind.TRUNCATED, field + " announces " + Long.toUnsignedString(v)
                + " items of at least " + minBytesEach + " bytes but only " + remaining() + " bytes remain");
        }
        if (v > max) {
            throw new ReconciliationException(Kind.OVERSIZED, field + " is " + v + ", above the limit of " + max);
        }
        return (int) v;
    }

    public void read(byte[] dst, int off, int len, String field) {
        need(len, field);
        System.arraycopy(buf, pos, dst, off, len);
        pos += len;
    }

    /** Eight bytes big-endian. */
    public long long64(String field) {
        need(8, field);
        long v = KeyHasher.getLong(buf, pos);
        pos += 8;
        return v;
    }

    /** The backing array, for reading {@code len} bytes in place at the current position and skipping them. */
    public int skip(int len, String field) {
        need(len, field);
        int at = pos;
        pos += len;
        return at;
    }

    public byte[] array() {
        return buf;
    }

    private void need(int n, String field) {
        if (n > buf.length - pos) {
            throw new ReconciliationException(Kind.TRUNCATED, field + " needs " + n + " bytes at offset " + pos
                + " but the message ends at " + buf.length);
        }
    }
}
