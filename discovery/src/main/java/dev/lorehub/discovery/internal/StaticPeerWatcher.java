package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.PeerSource;
import dev.lorehub.discovery.StaticPeer;
import dev.lorehub.discovery.StaticPeerPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Probes each static peer with a TCP connect (then closes it) on the schedule of {@link ProbeSchedule} and
 * reports it found once a connect succeeds — with no device id: the node learns who it is over TLS.
 * Connects run on the blocking pool; scheduling and reporting happen on the discovery thread.
 */
final class StaticPeerWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(StaticPeerWatcher.class);
    /** A host name may resolve to many addresses; we try a few, each bounded by the connect timeout. */
    static final int MAX_ADDRESSES_TRIED = 4;

    private final StaticPeerPolicy policy;
    private final ScheduledExecutorService events;
    private final ExecutorService blocking;
    private final Consumer<List<PeerChange>> report;
    private final List<Watched> watched = new ArrayList<>();
    private final Set<Socket> connecting = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    private final class Watched {
        final StaticPeer peer;
        final ProbeSchedule schedule = new ProbeSchedule(policy);
        DiscoveredPeer reportedAs;
        ScheduledFuture<?> next;

        Watched(StaticPeer peer) {
            this.peer = peer;
        }
    }

    StaticPeerWatcher(List<StaticPeer> peers, StaticPeerPolicy policy, ScheduledExecutorService events,
                      ExecutorService blocking, Consumer<List<PeerChange>> report) {
        this.policy = policy;
        this.events = events;
        this.blocking = blocking;
        this.report = report;
        for (StaticPeer peer : peers) {
            watched.add(new Watched(peer));
        }
    }

    /** Schedules the first probe of every peer. */
    void start() {
        events.execute(() -> watched.forEach(w -> schedule(w, 0)));
    }

    /** Cancels pending probes and aborts connects in progress. Idempotent; callable from any thread. */
    void stop() {
        stopped = true;
        events.execute(() -> watched.forEach(w -> {
            if (w.next != null) {
                w.next.cancel(false);
            }
        }));
        for (Socket socket : connecting) {
            closeQuietly(socket);
        }
    }

    private void schedule(Watched w, long delayMs) {
        if (stopped) {
            return;
        }
        try {
            w.next = events.schedule(() -> probe(w), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // discovery is shutting down
        }
    }

    private void probe(Watched w) {
        if (stopped) {
            return;
        }
        try {
            blocking.execute(() -> {
                Optional<InetAddress> reached = connect(w.peer);
                try {
                    events.execute(() -> probed(w, reached));
                } catch (RejectedExecutionException e) {
                    // discovery is shutting down
                }
            });
        } catch (RejectedExecutionException e) {
            // The blocking pool is saturated or shut down: count it as a failed probe and back off.
            probed(w, Optional.empty());
        }
    }

    private void probed(Watched w, Optional<InetAddress> reached) {
        if (stopped) {
            return;
        }
        ProbeSchedule.Step step = reached.isPresent() ? w.schedule.succeeded() : w.schedule.failed();
        List<PeerChange> changes = new ArrayList<>(1);
        if (reached.isPresent()) {
            DiscoveredPeer now = new DiscoveredPeer("static:" + w.peer, PeerSource.STATIC, Optional.empty(), "",
                    List.of(reached.get()), w.peer.port(), OptionalInt.empty());
            if (!now.equals(w.reportedAs)) {
                w.reportedAs = now;
                changes.add(PeerChange.found(now));
            }
        } else if (step.transition() == ProbeSchedule.Transition.LOST && w.reportedAs != null) {
            changes.add(PeerChange.lost(w.reportedAs));
            w.reportedAs = null;
        }
        if (!changes.isEmpty()) {
            report.accept(changes);
        }
        schedule(w, step.nextProbeIn().toMillis());
    }

    private Optional<InetAddress> connect(StaticPeer peer) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(peer.host());
        } catch (IOException | RuntimeException e) {
            LOG.debug("static peer {}: cannot resolve: {}", peer, e.toString());
            return Optional.empty();
        }
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, policy.connectTimeout().toMillis());
        for (InetAddress address : Arrays.asList(addresses).subList(0, Math.min(addresses.length, MAX_ADDRESSES_TRIED))) {
            if (stopped) {
                return Optional.empty();
            }
            Socket socket = new Socket();
            connecting.add(socket);
            try {
                socket.connect(new InetSocketAddress(address, peer.port()), timeoutMs);
                return Optional.of(InetAddress.getByAddress(address.getAddress()));
            } catch (IOException e) {
                LOG.trace("static peer {} at {}: {}", peer, address.getHostAddress(), e.toString());
            } finally {
                connecting.remove(socket);
                closeQuietly(socket);
            }
        }
        return Optional.empty();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
