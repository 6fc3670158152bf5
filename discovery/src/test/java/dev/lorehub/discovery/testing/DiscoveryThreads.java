package dev.lorehub.discovery.testing;

import java.time.Duration;
import java.util.List;

import org.awaitility.core.ConditionTimeoutException;

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

    /** Waits (bounded) until none is left; on failure names each survivor with where it is stuck. */
    public static void awaitNoneAlive() {
        try {
            await("discovery and JmDNS threads to stop").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> alive().isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("threads still alive after 30 s:\n" + survivors(), e);
        }
    }

    private static String survivors() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            String name = thread.getName();
            if (thread.isAlive() && (name.startsWith("lorehub-") || name.startsWith("SocketListener(") || name.startsWith("JmDNS"))) {
                out.append(name).append(" (").append(thread.getState()).append(")\n");
                for (int i = 0; i < Math.min(12, stack.length); i++) {
                    out.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        return out.toString();
    }
}
