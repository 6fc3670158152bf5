package dev.lorehub.simulator.engine;

import java.util.ArrayDeque;

/**
 * A simulated TCP/TLS connection between two nodes. Each direction is a FIFO byte stream: frames
 * arrive in the order sent, exactly once, or not at all once the receiving end is closed — what
 * a sync session may assume of TCP. Each end is open until its node closes it, learns that the
 * peer closed it (a FIN or a reset arriving), times out, or its process dies.
 */
final class Connection {
    /** What travels: a frame, the peer's FIN after its last frame, or a reset. */
    enum Kind { DATA, FIN, RESET }

    /** Something on its way; {@code reset} on a DATA item: the network resets the connection instead of delivering it. */
    record InFlight(Kind kind, byte[] frame, long arrival, boolean reset, String reason) {
    }

    /** One direction of the stream. */
    static final class Direction {
        final ArrayDeque<InFlight> queue = new ArrayDeque<>();
        long lastArrival;
        boolean pumpScheduled;
        /** Since when nothing can pass (link cut, an end asleep), or -1. */
        long blockedSince = -1;
        /** The path delay of this direction when latency is not drawn per frame. */
        long pathLatency;
        /** Bytes sent and not yet delivered (the sender's socket buffer and the wire). */
        long bytes;
        /** The sender was told the connection is not writable (its buffer passed the high-water mark). */
        boolean unwritable;
        /** The receiver slept through its idle timeout: check when it wakes. */
        boolean idleOnWake;
    }

    final long id;
    /** ends[0] dialed (its session is the initiator); ends[1] accepted. */
    final SimNode[] ends;
    /** The process incarnation of each end when the connection opened. */
    final int[] incarnation;
    final boolean[] open = {true, true};
    /** dirs[s] carries frames from ends[s] to ends[1 - s]. */
    final Direction[] dirs = {new Direction(), new Direction()};
    final long openedAt;
    /**
     * The last virtual time an injected fault touched this connection: a direction blocked or
     * unblocked (cut, flap, sleep, wake), a frame delayed by loss or a long-tail latency. A session
     * timeout long after it, between two honest ends, is a liveness failure.
     */
    long lastDisturbed;
    boolean dead;

    Connection(long id, SimNode dialer, SimNode acceptor, long openedAt) {
        this.id = id;
        this.ends = new SimNode[] {dialer, acceptor};
        this.incarnation = new int[] {dialer.incarnation, acceptor.incarnation};
        this.openedAt = openedAt;
        this.lastDisturbed = openedAt;
    }

    int sideOf(SimNode n) {
        return ends[0] == n ? 0 : 1;
    }

    /** True if the end is still the process that opened the connection, and has it open. */
    boolean live(int side) {
        SimNode n = ends[side];
        return open[side] && n.up && n.incarnation == incarnation[side];
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + ends[0] + "→" + ends[1] + ")";
    }
}
