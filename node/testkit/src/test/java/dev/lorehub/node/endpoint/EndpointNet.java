package dev.lorehub.node.endpoint;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.testing.TestNode;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A tiny in-memory network for endpoint tests: real replicas on real SQLite files, one
 * {@link NodeEndpoint} each, a manual clock per node (monotonic and wall apart), and a
 * deterministic driver that does what the endpoints ask: dials connect instantly (or fail when
 * the target is down or unreachable), frames arrive in order, closes reach both sides. Like the
 * simulator, but small enough to read in a test failure.
 */
final class EndpointNet {
    static final long WALL_ORIGIN = 1_764_000_000_000L;

    final class Node {
        final TestNode node;
        final PeerAddress address;
        NodeEndpoint endpoint;
        long mono;
        long wallOffset;
        boolean up = true;

        Node(TestNode node, PeerAddress address) {
            this.node = node;
            this.address = address;
        }

        NodeEndpoint.Moment now() {
            return new NodeEndpoint.Moment(mono, WALL_ORIGIN + mono + wallOffset);
        }

        DeviceId id() {
            return node.id();
        }

        void start(EndpointConfig config) {
            endpoint = new NodeEndpoint(node.replica, node.store, config, new Random(address.port()), null, now());
            up = true;
        }
    }

    private record Wire(Node from, long fromConn, Node to, long toConn) {
    }

    private record InFlight(Node to, long toConn, byte[] frame) {
    }

    final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byAddress = new HashMap<>();
    private final Map<Node, Map<Long, Wire>> wires = new HashMap<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final Set<String> cut = new HashSet<>();
    private final Set<Node> stalled = new HashSet<>();
    private long connections;
    int dials;
    int failedDials;
    final List<String> closes = new ArrayList<>();

    Node add(String name, Path dir, long seed) {
        Node n = new Node(new TestNode(name, dir, seed), new PeerAddress(name, 7000 + nodes.size()));
        nodes.add(n);
        byAddress.put(n.address.toString(), n);
        wires.put(n, new HashMap<>());
        return n;
    }

    /** Pairs two nodes (pins each other's record) and tells each where the other is. */
    void pair(Node a, Node b) {
        a.node.replica.pinPeer(dev.lorehub.crypto.DeviceRecord.create(b.node.identity, b.node.name), a.now().wall());
        b.node.replica.pinPeer(dev.lorehub.crypto.DeviceRecord.create(a.node.identity, a.node.name), b.now().wall());
        if (a.endpoint != null) {
            a.endpoint.paired(b.id(), a.now());
            a.endpoint.reported(b.id(), b.address, a.now());
        }
        if (b.endpoint != null) {
            b.endpoint.paired(a.id(), b.now());
            b.endpoint.reported(a.id(), a.address, b.now());
        }
    }

    void cut(Node a, Node b, boolean on) {
        String key = a.address + "|" + b.address;
        String reverse = b.address + "|" + a.address;
        if (on) {
            cut.add(key);
            cut.add(reverse);
            for (Wire w : List.copyOf(wires.get(a).values())) {
                if (w.to == b) {
                    drop(w, "network cut");
                }
            }
        } else {
            cut.remove(key);
            cut.remove(reverse);
        }
    }

    /** The node stops reading its connections (frames to it stay in flight). */
    void stall(Node n, boolean on) {
        if (on) {
            stalled.add(n);
        } else {
            stalled.remove(n);
        }
    }

    /** Does what every endpoint asks, delivers frames, until nothing moves (bounded). */
    void settle() {
        for (int round = 0; round < 100_000; round++) {
            boolean moved = false;
            for (Node n : nodes) {
                moved |= drain(n);
            }
            InFlight f = null;
            for (InFlight candidate : inFlight) {
                if (!stalled.contains(candidate.to)) {
                    f = candidate;
                    break;
                }
            }
            if (f != null) {
                inFlight.remove(f);
                if (f.to.up && wires.get(f.to).containsKey(f.toConn)) {
                    f.to.endpoint.frame(f.toConn, f.frame, f.to.now());
                }
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the network did not settle");
    }

    /** Advances every clock by {@code millis}, ticking each endpoint whenever it asked to wake up. */
    void advance(long millis) {
        long end = nodes.get(0).mono + millis;
        for (int step = 0; step < 1_000_000; step++) {
            long next = end;
            for (Node n : nodes) {
                if (n.up) {
                    next = Math.min(next, Math.max(n.mono, n.endpoint.nextWakeup()));
                }
            }
            for (Node n : nodes) {
                n.mono = next;
            }
            for (Node n : nodes) {
                if (n.up && n.endpoint.nextWakeup() <= n.mono) {
                    n.endpoint.tick(n.now());
                }
            }
            settle();
            if (next >= end) {
                return;
            }
        }
        throw new AssertionError("time did not advance");
    }

    private boolean drain(Node n) {
        if (!n.up) {
            return false;
        }
        boolean moved = false;
        NodeEndpoint.Action a;
        while ((a = n.endpoint.poll()) != null) {
            moved = true;
            if (a instanceof NodeEndpoint.Send send) {
                Wire w = wires.get(n).get(send.connection());
                if (w != null) {
                    inFlight.add(new InFlight(w.to, w.toConn, send.frame()));
                }
            } else if (a instanceof NodeEndpoint.Disconnect d) {
                Wire w = wires.get(n).get(d.connection());
                if (w != null) {
                    closes.add(n.node.name + ": " + d.reason());
                    drop(w, d.reason());
                }
            } else if (a instanceof NodeEndpoint.Dial dial) {
                dial(n, dial);
            }
        }
        return moved;
    }

    private void dial(Node from, NodeEndpoint.Dial dial) {
        dials++;
        Node to = byAddress.get(dial.address().toString());
        if (to == null || !to.up || cut.contains(from.address + "|" + to.address)
            || (dial.peer() != null && !dial.peer().equals(to.id()))) {
            failedDials++;
            from.endpoint.dialFailed(dial.peer(), dial.address(), "connection refused", from.now());
            return;
        }
        long a = ++connections;
        long b = ++connections;
        wires.get(from).put(a, new Wire(from, a, to, b));
        wires.get(to).put(b, new Wire(to, b, from, a));
        from.endpoint.opened(a, to.id(), true, dial.address(), from.now());
        to.endpoint.opened(b, from.id(), false, null, to.now());
    }

    private void drop(Wire w, String reason) {
        if (wires.get(w.from).remove(w.fromConn) != null && w.from.up) {
            w.from.endpoint.closed(w.fromConn, reason, w.from.now());
        }
        if (wires.get(w.to).remove(w.toConn) != null && w.to.up) {
            w.to.endpoint.closed(w.toConn, "closed by peer: " + reason, w.to.now());
        }
        inFlight.removeIf(f -> (f.to == w.to && f.toConn == w.toConn) || (f.to == w.from && f.toConn == w.fromConn));
    }

    /** Open connections of a node. */
    int connectionsOf(Node n) {
        return wires.get(n).size();
    }

    void close() throws Exception {
        for (Node n : nodes) {
            n.node.close();
        }
    }
}
