package dev.lorehub.node.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * The transport's frame layout (see the package documentation): a 4-byte big-endian length, then
 * that many bytes made of a one-byte kind and the body. Application frames are kind {@link #DATA};
 * the others are transport control frames that the application never sees.
 */
final class Frames {
    static final byte DATA = 0;
    static final byte HELLO = 1;
    static final byte PING = 2;
    static final byte CLOSE = 3;

    /** Transport protocol version carried in the hello. */
    static final byte VERSION = 1;
    static final byte MODE_PAIRED = 0;
    static final byte MODE_PAIRING = 1;

    /** Longest close reason sent, in UTF-8 bytes; longer reasons are cut. */
    static final int MAX_REASON_BYTES = 256;

    /** Length prefix plus kind byte. */
    static final int HEADER_BYTES = 5;

    private Frames() {
    }

    /** An application frame; {@code payload} is wrapped, not copied. */
    static ByteBuf data(byte[] payload) {
        return Unpooled.wrappedBuffer(header(DATA, payload.length), payload);
    }

    static ByteBuf hello(TransportMode mode) {
        byte[] body = {VERSION, modeCode(mode)};
        return Unpooled.wrappedBuffer(header(HELLO, body.length), body);
    }

    static ByteBuf ping() {
        return Unpooled.wrappedBuffer(header(PING, 0));
    }

    static ByteBuf close(String reason) {
        byte[] body = truncatedUtf8(reason, MAX_REASON_BYTES);
        return Unpooled.wrappedBuffer(header(CLOSE, body.length), body);
    }

    static byte modeCode(TransportMode mode) {
        return mode == TransportMode.PAIRING ? MODE_PAIRING : MODE_PAIRED;
    }

    static String modeName(byte code) {
        return switch (code) {
            case MODE_PAIRED -> TransportMode.PAIRED.name();
            case MODE_PAIRING -> TransportMode.PAIRING.name();
            default -> "unknown mode " + code;
        };
    }

    private static byte[] header(byte kind, int bodyLength) {
        int length = bodyLength + 1;
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, kind};
    }

    /** At most {@code max} bytes of UTF-8, never cutting a character in half. */
    static byte[] truncatedUtf8(String text, int max) {
        byte[] all = text.getBytes(StandardCharsets.UTF_8);
        if (all.length <= max) {
            return all;
        }
        int end = max;
        while (end > 0 && (all[end] & 0xC0) == 0x80) { // all[end] is a continuation byte: back up to a character start
            end--;
        }
        byte[] cut = new byte[end];
        System.arraycopy(all, 0, cut, 0, end);
        return cut;
    }
}
