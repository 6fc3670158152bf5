package dev.lorehub.node.transport;

import java.time.Duration;

/** Runs a task later; the seam between {@link PeerDialer} and the event loop (a fake in tests). */
interface RetryScheduler {

    /** Runs {@code task} after {@code delay}, never inline. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can be called off. */
    interface Cancellable {
        void cancel();
    }
}
