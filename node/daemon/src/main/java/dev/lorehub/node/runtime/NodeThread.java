package dev.lorehub.node.runtime;

import dev.lorehub.node.core.ReplicaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node thread ({@code lorehub-node}): the one thread that touches the replica, the endpoint
 * and every driver's per-connection state, so none of them needs a lock.
 *
 * <p>Threading: any thread may hand work here ({@link #call}, {@link #later}, {@link #schedule});
 * {@link #call} from the node thread itself runs inline, so work on the node thread may call back
 * into an API that uses {@code call} without deadlocking. Invariant: a task that fails is logged
 * and never kills the thread; after {@link #shutdown} new work is refused ({@code call} throws,
 * {@code later} drops it).
 */
final class NodeThread {
    private static final Logger LOG = LoggerFactory.getLogger(NodeThread.class);

    private final ScheduledExecutorService executor;
    private volatile Thread thread;

    NodeThread() {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lorehub-node");
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /**
     * Runs {@code work} on the node thread and waits for it (inline when already there);
     * exceptions come back unwrapped, a replica's refusal as {@link NodeException.Reason#REFUSED}.
     */
    <T> T call(Callable<T> work) {
        if (Thread.currentThread() == thread) {
            try {
                return work.call();
            } catch (ReplicaException e) {
                throw new NodeException(e.getMessage(), NodeException.Reason.REFUSED);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new NodeException(e.getMessage(), NodeException.Reason.INTERNAL);
            }
        }
        try {
            return executor.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException("interrupted", NodeException.Reason.INTERNAL);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ReplicaException r) {
                throw new NodeException(r.getMessage(), NodeException.Reason.REFUSED);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new NodeException(cause.getMessage(), NodeException.Reason.INTERNAL);
        } catch (RejectedExecutionException e) {
            throw new NodeException("the node has stopped", NodeException.Reason.INTERNAL);
        }
    }

    /** Runs {@code work} on the node thread later, logging (not propagating) failures; dropped once shut down. */
    void later(Runnable work) {
        try {
            executor.execute(() -> guarded(work));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** Runs {@code work} on the node thread after {@code delayMillis}, logging (not propagating) failures. */
    ScheduledFuture<?> schedule(Runnable work, long delayMillis) {
        return executor.schedule(() -> guarded(work), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops taking work and waits (bounded, five seconds) for what is queued to finish. */
    void shutdown() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A failure is logged, never lost silently, and never kills the thread. */
    private static void guarded(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Node task failed: {}", e.toString(), e);
        }
    }
}
