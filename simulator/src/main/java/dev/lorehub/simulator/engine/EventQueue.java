package dev.lorehub.simulator.engine;

import java.util.PriorityQueue;

/**
 * The discrete-event queue: actions ordered by virtual time, ties by the order they were
 * scheduled (a sequence number), so the order never depends on anything but the run itself.
 */
final class EventQueue {
    /** A scheduled action; {@code kind}, {@code a} and {@code b} go into the trace hash. */
    record Scheduled(long at, long seq, int kind, int a, int b, Runnable action) {
    }

    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((x, y) -> {
        int c = Long.compare(x.at, y.at);
        return c != 0 ? c : Long.compare(x.seq, y.seq);
    });
    private long seq;

    void at(long time, int kind, int a, int b, Runnable action) {
        queue.add(new Scheduled(time, seq++, kind, a, b, action));
    }

    Scheduled poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    long scheduledCount() {
        return seq;
    }
}
