package dev.lorehub.simulator.engine;

import dev.lorehub.node.sync.SyncSession;

/** One side of a connection: the session a node runs on it. */
record Endpoint(Connection conn, int side) {
    SyncSession session() {
        return conn.sessions[side];
    }

    SimNode node() {
        return conn.ends[side];
    }

    SimNode peer() {
        return conn.ends[1 - side];
    }
}
