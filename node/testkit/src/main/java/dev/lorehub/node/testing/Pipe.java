package dev.lorehub.node.testing;

import dev.lorehub.node.sync.SyncSession;


/**
 * Wires sync sessions together in memory with a manual clock: no sockets, no threads. Frames move
 * until every session is quiet; the loop is bounded.
 */
public final class Pipe {
    private Pipe() {
    }

    /** Moves frames between {@code a} and {@code b} until neither has anything to send; returns frames moved. */
    public static int run(SyncSession a, SyncSession b, long now) {
        int moved = 0;
        for (int step = 0; step < 1_000_000; step++) {
            byte[] f = a.pollFrame();
            if (f != null) {
                b.onFrame(f, now);
                moved++;
                continue;
            }
            f = b.pollFrame();
            if (f != null) {
                a.onFrame(f, now);
                moved++;
                continue;
            }
            return moved;
        }
        throw new AssertionError("sessions did not go quiet within a million frames");
    }

    /** Starts a session pair (a dials b) and runs it to quiescence. */
    public static SyncSession[] connect(TestNode a, TestNode b, long now) {
        SyncSession sa = new SyncSession(a.store, dev.lorehub.node.sync.SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, dev.lorehub.node.sync.SessionConfig.defaults(), false, a.id());
        sa.start(now);
        sb.start(now);
        run(sa, sb, now);
        return new SyncSession[] {sa, sb};
    }
}
