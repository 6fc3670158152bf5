package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * Base for tests that run real transports: everything created through it is closed after each test
 * (newest first), which also shuts down every Netty event loop group.
 */
abstract class TransportHarness {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    PeerTransport transport(TlsIdentity identity, Predicate<DeviceId> paired, ConnectionListener listener,
                            TransportConfig config) {
        PeerTransport transport = new PeerTransport(config, identity, paired, listener);
        resources.push(transport);
        return transport;
    }

    PeerTransport transport(TlsIdentity identity, Predicate<DeviceId> paired, ConnectionListener listener) {
        return transport(identity, paired, listener, TransportFixtures.testConfig());
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    @AfterEach
    void closeEverything() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
