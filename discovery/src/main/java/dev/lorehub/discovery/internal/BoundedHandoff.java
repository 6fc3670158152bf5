package dev.lorehub.discovery.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands work from JmDNS's threads to the discovery thread without ever blocking them: at most
 * {@code capacity} tasks may wait; beyond that a task is dropped and counted (a flood of records from the
 * network must not exhaust memory or stall JmDNS). Dropping is logged at warn level once per 1000 drops.
 */
final class BoundedHandoff implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedHandoff.class);

    private final Executor target;
    private final int capacity;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    BoundedHandoff(Executor target, int capacity) {
        this.target = target;
        this.capacity = capacity;
    }

    @Override
    public void execute(Runnable task) {
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            long drops = dropped.incrementAndGet();
            if (drops % 1000 == 1) {
                LOG.warn("discovery is receiving records faster than it can check them; dropped {} so far", drops);
            }
            return;
        }
        try {
            target.execute(() -> {
                waiting.decrementAndGet();
                task.run();
            });
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet(); // shutting down
        }
    }

    long dropped() {
        return dropped.get();
    }
}
