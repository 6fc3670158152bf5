package dev.lorehub.node.transport;

import dev.lorehub.node.sync.FrameTooLargeException;
import dev.lorehub.node.sync.MalformedFrameException;
import dev.lorehub.node.sync.ProtocolViolationException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteOrder;

/**
 * Splits the decrypted byte stream into frames (kind byte + body, prefix stripped). The limit is
 * checked on the length prefix alone, the moment its 4 bytes are in: an oversized frame raises
 * {@link FrameTooLargeException} (naming the limit and the announced size) before anything is
 * buffered for it, instead of Netty's generic {@code TooLongFrameException} or discard mode. A
 * length of zero (no kind byte) is a {@link MalformedFrameException}.
 */
final class BoundedFrameDecoder extends LengthFieldBasedFrameDecoder {
    private static final int PREFIX_BYTES = 4;

    private final int maxFrameBytes;
    private boolean failed;

    /** @param maxFrameBytes largest application payload; the wire length also counts the kind byte */
    BoundedFrameDecoder(int maxFrameBytes) {
        super(ByteOrder.BIG_ENDIAN, maxFrameBytes + 1 + PREFIX_BYTES, 0, PREFIX_BYTES, 0, PREFIX_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * After the first violation the stream is unusable (framing is lost): everything further is dropped
     * unread instead of failing again for each arriving buffer while the connection closes.
     */
    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            return super.decode(ctx, in);
        } catch (ProtocolViolationException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long wireLength = super.getUnadjustedFrameLength(buf, offset, length, order); // unsigned 32-bit
        if (wireLength == 0) {
            throw new MalformedFrameException("frame of length 0 has no kind byte");
        }
        long payload = wireLength - 1;
        if (payload > maxFrameBytes) {
            throw new FrameTooLargeException(maxFrameBytes, payload, true);
        }
        return wireLength;
    }
}
