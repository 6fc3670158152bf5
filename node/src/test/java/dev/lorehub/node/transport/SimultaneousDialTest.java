package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.lorehub.node.transport.TransportFixtures.anyPort;
import static dev.lorehub.node.transport.TransportFixtures.device;
import static dev.lorehub.node.transport.TransportFixtures.pairedSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two devices dialing each other at the same moment end up with one connection, the same one on both sides. */
class SimultaneousDialTest extends TransportHarness {
    private static final int ROUNDS = 4;

    @Test
    void exactlyOneConnectionSurvivesOnBothSides() throws Exception {
        TlsIdentity a = device(31);
        TlsIdentity b = device(32);
        DeviceId lower = TieBreak.preferredDialer(a.deviceId(), b.deviceId());
        List<String> duplicateReasons = new ArrayList<>();

        for (int round = 0; round < ROUNDS; round++) {
            RecordingListener aEvents = new RecordingListener();
            RecordingListener bEvents = new RecordingListener();
            PeerTransport aTransport = transport(a, pairedSet(b)::contains, aEvents);
            PeerTransport bTransport = transport(b, pairedSet(a)::contains, bEvents);
            InetSocketAddress aAddress = aTransport.listen(anyPort()).address();
            InetSocketAddress bAddress = bTransport.listen(anyPort()).address();

            // Release both dials from two threads at once.
            CountDownLatch go = new CountDownLatch(1);
            Thread aDials = new Thread(() -> awaitThen(go, () -> aTransport.connectTo(b.deviceId(), bAddress)));
            Thread bDials = new Thread(() -> awaitThen(go, () -> bTransport.connectTo(a.deviceId(), aAddress)));
            aDials.start();
            bDials.start();
            go.countDown();
            aDials.join(5_000);
            bDials.join(5_000);

            await().atMost(Duration.ofSeconds(10)).until(() -> aEvents.open().size() == 1 && bEvents.open().size() == 1
                && aTransport.connection(b.deviceId()).isPresent() && bTransport.connection(a.deviceId()).isPresent());
            // Stable: nothing flaps afterwards (the losers are gone, the dialers are satisfied).
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> aEvents.open().size() == 1 && bEvents.open().size() == 1);

            PeerConnection atA = aEvents.open().get(0);
            PeerConnection atB = bEvents.open().get(0);
            assertThat(aTransport.connection(b.deviceId())).containsSame(atA);
            assertThat(bTransport.connection(a.deviceId())).containsSame(atB);
            // The same TCP connection on both sides, dialed by the lower device id.
            assertThat(((NettyPeerConnection) atA).channel().localAddress()).isEqualTo(atB.remote());
            assertThat(atA.remote()).isEqualTo(((NettyPeerConnection) atB).channel().localAddress());
            assertThat(atA.initiator()).isEqualTo(lower.equals(a.deviceId()));
            assertThat(atB.initiator()).isEqualTo(lower.equals(b.deviceId()));

            for (RecordingListener events : List.of(aEvents, bEvents)) {
                events.closeReasons().stream().filter(r -> r.contains("duplicate connection")).forEach(duplicateReasons::add);
                events.failureReasons().stream().filter(r -> r.contains("duplicate connection")).forEach(duplicateReasons::add);
            }
            closeEverything();
        }
        // The race really happened (in at least one round both dials got through TLS) and was resolved by the rule.
        assertThat(duplicateReasons).isNotEmpty()
            .allSatisfy(r -> assertThat(r).contains("keeping the one dialed by " + lower.shortForm() + " (the lower device id)"));
    }

    private static void awaitThen(CountDownLatch latch, Runnable action) {
        try {
            if (latch.await(5, TimeUnit.SECONDS)) {
                action.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
