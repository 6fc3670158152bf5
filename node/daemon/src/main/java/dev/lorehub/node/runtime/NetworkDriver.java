package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.TlsIdentity;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;
import dev.lorehub.node.transport.ConnectionListener;
import dev.lorehub.node.transport.ListeningEndpoint;
import dev.lorehub.node.transport.PeerConnection;
import dev.lorehub.node.transport.PeerTransport;
import dev.lorehub.node.transport.TransportConfig;
import dev.lorehub.node.transport.TransportMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The Netty side of the daemon: turns the TLS transport's connections and frames into endpoint
 * inputs, and the endpoint's outputs into sends, closes and dials; keeps the endpoint's next
 * wake-up as a timer on the node thread. Pairing connections go to the {@link PairingService}
 * instead; everything else about peers is the endpoint's decision.
 *
 * <p>Threading: Netty's event loops call the {@link ConnectionListener} methods; they only count
 * a connection's backlog and hand the work to the {@link NodeThread}. Everything else
 * ({@link #drive}, the connection maps' writers, the timer) runs on the node thread. A connection
 * whose frames pile up on the node thread stops being read (above {@value #PAUSE_READING_ABOVE},
 * again below {@value #RESUME_READING_BELOW}), so a busy node slows its peers through TCP rather
 * than by growing a queue.
 *
 * <p>Invariants: a connection id is handed to the endpoint once, when the connection opens, and
 * is never reused; offline (no transport) and once stopping, {@link #drive} still delivers the
 * endpoint's sends and closes but never dials and never sets a timer.
 */
final class NetworkDriver {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkDriver.class);
    private static final int PAUSE_READING_ABOVE = 64;
    private static final int RESUME_READING_BELOW = 16;

    private final NodeEndpoint endpoint;
    private final PairingService pairing;
    private final NodeThread thread;
    private final DriverClock clock;
    private final Map<Long, PeerConnection> connections = new HashMap<>();
    private final Map<PeerConnection, Long> connectionIds = new ConcurrentHashMap<>();
    private final Map<PeerConnection, AtomicInteger> backlog = new ConcurrentHashMap<>();
    private final AtomicLong nextConnectionId = new AtomicLong();

    private volatile PeerTransport transport;
    private ListeningEndpoint listening;
    private ScheduledFuture<?> wakeup;
    private long wakeupAt = Long.MAX_VALUE;
    private volatile boolean stopping;

    NetworkDriver(NodeEndpoint endpoint, PairingService pairing, NodeThread thread, DriverClock clock) {
        this.endpoint = endpoint;
        this.pairing = pairing;
        this.thread = thread;
        this.clock = clock;
    }

    /**
     * Starts the TLS transport (admitting only devices {@code paired} accepts) and listens on every
     * configured bind address, the first on the configured port and the others on the same port.
     *
     * @throws NodeException naming the address and what to do when the port is taken
     */
    ListeningEndpoint listen(TlsIdentity tls, Predicate<DeviceId> paired, NodeConfig config, NodeHome home)
        throws UnknownHostException {
        transport = new PeerTransport(TransportConfig.defaults(), tls, paired, new Listener());
        InetAddress bind = InetAddress.getByName(config.bind().get(0));
        try {
            listening = transport.listen(new InetSocketAddress(bind, config.port()));
        } catch (RuntimeException e) {
            throw new NodeException("Cannot listen on " + bind.getHostAddress() + ":" + config.port() + ": " + e.getMessage()
                + ". Another program may use the port: set \"port\" in " + home.config() + " (0 picks a free one).",
                NodeException.Reason.NETWORK);
        }
        for (String extra : config.bind().subList(1, config.bind().size())) {
            transport.listen(new InetSocketAddress(InetAddress.getByName(extra), listening.address().getPort()));
        }
        return listening;
    }

    /** The transport, or null while offline. */
    PeerTransport transport() {
        return transport;
    }

    /** Does what the endpoint asks, then sets the timer for its next wake-up (node thread). */
    void drive() {
        NodeEndpoint.Action action;
        while ((action = endpoint.poll()) != null) {
            if (action instanceof NodeEndpoint.Send send) {
                PeerConnection c = connections.get(send.connection());
                if (c != null) {
                    c.send(send.frame());
                }
            } else if (action instanceof NodeEndpoint.Disconnect d) {
                PeerConnection c = connections.get(d.connection());
                if (c != null) {
                    c.close(d.reason());
                }
            } else if (action instanceof NodeEndpoint.Dial dial) {
                dial(dial);
            }
        }
        if (transport == null || stopping) {
            return;
        }
        long next = endpoint.nextWakeup();
        NodeEndpoint.Moment now = clock.moment();
        if (wakeup != null && !wakeup.isDone() && wakeupAt <= next) {
            return;
        }
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        wakeupAt = next;
        wakeup = thread.schedule(() -> {
            wakeupAt = Long.MAX_VALUE;
            endpoint.tick(clock.moment());
            drive();
        }, Math.max(0, Math.min(next - now.mono(), 60_000)));
    }

    /**
     * The node is going away: no more dials or timers, and every session says goodbye (node
     * thread, before the transport closes).
     */
    void shutdownSessions() {
        stopping = true;
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        endpoint.shutdown(clock.moment());
        drive();
    }

    /** Marks the node as stopping: sessions ending from now on are not failures, nothing is dialed. */
    void stopping() {
        stopping = true;
    }

    /** True once the node is stopping (any thread). */
    boolean isStopping() {
        return stopping;
    }

    /** Closes every connection and listener, so no peer reconnects into a node that is going away. */
    void closeTransport() {
        if (transport != null) {
            transport.close();
        }
    }

    private void dial(NodeEndpoint.Dial dial) {
        if (transport == null || stopping) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(dial.address().host(), dial.address().port());
        if (address.isUnresolved()) {
            endpoint.dialFailed(dial.peer(), dial.address(), "cannot resolve " + dial.address().host(), clock.moment());
            return;
        }
        transport.connectOnce(address, TransportMode.PAIRED, dial.peer()).whenComplete((c, failure) -> thread.later(() -> {
            if (failure != null) {
                LOG.debug("Dial to {} failed: {}", dial.address(), failure.getMessage());
                endpoint.dialFailed(dial.peer(), dial.address(), failure.getMessage(), clock.moment());
            } else {
                opened(c, dial.address());
            }
            drive();
        }));
    }

    private void opened(PeerConnection c, PeerAddress dialed) {
        long id = nextConnectionId.incrementAndGet();
        connections.put(id, c);
        connectionIds.put(c, id);
        LOG.info("Connected to {} ({})", c.peer().shortForm(), c.remote());
        endpoint.opened(id, c.peer(), c.initiator(), dialed, clock.moment());
    }

    /** Netty's callbacks: each hands its work to the node thread. */
    private final class Listener implements ConnectionListener {
        @Override
        public void opened(PeerConnection c) {
            if (c.mode() == TransportMode.PAIRING) {
                thread.later(() -> pairing.opened(c));
            } else if (!c.initiator()) {
                thread.later(() -> {
                    NetworkDriver.this.opened(c, null);
                    drive();
                });
            }
            // a connection this node dialed reaches the endpoint from dial(), with the address it dialed
        }

        @Override
        public void frame(PeerConnection c, byte[] frame) {
            AtomicInteger pending = backlog.computeIfAbsent(c, k -> new AtomicInteger());
            if (pending.incrementAndGet() > PAUSE_READING_ABOVE) {
                c.pauseReading(true);
            }
            thread.later(() -> {
                try {
                    if (c.mode() == TransportMode.PAIRING) {
                        pairing.frame(c, frame);
                    } else {
                        Long id = connectionIds.get(c);
                        if (id != null) {
                            endpoint.frame(id, frame, clock.moment());
                            drive();
                        }
                    }
                } finally {
                    if (pending.decrementAndGet() < RESUME_READING_BELOW) {
                        c.pauseReading(false);
                    }
                }
            });
        }

        @Override
        public void writabilityChanged(PeerConnection c, boolean writable) {
            thread.later(() -> {
                Long id = connectionIds.get(c);
                if (id != null) {
                    endpoint.writable(id, writable, clock.moment());
                    drive();
                }
            });
        }

        @Override
        public void closed(PeerConnection c, String reason) {
            backlog.remove(c);
            thread.later(() -> {
                if (c.mode() == TransportMode.PAIRING) {
                    pairing.closed(c, reason);
                    return;
                }
                Long id = connectionIds.remove(c);
                if (id != null) {
                    connections.remove(id);
                    LOG.info("Disconnected from {}: {}", c.peer().shortForm(), reason);
                    endpoint.closed(id, reason, clock.moment());
                    drive();
                }
            });
        }

        @Override
        public void failed(SocketAddress remote, boolean initiator, String reason) {
            LOG.debug("Connection {} {} failed: {}", initiator ? "to" : "from", remote, reason);
        }
    }
}
