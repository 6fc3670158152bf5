package dev.lorehub.node.bench;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.node.transport.ConnectionListener;
import dev.lorehub.node.transport.PeerConnection;
import dev.lorehub.node.transport.PeerTransport;
import dev.lorehub.node.transport.TransportConfig;
import dev.lorehub.node.transport.TransportMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Transport throughput over loopback (BENCHMARKS.md): one producer thread (standing in for the node
 * thread) streams frames to a peer as fast as writability allows; the receiver counts whole frames.
 * Measured for 1 KiB and 256 KiB frames, through {@link PeerTransport} (TLS 1.3, JDK provider, mutual
 * authentication, length-prefixed frames) and, as the baseline in the same run, through a plain Netty
 * TCP pipeline with the same framing, water marks and flush consolidation but no TLS. ratio = TLS MB/s
 * divided by plain MB/s, the median of per-round ratios. Rounds alternate which variant goes first;
 * medians reported, MB = 10^6 bytes of frame payload.
 *
 * <p>Run: {@code .ci/bench node TransportBench [rounds] [mibPerRoundOfSmallFrames]} (defaults 9 and 48;
 * 256 KiB frames move four times as much). Everything binds to 127.0.0.1; about a minute.
 */
public final class TransportBench {
    private static final int[] FRAME_SIZES = {1024, 256 * 1024};
    private static final int WARMUP_ROUNDS = 3;
    private static final long TIME_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(150);
    private static final long ROUND_TIMEOUT_SECONDS = 60;
    private static final int LOW_WATER = 256 * 1024;
    private static final int HIGH_WATER = 1024 * 1024;

    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        long smallFrameBytesPerRound = (args.length > 1 ? Long.parseLong(args[1]) : 48L) << 20;
        long deadline = System.nanoTime() + TIME_BUDGET_NANOS;
        try (TlsPair tls = new TlsPair(); PlainPair plain = new PlainPair()) {
            for (int frameBytes : FRAME_SIZES) {
                // Large frames move more data per round so that a round is not over in a few scheduler ticks.
                long bytesPerRound = frameBytes >= 64 * 1024 ? smallFrameBytesPerRound * 4 : smallFrameBytesPerRound;
                int frames = (int) Math.max(1, bytesPerRound / frameBytes);
                byte[] payload = new byte[frameBytes];
                new Random(frameBytes).nextBytes(payload);
                for (int i = 0; i < WARMUP_ROUNDS; i++) {
                    tls.run(payload, frames);
                    plain.run(payload, frames);
                }
                double[] tlsNanos = new double[rounds];
                double[] plainNanos = new double[rounds];
                double[] ratios = new double[rounds];
                int done = 0;
                for (int r = 0; r < rounds && System.nanoTime() < deadline; r++) {
                    if (r % 2 == 0) {
                        tlsNanos[r] = tls.run(payload, frames);
                        plainNanos[r] = plain.run(payload, frames);
                    } else {
                        plainNanos[r] = plain.run(payload, frames);
                        tlsNanos[r] = tls.run(payload, frames);
                    }
                    ratios[r] = plainNanos[r] / tlsNanos[r];
                    done++;
                    System.out.printf(Locale.ROOT, "frame %d B round %d: tls %.1f MB/s, plain %.1f MB/s, ratio %.2f%n", frameBytes, r,
                        mbPerS(frames, frameBytes, tlsNanos[r]), mbPerS(frames, frameBytes, plainNanos[r]), ratios[r]);
                }
                double[] tlsSorted = Arrays.copyOf(tlsNanos, done);
                Arrays.sort(tlsSorted);
                double[] ratioSorted = Arrays.copyOf(ratios, done);
                Arrays.sort(ratioSorted);
                double tlsMedian = median(tlsSorted);
                double plainMedian = median(Arrays.copyOf(plainNanos, done));
                // ratio: median of the per-round ratios (each round measures both side by side, so the
                // machine's noise mostly cancels within a round).
                System.out.printf(Locale.ROOT, "BENCH transport.tls frame_bytes=%d frames=%d rounds=%d frames_per_s=%.0f "
                        + "mb_per_s=%.1f mb_per_s_min=%.1f mb_per_s_max=%.1f plain_frames_per_s=%.0f plain_mb_per_s=%.1f "
                        + "ratio=%.2f ratio_min=%.2f ratio_max=%.2f%n",
                    frameBytes, frames, done, frames / (tlsMedian / 1e9), mbPerS(frames, frameBytes, tlsMedian),
                    mbPerS(frames, frameBytes, tlsSorted[done - 1]), mbPerS(frames, frameBytes, tlsSorted[0]),
                    frames / (plainMedian / 1e9), mbPerS(frames, frameBytes, plainMedian),
                    median(ratioSorted), ratioSorted[0], ratioSorted[done - 1]);
            }
        }
    }

    private static double mbPerS(int frames, int frameBytes, double nanos) {
        return (double) frames * frameBytes / 1e6 / (nanos / 1e9);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static InetSocketAddress loopback(int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
    }

    /**
     * Sends {@code frames} copies of {@code payload} from the calling thread, waiting whenever the
     * connection is not writable, as the node thread would; returns when the receiver has all of them.
     */
    private static long stream(byte[] payload, int frames, BooleanSupplier writable, Consumer<byte[]> send, Object writableSignal,
                               AtomicLong received) throws InterruptedException {
        long start = System.nanoTime();
        long target = received.get() + frames;
        for (int i = 0; i < frames; i++) {
            synchronized (writableSignal) {
                long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_TIMEOUT_SECONDS);
                while (!writable.getAsBoolean()) {
                    long left = waitUntil - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("connection stayed unwritable for " + ROUND_TIMEOUT_SECONDS + " s");
                    }
                    // The writability callback notifies; the timeout only guards against a missed edge.
                    writableSignal.wait(Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            }
            send.accept(payload);
        }
        synchronized (received) {
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_TIMEOUT_SECONDS);
            while (received.get() < target) {
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("receiver got " + received.get() + " of " + target + " frames");
                }
                received.wait(Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
        return System.nanoTime() - start;
    }

    private static void countFrame(AtomicLong received, long notifyEvery) {
        long n = received.incrementAndGet();
        if (n % notifyEvery == 0) {
            synchronized (received) {
                received.notifyAll();
            }
        }
    }

    /** Two PeerTransports, paired, one connection. */
    private static final class TlsPair implements AutoCloseable {
        private final PeerTransport sender;
        private final PeerTransport receiver;
        private final PeerConnection connection;
        private final Object writableSignal = new Object();
        private final AtomicLong received = new AtomicLong();

        TlsPair() throws Exception {
            Instant now = Instant.parse("2026-03-01T12:00:00Z");
            TlsIdentity a = TlsIdentity.create(DeviceIdentity.generate(SeededRandom.of(1)), now, SeededRandom.of(2));
            TlsIdentity b = TlsIdentity.create(DeviceIdentity.generate(SeededRandom.of(3)), now, SeededRandom.of(4));
            TransportConfig config = TransportConfig.defaults().withWriteBuffer(LOW_WATER, HIGH_WATER, 16L << 20);
            CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
            sender = new PeerTransport(config, a, b.deviceId()::equals, new Listener() {
                @Override
                public void opened(PeerConnection c) {
                    opened.complete(c);
                }

                @Override
                public void writabilityChanged(PeerConnection c, boolean writable) {
                    if (writable) {
                        synchronized (writableSignal) {
                            writableSignal.notifyAll();
                        }
                    }
                }
            });
            receiver = new PeerTransport(config, b, a.deviceId()::equals, new Listener() {
                @Override
                public void frame(PeerConnection c, byte[] frame) {
                    countFrame(received, 64);
                }
            });
            InetSocketAddress address = receiver.listen(loopback(0)).address();
            sender.connectOnce(address, TransportMode.PAIRED, b.deviceId());
            connection = opened.get(30, TimeUnit.SECONDS);
        }

        long run(byte[] payload, int frames) throws InterruptedException {
            return stream(payload, frames, connection::writable, connection::send, writableSignal, received);
        }

        @Override
        public void close() {
            sender.close();
            receiver.close();
        }
    }

    /** The baseline: the same framing over plain TCP in Netty, no TLS. */
    private static final class PlainPair implements AutoCloseable {
        private final EventLoopGroup senderGroup;
        private final EventLoopGroup receiverGroup;
        private final Channel server;
        private final Channel client;
        private final Object writableSignal = new Object();
        private final AtomicLong received = new AtomicLong();

        PlainPair() throws Exception {
            int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
            senderGroup = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
            receiverGroup = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
            WriteBufferWaterMark marks = new WriteBufferWaterMark(LOW_WATER, HIGH_WATER);
            server = new ServerBootstrap().group(receiverGroup).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE, 0, 4, 0, 4))
                            .addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf frame = (ByteBuf) msg;
                                    byte[] copy = new byte[frame.readableBytes()]; // as the transport hands out arrays
                                    frame.readBytes(copy);
                                    frame.release();
                                    countFrame(received, 64);
                                }
                            });
                    }
                })
                .bind(loopback(0)).sync().channel();
            client = new Bootstrap().group(senderGroup).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FlushConsolidationHandler(64, true))
                            .addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                                    if (ctx.channel().isWritable()) {
                                        synchronized (writableSignal) {
                                            writableSignal.notifyAll();
                                        }
                                    }
                                    ctx.fireChannelWritabilityChanged();
                                }
                            });
                    }
                })
                .connect(server.localAddress()).sync().channel();
        }

        long run(byte[] payload, int frames) throws InterruptedException {
            return stream(payload, frames, client::isWritable, frame -> {
                byte[] header = {(byte) (frame.length >>> 24), (byte) (frame.length >>> 16), (byte) (frame.length >>> 8),
                    (byte) frame.length};
                client.writeAndFlush(Unpooled.wrappedBuffer(header, frame));
            }, writableSignal, received);
        }

        @Override
        public void close() {
            client.close().awaitUninterruptibly(5_000);
            server.close().awaitUninterruptibly(5_000);
            senderGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
            receiverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    /** Ignores everything unless overridden. */
    private abstract static class Listener implements ConnectionListener {
        @Override
        public void opened(PeerConnection c) {
        }

        @Override
        public void frame(PeerConnection c, byte[] frame) {
        }

        @Override
        public void closed(PeerConnection c, String reason) {
        }
    }
}
