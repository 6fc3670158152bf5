package dev.lorehub.node.transport;

import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static dev.lorehub.node.transport.TransportFixtures.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A slow consumer slows the producer through TCP, with bounded memory on both sides. */
class BackpressureTest extends TransportHarness {
    private static final int FRAME = 16 * 1024;
    private static final int LOW = 32 * 1024;
    private static final int HIGH = 64 * 1024;
    private static final int SOCKET_BUFFER = 16 * 1024;
    private static final int TOTAL_FRAMES = 400; // 6.4 MiB: far more than all buffers together
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TlsIdentity producer = device(61);
    private final TlsIdentity consumer = device(62);

    private TransportConfig config() {
        return testConfig().withWriteBuffer(LOW, HIGH, 16L << 20).withSocketBufferBytes(SOCKET_BUFFER);
    }

    @Test
    void aConsumerThatPausesReadingMakesTheProducerUnwritable() {
        RecordingListener consumerEvents = new RecordingListener();
        consumerEvents.onOpened = c -> c.pauseReading(true); // the node thread is busy
        RecordingListener producerEvents = new RecordingListener();
        AtomicInteger sent = new AtomicInteger();
        // A well-behaved producer: sends while writable, resumes on the writability signal.
        Runnable[] pump = new Runnable[1];
        producerEvents.onOpened = c -> pump[0] = () -> {
            while (c.writable() && sent.get() < TOTAL_FRAMES) {
                c.send(numbered(sent.getAndIncrement()));
            }
        };
        producerEvents.onOpened = producerEvents.onOpened.andThen(c -> pump[0].run());
        producerEvents.onWritability = (c, writable) -> {
            if (writable) {
                pump[0].run();
            }
        };
        PeerTransport producerTransport = transport(producer, pairedSet(consumer)::contains, producerEvents, config());
        PeerTransport consumerTransport = transport(consumer, pairedSet(producer)::contains, consumerEvents, config());
        producerTransport.connectOnce(consumerTransport.listen(anyPort()).address(), TransportMode.PAIRED, consumer.deviceId());
        await().atMost(WAIT).until(() -> producerEvents.opened.size() == 1 && consumerEvents.opened.size() == 1);
        PeerConnection out = producerEvents.opened.get(0);
        PeerConnection in = consumerEvents.opened.get(0);

        // The producer stalls: unwritable, and no more progress.
        int[] stalledAt = {-1};
        await().atMost(WAIT).during(Duration.ofMillis(300)).until(() -> {
            int now = sent.get();
            boolean stalled = !out.writable() && now == stalledAt[0];
            stalledAt[0] = now;
            return stalled;
        });
        assertThat(sent.get()).isLessThan(TOTAL_FRAMES);
        assertThat(producerEvents.writability).contains(false);
        // Bounded: the producer's process holds at most the high water mark plus the frame that crossed it
        // (plus TLS record overhead), and everything sent so far fits in that and the kernel's socket
        // buffers, nowhere near the 6.4 MiB offered.
        long queuedInProcess = ((NettyPeerConnection) out).channel().unsafe().outboundBuffer().totalPendingWriteBytes();
        assertThat(queuedInProcess).isLessThanOrEqualTo(HIGH + FRAME + 1024);
        assertThat((long) sent.get() * FRAME).isLessThan(1L << 20);
        assertThat(consumerEvents.frames.size()).isLessThan(sent.get());

        in.pauseReading(false);

        await().atMost(WAIT).until(() -> consumerEvents.frames.size() == TOTAL_FRAMES);
        List<byte[]> received = consumerEvents.framesFrom(in);
        for (int i = 0; i < TOTAL_FRAMES; i++) {
            assertThat(ByteBuffer.wrap(received.get(i)).getInt()).isEqualTo(i);
        }
        await().atMost(WAIT).until(out::writable);
    }

    @Test
    void aProducerIgnoringWritabilityHitsTheHardCap() {
        long cap = HIGH + 2L * FRAME + 64 * 1024;
        TransportConfig capped = testConfig().withMaxFrameBytes(FRAME).withWriteBuffer(LOW, HIGH, cap)
            .withSocketBufferBytes(SOCKET_BUFFER);
        RecordingListener consumerEvents = new RecordingListener();
        consumerEvents.onOpened = c -> c.pauseReading(true);
        RecordingListener producerEvents = new RecordingListener();
        PeerTransport producerTransport = transport(producer, pairedSet(consumer)::contains, producerEvents, capped);
        PeerTransport consumerTransport = transport(consumer, pairedSet(producer)::contains, consumerEvents, capped);
        producerTransport.connectOnce(consumerTransport.listen(anyPort()).address(), TransportMode.PAIRED, consumer.deviceId());
        await().atMost(WAIT).until(() -> producerEvents.opened.size() == 1 && consumerEvents.opened.size() == 1);
        PeerConnection out = producerEvents.opened.get(0);

        assertThatThrownBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                out.send(numbered(i));
            }
        }).isInstanceOfSatisfying(SendBufferFullException.class, e -> {
            assertThat(e.limit()).isEqualTo(cap);
            assertThat(e.wouldBePending()).isGreaterThan(cap);
        });
        assertThat(((NettyPeerConnection) out).pendingBytes()).isLessThanOrEqualTo(cap);
        assertThat(out.writable()).isFalse();
        assertThat(producerEvents.closed).isEmpty(); // the connection survives a refused send
    }

    private static byte[] numbered(int n) {
        byte[] frame = new byte[FRAME];
        ByteBuffer.wrap(frame).putInt(n);
        return frame;
    }
}
