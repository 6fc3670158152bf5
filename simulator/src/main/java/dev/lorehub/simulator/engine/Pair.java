package dev.lorehub.simulator.engine;

/**
 * Two paired devices and the transport between them: at most one connection is kept (a racing
 * duplicate lives until the tie-break); when it dies, the transport redials after an exponential
 * backoff with full jitter (500 ms doubling to 30 s, reset by a successful connection), like the
 * daemon's.
 */
final class Pair {
    final int index;
    final SimNode a;
    final SimNode b;
    Connection conn;
    Connection duplicate;
    int failures;
    long dialGen;
    boolean attempting;

    Pair(int index, SimNode a, SimNode b) {
        this.index = index;
        this.a = a;
        this.b = b;
    }

    SimNode other(SimNode n) {
        return n == a ? b : a;
    }

    @Override
    public String toString() {
        return a + "-" + b;
    }
}
