package dev.lorehub.node.remote;

import java.util.concurrent.atomic.AtomicLong;

/** Requests and bytes a remote has cost so far (what a no-change sync costs is the difference across a round). */
public final class RemoteMetrics {
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();

    /** Counts one request and its payload bytes in each direction (as far as the client can tell). */
    public void request(long up, long down) {
        requests.incrementAndGet();
        bytesUp.addAndGet(up);
        bytesDown.addAndGet(down);
    }

    /** Adds bytes to the last request (e.g. a body read after the response headers). */
    public void bytes(long up, long down) {
        bytesUp.addAndGet(up);
        bytesDown.addAndGet(down);
    }

    public Snapshot snapshot() {
        return new Snapshot(requests.get(), bytesUp.get(), bytesDown.get());
    }

    /** Counters at one moment. */
    public record Snapshot(long requests, long bytesUp, long bytesDown) {
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(requests - earlier.requests, bytesUp - earlier.bytesUp, bytesDown - earlier.bytesDown);
        }
    }
}
