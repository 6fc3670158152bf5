package dev.lorehub.simulator.engine;

import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated network under the endpoints: it carries out their {@code Dial}, {@code Send} and
 * {@code Disconnect} actions and reports back what TCP and TLS would ({@code opened},
 * {@code dialFailed}, {@code frame}, {@code writable}, {@code closed}). It decides nothing a node
 * decides (whom to dial, when, which connection to keep): only what the wire does.
 *
 * <ul>
 *   <li>A dial connects after a TCP and TLS handshake (one and a half round trips), is refused
 *       (the target's process is down) after a round trip, or times out after {@link #CONNECT_TIMEOUT}
 *       (a cut link either way, or the target asleep).</li>
 *   <li>Frames arrive in order per direction after a latency; loss costs retransmission time
 *       (head-of-line blocking); a reset kills the connection; reordering draws latency per frame, so
 *       frames on different connections overtake each other.</li>
 *   <li>A cut direction or a sleeping end holds frames (TCP retransmits) until it passes again; a
 *       receiving end that hears nothing for {@link #IDLE_TIMEOUT} closes its end (the transport's
 *       idle timeout; keep-alives flow whenever the link does).</li>
 *   <li>A node's Disconnect closes its end at once; the peer learns of it when the FIN arrives, after
 *       the frames sent before it. A crash resets every connection of the process.</li>
 *   <li>Backpressure: a sender whose bytes in flight pass {@link #HIGH_WATER} is told the connection
 *       is not writable, and writable again below {@link #LOW_WATER} (Netty's water marks).</li>
 * </ul>
 */
final class Network {
    /** The transport's idle timeout (TransportConfig.defaults()). */
    static final long IDLE_TIMEOUT = 45_000;
    /** The transport's connect timeout (TransportConfig.defaults()). */
    static final long CONNECT_TIMEOUT = 5_000;
    /** TCP's first retransmission timeout; doubles per loss of the same segment. */
    static final long RTO = 200;
    static final long HIGH_WATER = 2L << 20;
    static final long LOW_WATER = 1L << 20;
    /** A frame delayed at least this long counts as disturbed (see {@link Connection#lastDisturbed}). */
    static final long SLOW_FRAME = 1_000;

    private final Simulation sim;
    private final FaultPlan plan;
    private final SplittableRandom random;
    private final List<SimNode> nodes;
    private final Map<String, SimNode> byAddress = new HashMap<>();
    /** cut[a][b] > 0: nothing passes from a to b. */
    private final int[][] cut;
    private final Map<Long, Connection> live = new LinkedHashMap<>();
    private final Map<Long, Connection> all = new HashMap<>();
    private long connectionIds;

    long framesSent;
    long bytesSent;
    int resets;
    int dials;
    int failedDials;

    Network(Simulation sim, FaultPlan plan, SplittableRandom random, List<SimNode> nodes) {
        this.sim = sim;
        this.plan = plan;
        this.random = random;
        this.nodes = nodes;
        this.cut = new int[nodes.size()][nodes.size()];
        for (SimNode n : nodes) {
            byAddress.put(n.address.toString(), n);
        }
    }

    int connections() {
        return (int) connectionIds;
    }

    Connection connection(long id) {
        return all.get(id);
    }

    /** Open connections, in the order they opened. */
    List<Connection> live() {
        return new ArrayList<>(live.values());
    }

    void cut(int from, int to, int delta) {
        cut[from][to] += delta;
    }

    /** True if nothing can pass from {@code from} to {@code to} (a cut, or either end asleep). */
    boolean blocked(SimNode from, SimNode to) {
        return cut[from.index][to.index] > 0 || from.paused || to.paused;
    }

    /** Both processes run, both are awake, and nothing is cut between them. */
    boolean reachable(SimNode x, SimNode y) {
        return x.up && y.up && !x.paused && !y.paused && cut[x.index][y.index] == 0 && cut[y.index][x.index] == 0;
    }

    private long latency() {
        return plan.latency().sample(random);
    }

    private long latency(Connection c, int side) {
        return plan.has(FaultKind.REORDER) ? latency() : c.dirs[side].pathLatency;
    }

    private NodeEndpoint.Moment moment(SimNode n) {
        return n.moment(sim.now());
    }

    // ------------------------------------------------------------------ dialing

    /** The endpoint of {@code from} asked to dial. */
    void dial(SimNode from, NodeEndpoint.Dial d) {
        dials++;
        SimNode to = byAddress.get(d.address().toString());
        int incarnation = from.incarnation;
        if (to == null || to == from) {
            sim.at(sim.now() + 1, Simulation.DIAL_DONE, from.index, -1,
                () -> dialFailed(from, incarnation, d, "cannot resolve " + d.address().host()));
            return;
        }
        if (!sim.healed() && plan.duplicateRate() > 0 && random.nextDouble() < plan.duplicateRate()) {
            sim.announce(from, to); // the dialer's mDNS announcement reaches the target now: both may dial at once
        }
        long rtt = 2 * latency();
        if (cut[from.index][to.index] > 0 || cut[to.index][from.index] > 0 || to.paused) {
            sim.at(sim.now() + CONNECT_TIMEOUT, Simulation.DIAL_DONE, from.index, to.index,
                () -> dialFailed(from, incarnation, d, "connect timed out"));
        } else if (!to.up) {
            sim.at(sim.now() + rtt, Simulation.DIAL_DONE, from.index, to.index,
                () -> dialFailed(from, incarnation, d, "connection refused"));
        } else {
            int toIncarnation = to.incarnation;
            sim.at(sim.now() + rtt + rtt / 2 + 1, Simulation.DIAL_DONE, from.index, to.index,
                () -> establish(from, incarnation, to, toIncarnation, d));
        }
    }

    private void dialFailed(SimNode from, int incarnation, NodeEndpoint.Dial d, String reason) {
        if (from.incarnation != incarnation || !from.up) {
            return; // the process that dialed is gone
        }
        if (from.paused) {
            from.onWake.add(() -> dialFailed(from, incarnation, d, reason));
            return;
        }
        failedDials++;
        from.endpoint.dialFailed(d.peer(), d.address(), reason, moment(from));
        sim.drive(from);
    }

    private void establish(SimNode from, int incarnation, SimNode to, int toIncarnation, NodeEndpoint.Dial d) {
        if (from.incarnation != incarnation || !from.up) {
            return;
        }
        if (from.paused || to.paused || cut[from.index][to.index] > 0 || cut[to.index][from.index] > 0) {
            dialFailed(from, incarnation, d, "connect timed out");
            return;
        }
        if (!to.up || to.incarnation != toIncarnation) {
            dialFailed(from, incarnation, d, "connection reset during the handshake");
            return;
        }
        if (d.peer() != null && !d.peer().equals(to.id())) {
            dialFailed(from, incarnation, d, "the device at " + d.address() + " is not the one dialed");
            return;
        }
        Connection c = new Connection(++connectionIds, from, to, sim.now());
        live.put(c.id, c);
        all.put(c.id, c);
        for (int side = 0; side < 2; side++) {
            c.dirs[side].pathLatency = latency();
            if (blocked(c.ends[side], c.ends[1 - side])) {
                c.dirs[side].blockedSince = sim.now();
            }
        }
        from.endpoint.opened(c.id, to.id(), true, d.address(), moment(from));
        sim.drive(from);
        if (c.live(1)) {
            to.endpoint.opened(c.id, from.id(), false, null, moment(to));
            sim.drive(to);
        }
    }

    // ------------------------------------------------------------------ frames

    /** The endpoint of {@code n} sends a frame on connection {@code id}. */
    void send(SimNode n, long id, byte[] frame) {
        Connection c = live.get(id);
        if (c == null) {
            return;
        }
        int side = c.sideOf(n);
        if (!c.live(side)) {
            return;
        }
        framesSent++;
        bytesSent += frame.length;
        Connection.Direction d = c.dirs[side];
        long delay = latency(c, side);
        boolean slow = delay >= SLOW_FRAME;
        if (!sim.healed() && plan.lossRate() > 0) {
            long rto = RTO;
            for (int i = 0; i < 6 && random.nextDouble() < plan.lossRate(); i++) {
                delay += rto;
                rto *= 2;
                slow = true;
            }
        }
        boolean reset = !sim.healed() && plan.resetRate() > 0 && random.nextDouble() < plan.resetRate();
        long arrival = Math.max(d.lastArrival, sim.now() + delay);
        d.lastArrival = arrival;
        if (slow) {
            c.lastDisturbed = Math.max(c.lastDisturbed, arrival);
        }
        d.queue.add(new Connection.InFlight(Connection.Kind.DATA, frame, arrival, reset, null));
        d.bytes += frame.length;
        if (d.bytes > HIGH_WATER && !d.unwritable) {
            d.unwritable = true;
            n.endpoint.writable(c.id, false, moment(n));
        }
        if (d.blockedSince < 0) {
            schedulePump(c, side);
        }
    }

    private void schedulePump(Connection c, int side) {
        Connection.Direction d = c.dirs[side];
        if (d.pumpScheduled || d.queue.isEmpty() || c.dead || d.blockedSince >= 0) {
            return; // a blocked direction is pumped again when it passes
        }
        d.pumpScheduled = true;
        sim.at(d.queue.peek().arrival(), Simulation.DELIVER, (int) c.id, side, () -> pump(c, side));
    }

    private void pump(Connection c, int side) {
        Connection.Direction d = c.dirs[side];
        d.pumpScheduled = false;
        while (!c.dead && d.blockedSince < 0 && !d.queue.isEmpty() && d.queue.peek().arrival() <= sim.now()) {
            Connection.InFlight f = d.queue.poll();
            int to = 1 - side;
            switch (f.kind()) {
                case DATA -> {
                    d.bytes -= f.frame().length;
                    if (f.reset()) {
                        resets++;
                        reset(c, "connection reset by the network");
                        return;
                    }
                    sim.traceFrame(f.frame());
                    if (c.live(to)) {
                        SimNode receiver = c.ends[to];
                        sim.delivered(c, to, f.frame());
                        if (c.live(to)) {
                            receiver.endpoint.frame(c.id, f.frame(), moment(receiver));
                            sim.drive(receiver);
                        }
                    }
                    if (d.unwritable && d.bytes < LOW_WATER) {
                        d.unwritable = false;
                        if (c.live(side)) {
                            c.ends[side].endpoint.writable(c.id, true, moment(c.ends[side]));
                            sim.drive(c.ends[side]);
                        }
                    }
                }
                case FIN -> closeEnd(c, to, "closed by peer: " + f.reason(), true);
                case RESET -> reset(c, f.reason());
                default -> throw new IllegalStateException();
            }
        }
        schedulePump(c, side);
    }

    // ------------------------------------------------------------------ closing

    /** The endpoint of {@code n} disconnects: its end closes now, the peer hears the FIN after what was sent before. */
    void disconnect(SimNode n, long id, String reason) {
        Connection c = live.get(id);
        if (c == null) {
            return;
        }
        int side = c.sideOf(n);
        if (c.live(side)) {
            closeEnd(c, side, reason, true);
        }
    }

    /**
     * Closes one end: its endpoint is told (when {@code notify}), frames towards it are dropped, and
     * a FIN goes to the other end if that is still open.
     */
    void closeEnd(Connection c, int side, String reason, boolean notify) {
        if (!c.open[side]) {
            return;
        }
        boolean wasLive = c.live(side);
        c.open[side] = false;
        Connection.Direction in = c.dirs[1 - side];
        in.queue.clear();
        in.bytes = 0;
        if (c.open[1 - side]) {
            Connection.Direction out = c.dirs[side];
            long arrival = Math.max(out.lastArrival, sim.now() + latency(c, side));
            out.lastArrival = arrival;
            out.queue.add(new Connection.InFlight(Connection.Kind.FIN, null, arrival, false, reason));
            if (out.blockedSince < 0) {
                schedulePump(c, side);
            }
        } else {
            bury(c);
        }
        if (notify && wasLive) {
            SimNode n = c.ends[side];
            n.endpoint.closed(c.id, reason, moment(n));
            sim.drive(n);
        }
    }

    /** Both ends close at once (a reset): whichever is still open is told. */
    private void reset(Connection c, String reason) {
        bury(c);
        for (int side = 0; side < 2; side++) {
            boolean wasLive = c.live(side);
            c.open[side] = false;
            c.dirs[side].queue.clear();
            c.dirs[side].bytes = 0;
            if (wasLive) {
                SimNode n = c.ends[side];
                n.endpoint.closed(c.id, reason, moment(n));
                sim.drive(n);
            }
        }
    }

    private void bury(Connection c) {
        c.dead = true;
        live.remove(c.id);
    }

    /**
     * The process of {@code n} died (or exited): its ends vanish without a word to it, and each peer
     * gets a reset one path delay later (the OS resets the sockets; unsent data is discarded).
     */
    void processGone(SimNode n, String reason) {
        for (Connection c : List.copyOf(live.values())) {
            for (int side = 0; side < 2; side++) {
                if (c.ends[side] != n || !c.open[side] || c.incarnation[side] != n.incarnation) {
                    continue;
                }
                c.open[side] = false;
                c.dirs[1 - side].queue.clear();
                c.dirs[1 - side].bytes = 0;
                Connection.Direction out = c.dirs[side];
                out.queue.clear();
                out.bytes = 0;
                if (!c.open[1 - side]) {
                    bury(c);
                    continue;
                }
                long arrival = sim.now() + latency(c, side);
                out.lastArrival = arrival;
                out.queue.add(new Connection.InFlight(Connection.Kind.RESET, null, arrival, false, reason));
                if (out.blockedSince < 0) {
                    schedulePump(c, side);
                }
            }
        }
    }

    // ------------------------------------------------------------------ partitions, sleep and wake

    /** Re-evaluates every direction after a cut, heal, sleep or wake. */
    void refreshBlocks() {
        for (Connection c : List.copyOf(live.values())) {
            for (int side = 0; side < 2 && !c.dead; side++) {
                Connection.Direction d = c.dirs[side];
                boolean b = blocked(c.ends[side], c.ends[1 - side]);
                if (b && d.blockedSince < 0) {
                    long since = sim.now();
                    d.blockedSince = since;
                    c.lastDisturbed = since;
                    int receiver = 1 - side;
                    int s = side;
                    // nothing (not even a keep-alive) arrives: the receiving end gives up after the idle timeout
                    sim.at(since + IDLE_TIMEOUT, Simulation.IDLE, (int) c.id, side, () -> idle(c, s, receiver, since));
                } else if (!b && d.blockedSince >= 0) {
                    d.blockedSince = -1;
                    d.idleOnWake = false;
                    c.lastDisturbed = sim.now();
                    // TCP retransmits what was held: it arrives one path delay after the link returns
                    List<Connection.InFlight> held = new ArrayList<>(d.queue);
                    d.queue.clear();
                    d.lastArrival = 0;
                    for (Connection.InFlight f : held) {
                        long arrival = Math.max(Math.max(f.arrival(), sim.now() + latency(c, side)), d.lastArrival);
                        d.queue.add(new Connection.InFlight(f.kind(), f.frame(), arrival, f.reset(), f.reason()));
                        d.lastArrival = arrival;
                    }
                    schedulePump(c, side);
                }
            }
        }
    }

    private void idle(Connection c, int side, int receiver, long since) {
        Connection.Direction d = c.dirs[side];
        if (c.dead || d.blockedSince != since || !c.open[receiver]) {
            return;
        }
        if (c.ends[receiver].paused) {
            d.idleOnWake = true; // its timer fires when it wakes, if the link is still silent then
            return;
        }
        closeEnd(c, receiver, "idle timeout: nothing received for " + IDLE_TIMEOUT / 1000 + " s", true);
    }

    /** A node woke up: idle timeouts it slept through fire now for links that are still silent. */
    void woke(SimNode n) {
        for (Connection c : List.copyOf(live.values())) {
            for (int side = 0; side < 2; side++) {
                Connection.Direction d = c.dirs[side];
                int receiver = 1 - side;
                if (!c.dead && c.ends[receiver] == n && d.idleOnWake) {
                    d.idleOnWake = false;
                    if (d.blockedSince >= 0 && c.open[receiver]) {
                        closeEnd(c, receiver, "idle timeout: nothing received for " + IDLE_TIMEOUT / 1000 + " s", true);
                    }
                }
            }
        }
    }

    /** Open connections of {@code n} (its ends still open), for reports. */
    int openOf(SimNode n) {
        int count = 0;
        for (Connection c : live.values()) {
            for (int side = 0; side < 2; side++) {
                if (c.ends[side] == n && c.live(side)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The node listening at an address (null if none). */
    SimNode at(PeerAddress address) {
        return byAddress.get(address.toString());
    }
}
