package dev.lorehub.discovery.testing;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Checks that no thread created by discovery or JmDNS is left running. */
public final class DiscoveryThreads {

    private DiscoveryThreads() {
    }

    public static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("lorehub-") || name.startsWith("SocketListener(") || name.startsWith("JmDNS"))
                .sorted()
                .toList();
    }

    /** Waits (bounded) until none is left. */
    public static void awaitNoneAlive() {
        await("discovery and JmDNS threads to stop").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> alive().isEmpty());
    }
}
