package dev.lorehub.simulator.engine;

import dev.lorehub.node.sync.SyncSession;

import java.util.ArrayDeque;

/**
 * A simulated TCP/TLS connection between two nodes, one sync session on each end. Each direction
 * is a FIFO byte stream: frames arrive in the order sent, exactly once, or not at all once the
 * connection is dead — which is what a session may assume of TCP.
 */
final class Connection {
    /** A frame on its way. {@code reset}: the connection is reset when this frame would arrive. */
    record InFlight(byte[] frame, long arrival, boolean reset) {
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
    }

    final long id;
    final Pair pair;
    /** ends[0] dialed (its session is the initiator); ends[1] accepted. */
    final SimNode[] ends;
    final SyncSession[] sessions = new SyncSession[2];
    /** dirs[s] carries frames from ends[s] to ends[1 - s]. */
    final Direction[] dirs = {new Direction(), new Direction()};
    final long[] timerAt = {Long.MAX_VALUE, Long.MAX_VALUE};
    final long[] timerGen = new long[2];
    final long openedAt;
    boolean dead;

    Connection(long id, Pair pair, SimNode dialer, SimNode acceptor, long openedAt) {
        this.id = id;
        this.pair = pair;
        this.ends = new SimNode[] {dialer, acceptor};
        this.openedAt = openedAt;
    }

    int sideOf(SimNode n) {
        return ends[0] == n ? 0 : 1;
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + ends[0] + "→" + ends[1] + ")";
    }
}
