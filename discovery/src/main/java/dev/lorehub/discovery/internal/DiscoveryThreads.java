package dev.lorehub.discovery.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the threads discovery creates ({@code lorehub-discovery-<role>-<n>}); daemon, so they never hold the JVM. */
final class DiscoveryThreads implements ThreadFactory {

    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    DiscoveryThreads(String role) {
        this.prefix = "lorehub-discovery-" + role + "-";
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
