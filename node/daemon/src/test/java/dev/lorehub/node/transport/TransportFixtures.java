package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.crypto.TlsIdentity;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Devices, configs and addresses for transport tests; everything on 127.0.0.1. */
final class TransportFixtures {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private TransportFixtures() {
    }

    /** A device with a deterministic identity and certificate. */
    static TlsIdentity device(long seed) {
        DeviceIdentity identity = DeviceIdentity.generate(SeededRandom.of(seed));
        return TlsIdentity.create(identity, NOW, SeededRandom.of(seed + 1_000_000));
    }

    /** A paired set as the daemon would keep it: concurrent, so the transport may read it from event loops. */
    static Set<DeviceId> pairedSet(TlsIdentity... devices) {
        Set<DeviceId> set = ConcurrentHashMap.newKeySet();
        for (TlsIdentity d : devices) {
            set.add(d.deviceId());
        }
        return set;
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** 127.0.0.1 with an ephemeral port. */
    static InetSocketAddress anyPort() {
        return new InetSocketAddress(loopback(), 0);
    }

    /** Defaults with quick reconnects and one I/O thread (tests run many transports on 2 cores). */
    static TransportConfig testConfig() {
        return TransportConfig.defaults()
            .withHandshakeTimeout(Duration.ofSeconds(5))
            .withReconnect(Duration.ofMillis(20), Duration.ofMillis(200))
            .withEventLoopThreads(1);
    }

    static Random random(long seed) {
        return new Random(seed);
    }
}
