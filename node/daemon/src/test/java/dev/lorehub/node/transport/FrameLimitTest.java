package dev.lorehub.node.transport;

import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.FrameTooLargeException;
import dev.lorehub.node.sync.MalformedFrameException;
import dev.lorehub.node.sync.SyncCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hard frame limit: checked on the 4-byte prefix, before anything is buffered for the frame. */
class FrameLimitTest extends TransportHarness {
    private static final int LIMIT = 1024;

    @Test
    void aFrameOfExactlyTheLimitPasses() {
        EmbeddedChannel channel = new EmbeddedChannel(new BoundedFrameDecoder(LIMIT));
        ByteBuf in = Unpooled.buffer();
        in.writeInt(LIMIT + 1).writeByte(Frames.DATA).writeZero(LIMIT);

        channel.writeInbound(in);

        ByteBuf frame = channel.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(LIMIT + 1); // kind byte + payload, prefix stripped
        frame.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void anOversizedPrefixFailsAsSoonAsItsFourBytesArrive() {
        EmbeddedChannel channel = new EmbeddedChannel(new BoundedFrameDecoder(LIMIT));
        ByteBuf prefixOnly = Unpooled.buffer().writeInt(LIMIT + 2); // payload LIMIT + 1, nothing of it sent

        assertThatThrownBy(() -> channel.writeInbound(prefixOnly))
            .isInstanceOf(DecoderException.class)
            .cause().isInstanceOfSatisfying(FrameTooLargeException.class, e -> {
                assertThat(e.limit()).isEqualTo(LIMIT);
                assertThat(e.size()).isEqualTo(LIMIT + 1);
                assertThat(e.inbound()).isTrue();
            })
            .hasMessage("incoming frame of 1025 bytes exceeds the limit of 1024 bytes");
        Object decoded = channel.readInbound();
        assertThat(decoded).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void theLargestPrefixIsReadUnsignedAndRefused() {
        EmbeddedChannel channel = new EmbeddedChannel(new BoundedFrameDecoder(SyncCodec.MAX_FRAME));

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1})))
            .cause().isInstanceOfSatisfying(FrameTooLargeException.class,
                e -> assertThat(e.size()).isEqualTo(0xFFFF_FFFEL));
        channel.finishAndReleaseAll();
    }

    @Test
    void aZeroLengthFrameIsAProtocolError() {
        EmbeddedChannel channel = new EmbeddedChannel(new BoundedFrameDecoder(LIMIT));

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(0)))
            .cause().isInstanceOfSatisfying(MalformedFrameException.class, e -> assertThat(e.reason()).isEqualTo(CloseReason.MALFORMED))
            .hasMessageContaining("no kind byte");
        channel.finishAndReleaseAll();
    }

    /**
     * A paired peer that completes TLS and the hello, then announces a 2 GiB frame: the connection is
     * closed at once with a reason naming limit and size, and the peer is told why.
     */
    @Test
    void anAuthenticatedPeerAnnouncingAHugeFrameIsCutOff() throws Exception {
        TlsIdentity server = device(11);
        TlsIdentity rogue = device(12);
        RecordingListener events = new RecordingListener();
        PeerTransport transport = transport(server, pairedSet(rogue)::contains, events);
        InetSocketAddress address = transport.listen(anyPort()).address();

        try (SSLSocket socket = rawTlsClient(rogue, address)) {
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(new byte[] {0, 0, 0, 3, Frames.HELLO, Frames.VERSION, Frames.MODE_PAIRED});
            out.flush();
            assertThat(readFrameKind(in)).isEqualTo(Frames.HELLO);
            in.readFully(new byte[2]);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.opened.size() == 1);

            out.write(new byte[] {0x7F, -1, -1, -1}); // 2 GiB - 1: payload 2147483646 bytes
            out.flush();

            assertThat(readFrameKind(in)).isEqualTo(Frames.CLOSE);
            String toldWhy = new String(in.readNBytes(lastLength - 1), StandardCharsets.UTF_8);
            assertThat(toldWhy).isEqualTo("protocol error: incoming frame of 2147483646 bytes exceeds the limit of "
                + SyncCodec.MAX_FRAME + " bytes");
            assertThat(readToEnd(in)).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> events.closed.size() == 1);
        assertThat(events.closeReasons()).containsExactly(
            "protocol error: incoming frame of 2147483646 bytes exceeds the limit of " + SyncCodec.MAX_FRAME + " bytes");
        assertThat(events.frames).isEmpty();
    }

    private int lastLength;

    private byte readFrameKind(DataInputStream in) throws IOException {
        lastLength = in.readInt();
        return in.readByte();
    }

    /** True once the server closed the stream (EOF or a reset after its close_notify); bounded by the socket timeout. */
    private static boolean readToEnd(DataInputStream in) {
        byte[] sink = new byte[4096];
        try {
            for (int i = 0; i < 1000; i++) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }

    /** A plain JDK TLS 1.3 client with a real device certificate, which then speaks raw bytes. */
    static SSLSocket rawTlsClient(TlsIdentity identity, InetSocketAddress address) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(identity.keyManagerFactory().getKeyManagers(),
            new TrustManager[] {TlsIdentity.pinningTrustManager(id -> true)}, SeededRandom.of(99));
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }
}
