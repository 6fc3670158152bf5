package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.DiscoveryListener;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.discovery.PairingAdvertisement;
import dev.lorehub.discovery.PairingCandidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.jmdns.ServiceInfo;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Discovery} over JmDNS (one {@link MdnsLink} per configured address) plus a
 * {@link StaticPeerWatcher}.
 *
 * <p>Threads: one "events" thread owns all discovery state (peer table, pairing board, pending lookups) and
 * calls the listener; JmDNS callbacks reach it through a {@link BoundedHandoff}. A small "io" pool runs what
 * blocks (TCP probes, closing JmDNS instances). Public methods take the {@code lifecycle} lock, never the
 * events thread, and the events thread never takes the lock, so neither can deadlock the other.
 */
public final class JmDnsDiscovery implements Discovery, MdnsLink.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(JmDnsDiscovery.class);

    /** After a lookup's first match, how long it keeps collecting other advertisers of the same nameplate. */
    static final long LOOKUP_SETTLE_MS = 300;
    static final int HANDOFF_CAPACITY = 1024;
    /** Addresses mDNS can run on at once (instance names carry a link number up to #9). */
    static final int MAX_LINKS = 9;
    private static final long LINK_CLOSE_WAIT_MS = 10_000;
    private static final long THREAD_STOP_WAIT_MS = 5_000;
    private static final String NODE_KEY = "node";

    private enum State { NEW, STARTED, CLOSED }

    private final DiscoveryConfig config;
    private final LocalNode self;
    private final String selfIdComparable;
    private final DiscoveryListener listener;

    private final Object lifecycle = new Object();
    private State state = State.NEW;
    private List<InetAddress> wantedAddresses;
    private final Map<InetAddress, MdnsLink> links = new LinkedHashMap<>();
    private final Map<String, OpenPairing> pairings = new LinkedHashMap<>();
    private int linkSequence;
    private volatile List<MdnsLink> linkSnapshot = List.of();

    private ScheduledThreadPoolExecutor events;
    private ThreadPoolExecutor blocking;
    private BoundedHandoff handoff;
    private StaticPeerWatcher statics;
    private volatile boolean closing;

    // Owned by the events thread.
    private final PeerTable mdnsPeers = new PeerTable();
    private final PairingBoard pairingBoard = new PairingBoard();
    private final List<Lookup> lookups = new ArrayList<>();
    private final Map<String, DiscoveredPeer> current = new LinkedHashMap<>();
    private volatile List<DiscoveredPeer> snapshot = List.of();

    private final AtomicLong ownRecords = new AtomicLong();
    private final AtomicLong rejectedRecords = new AtomicLong();

    /** Use {@link Discovery#create}. */
    public JmDnsDiscovery(DiscoveryConfig config, DiscoveryListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.self = config.localNode();
        this.selfIdComparable = comparable(self.deviceId());
        this.wantedAddresses = config.mdnsAddresses();
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException(state == State.CLOSED ? "discovery is closed" : "discovery is already started");
            }
            JmDnsTuning.install();
            events = new ScheduledThreadPoolExecutor(1, new DiscoveryThreads("events"));
            events.setRemoveOnCancelPolicy(true);
            events.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            blocking = new ThreadPoolExecutor(4, 4, 2, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), new DiscoveryThreads("io"));
            blocking.allowCoreThreadTimeOut(true);
            handoff = new BoundedHandoff(events, HANDOFF_CAPACITY);
            state = State.STARTED;
            for (InetAddress address : wantedAddresses) {
                openLink(address);
            }
            publishLinkSnapshot();
            statics = new StaticPeerWatcher(config.staticPeers(), config.staticPeerPolicy(), events, blocking, this::apply);
            statics.start();
        }
    }

    @Override
    public void updateAddresses(Collection<? extends InetAddress> addresses) {
        List<InetAddress> wanted = new ArrayList<>(new LinkedHashSet<>(addresses));
        for (InetAddress address : wanted) {
            Objects.requireNonNull(address, "address");
            if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                throw new IllegalArgumentException("mDNS needs a concrete local unicast address, not " + address.getHostAddress());
            }
        }
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("discovery is closed");
            }
            wantedAddresses = List.copyOf(wanted);
            if (state == State.NEW) {
                return;
            }
            List<MdnsLink> gone = new ArrayList<>();
            links.entrySet().removeIf(entry -> {
                if (!wanted.contains(entry.getKey())) {
                    gone.add(entry.getValue());
                    return true;
                }
                return false;
            });
            closeLinks(gone);
            for (MdnsLink link : gone) {
                forgetLink(link);
            }
            for (InetAddress address : wanted) {
                if (!links.containsKey(address)) {
                    openLink(address);
                }
            }
            publishLinkSnapshot();
        }
    }

    @Override
    public List<InetAddress> boundAddresses() {
        synchronized (lifecycle) {
            return List.copyOf(links.keySet());
        }
    }

    @Override
    public PairingAdvertisement advertisePairing(String nameplate) {
        return advertisePairing(nameplate, self.port());
    }

    @Override
    public PairingAdvertisement advertisePairing(String nameplate, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be within 1..65535, got " + port);
        }
        String normalized = Nameplates.normalize(nameplate);
        synchronized (lifecycle) {
            requireStarted();
            if (pairings.containsKey(normalized)) {
                throw new IllegalStateException("nameplate " + normalized + " is already advertised");
            }
            OpenPairing pairing = new OpenPairing(normalized, port);
            pairings.put(normalized, pairing);
            for (MdnsLink link : links.values()) {
                publishPairing(link, pairing);
            }
            return pairing;
        }
    }

    @Override
    public CompletableFuture<List<PairingCandidate>> lookupPairing(String nameplate, Duration timeout) {
        String normalized = Nameplates.normalize(nameplate);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative");
        }
        CompletableFuture<List<PairingCandidate>> future = new CompletableFuture<>();
        List<MdnsLink> asked;
        synchronized (lifecycle) {
            requireStarted();
            asked = List.copyOf(links.values());
            events.execute(() -> beginLookup(normalized, timeout, future));
        }
        for (MdnsLink link : asked) {
            try {
                blocking.execute(() -> link.requery(ServiceTypes.PAIRING));
            } catch (RejectedExecutionException e) {
                // Saturated or closing: the browse started at link creation still reports adverts.
            }
        }
        return future;
    }

    @Override
    public List<DiscoveredPeer> peers() {
        return snapshot;
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                return;
            }
            boolean started = state == State.STARTED;
            state = State.CLOSED;
            closing = true;
            if (!started) {
                return;
            }
            statics.stop();
            List<MdnsLink> all = new ArrayList<>(links.values());
            links.clear();
            pairings.clear();
            publishLinkSnapshot();
            closeLinks(all);
            try {
                events.execute(() -> {
                    lookups.forEach(lookup -> lookup.future.cancel(false));
                    lookups.clear();
                });
            } catch (RejectedExecutionException e) {
                // already shut down
            }
            events.shutdown();
            blocking.shutdown();
        }
        awaitStopped(events, "events", true);
        // Never interrupt a JmDNS close still running there: an interrupted close leaves JmDNS's timer
        // threads running for good, while one left alone finishes (its threads are daemons) a bit later.
        awaitStopped(blocking, "io", false);
    }

    /** What discovery ignored so far. */
    public DiscoveryStats stats() {
        return new DiscoveryStats(ownRecords.get(), rejectedRecords.get(), handoff == null ? 0 : handoff.dropped());
    }

    // ---- links (lifecycle lock held) ----

    private void openLink(InetAddress address) {
        String id = address.getHostAddress() + "#" + (++linkSequence);
        int ordinal = 0;
        while (ordinalInUse(ordinal)) {
            ordinal++;
        }
        if (ordinal > MAX_LINKS - 1) {
            LOG.warn("mDNS not started on {}: at most {} addresses are supported", address.getHostAddress(), MAX_LINKS);
            return;
        }
        MdnsLink link;
        try {
            link = MdnsLink.open(id, ordinal, address, InstanceNames.host(self, address), handoff, this);
        } catch (IOException | RuntimeException e) {
            LOG.warn("mDNS not started on {}: {}", address.getHostAddress(), e.getMessage());
            return;
        }
        try {
            link.publish(NODE_KEY, ServiceInfo.create(ServiceTypes.NODE, InstanceNames.node(self, link.ordinal()), self.port(), 0, 0,
                    LoreHubTxt.forNode(self)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot announce on {}: {}", address.getHostAddress(), e.toString());
            link.close();
            forgetLink(link);
            return;
        }
        for (OpenPairing pairing : pairings.values()) {
            publishPairing(link, pairing);
        }
        links.put(address, link);
        LOG.debug("mDNS running on {}", address.getHostAddress());
    }

    private boolean ordinalInUse(int ordinal) {
        for (MdnsLink link : links.values()) {
            if (link.ordinal() == ordinal) {
                return true;
            }
        }
        return false;
    }

    private void publishPairing(MdnsLink link, OpenPairing pairing) {
        try {
            link.publish(pairing.key(), ServiceInfo.create(ServiceTypes.PAIRING, InstanceNames.pairing(pairing.nameplate, self, link.ordinal()),
                    pairing.port, 0, 0, LoreHubTxt.forPairing(pairing.nameplate, self.protocolVersion())));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot advertise pairing on {}: {}", link.address().getHostAddress(), e.toString());
        }
    }

    /** Closes links in parallel (each waits for its goodbyes), bounded in time. */
    private void closeLinks(List<MdnsLink> toClose) {
        List<Future<?>> pending = new ArrayList<>();
        for (MdnsLink link : toClose) {
            try {
                pending.add(blocking.submit(link::close));
            } catch (RejectedExecutionException e) {
                link.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINK_CLOSE_WAIT_MS);
        for (Future<?> closing : pending) {
            try {
                closing.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("closing mDNS did not finish cleanly: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reports peers seen only through {@code link} as lost (on the events thread). */
    private void forgetLink(MdnsLink link) {
        try {
            events.execute(() -> {
                List<PeerChange> changes = new ArrayList<>();
                mdnsPeers.removeLink(link.id(), changes);
                pairingBoard.removeLink(link.id());
                apply(changes);
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void publishLinkSnapshot() {
        linkSnapshot = List.copyOf(links.values());
    }

    private void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException(state == State.NEW ? "discovery is not started" : "discovery is closed");
        }
    }

    // ---- events thread ----

    @Override
    public void resolved(MdnsLink link, ServiceSighting sighting) {
        if (closing || !link.isOpen()) {
            return;
        }
        if (TxtStrings.isEmpty(sighting.txt())) {
            // JmDNS reports a service as resolved once SRV and address are known, before the TXT record has
            // arrived (it substitutes an empty TXT). The real TXT follows as a second resolution.
            return;
        }
        try {
            if (ServiceTypes.isNode(sighting.type())) {
                nodeSeen(link, sighting);
            } else if (ServiceTypes.isPairing(sighting.type())) {
                pairingSeen(link, sighting);
            }
        } catch (RuntimeException e) {
            rejectedRecords.incrementAndGet();
            LOG.debug("ignoring {} on {}: {}", LogText.quote(sighting.instance()), link, e.toString());
        }
    }

    @Override
    public void removed(MdnsLink link, String type, String instance) {
        if (closing) {
            return;
        }
        SightingKey key = SightingKey.of(link.id(), instance);
        if (ServiceTypes.isNode(type)) {
            List<PeerChange> changes = new ArrayList<>();
            mdnsPeers.remove(key, changes);
            apply(changes);
        } else if (ServiceTypes.isPairing(type)) {
            pairingBoard.remove(key);
        }
    }

    private void nodeSeen(MdnsLink link, ServiceSighting sighting) {
        SightingKey key = SightingKey.of(link.id(), sighting.instance());
        List<PeerChange> changes = new ArrayList<>();
        NodeAdvert advert;
        List<InetAddress> addresses;
        try {
            advert = LoreHubTxt.parseNode(sighting.txt(), config.deviceIdValidator(),
                    config.minProtocolVersion(), config.maxProtocolVersion());
            addresses = checkedAddresses(sighting);
        } catch (RejectedRecord rejected) {
            reject(link, sighting, rejected.getMessage());
            mdnsPeers.remove(key, changes); // a record that turned invalid no longer advertises a peer
            apply(changes);
            return;
        }
        if (comparable(advert.deviceId()).equals(selfIdComparable)) {
            ownRecords.incrementAndGet();
            return;
        }
        if (!mdnsPeers.put(key, advert, addresses, sighting.port(), changes)) {
            reject(link, sighting, "too many peers in view");
        }
        apply(changes);
    }

    private void pairingSeen(MdnsLink link, ServiceSighting sighting) {
        for (MdnsLink ours : linkSnapshot) {
            if (ours.isOwn(ServiceTypes.PAIRING, sighting.instance())) {
                ownRecords.incrementAndGet();
                return;
            }
        }
        SightingKey key = SightingKey.of(link.id(), sighting.instance());
        PairingAdvert advert;
        List<InetAddress> addresses;
        try {
            advert = LoreHubTxt.parsePairing(sighting.txt(), config.minProtocolVersion(), config.maxProtocolVersion());
            addresses = checkedAddresses(sighting);
        } catch (RejectedRecord rejected) {
            reject(link, sighting, rejected.getMessage());
            pairingBoard.remove(key);
            return;
        }
        if (!pairingBoard.put(key, sighting.instance(), advert, addresses, sighting.port())) {
            reject(link, sighting, "too many pairing adverts in view");
            return;
        }
        for (Lookup lookup : List.copyOf(lookups)) {
            if (lookup.nameplate.equals(advert.nameplate())) {
                settle(lookup);
            }
        }
    }

    private void reject(MdnsLink link, ServiceSighting sighting, String why) {
        rejectedRecords.incrementAndGet();
        LOG.debug("ignoring {} on {}: {}", LogText.quote(sighting.instance()), link, why);
    }

    private static List<InetAddress> checkedAddresses(ServiceSighting sighting) throws RejectedRecord {
        if (sighting.port() < 1 || sighting.port() > 65535) {
            throw new RejectedRecord("port " + sighting.port() + " out of range");
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress address : sighting.addresses()) {
            if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
                continue;
            }
            try {
                // Drop the host name JmDNS attached (it comes from the network) and keep only the address.
                out.add(address instanceof Inet6Address v6 && v6.getScopeId() != 0
                        ? Inet6Address.getByAddress(null, v6.getAddress(), v6.getScopeId())
                        : InetAddress.getByAddress(address.getAddress()));
            } catch (UnknownHostException e) {
                // cannot happen for an address JmDNS built from a record
            }
        }
        if (out.isEmpty()) {
            throw new RejectedRecord("no usable address");
        }
        return out;
    }

    /** Updates the snapshot, then tells the listener (unless closing). Events thread only. */
    private void apply(List<PeerChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (PeerChange change : changes) {
            if (change.kind() == PeerChange.Kind.FOUND) {
                current.put(change.peer().key(), change.peer());
            } else {
                current.remove(change.peer().key());
            }
        }
        snapshot = List.copyOf(current.values());
        for (PeerChange change : changes) {
            if (closing) {
                return;
            }
            try {
                if (change.kind() == PeerChange.Kind.FOUND) {
                    listener.peerFound(change.peer());
                } else {
                    listener.peerLost(change.peer());
                }
            } catch (RuntimeException e) {
                LOG.warn("discovery listener failed on {}", change, e);
            }
        }
    }

    private void beginLookup(String nameplate, Duration timeout, CompletableFuture<List<PairingCandidate>> future) {
        if (closing) {
            future.cancel(false);
            return;
        }
        Lookup lookup = new Lookup(nameplate, future, System.nanoTime() + timeout.toNanos());
        lookups.add(lookup);
        lookup.due = events.schedule(() -> finish(lookup), timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (!pairingBoard.candidates(nameplate).isEmpty()) {
            settle(lookup);
        }
    }

    private void settle(Lookup lookup) {
        if (lookup.settling) {
            return;
        }
        lookup.settling = true;
        long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(LOOKUP_SETTLE_MS), Math.max(0, lookup.deadline - System.nanoTime()));
        lookup.due.cancel(false);
        lookup.due = events.schedule(() -> finish(lookup), wait, TimeUnit.NANOSECONDS);
    }

    private void finish(Lookup lookup) {
        if (lookups.remove(lookup)) {
            lookup.future.complete(pairingBoard.candidates(lookup.nameplate));
        }
    }

    // ---- helpers ----

    private static void awaitStopped(ThreadPoolExecutor pool, String name, boolean interrupt) {
        try {
            if (!pool.awaitTermination(THREAD_STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("discovery {} thread did not stop in time{}", name, interrupt ? "; interrupting" : "; left to finish");
                if (interrupt) {
                    pool.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Device ids compared the way the crypto module parses them: ignoring case and separators. */
    private static String comparable(String deviceId) {
        return deviceId.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    }

    private static final class Lookup {
        final String nameplate;
        final CompletableFuture<List<PairingCandidate>> future;
        final long deadline;
        ScheduledFuture<?> due;
        boolean settling;

        Lookup(String nameplate, CompletableFuture<List<PairingCandidate>> future, long deadline) {
            this.nameplate = nameplate;
            this.future = future;
            this.deadline = deadline;
        }
    }

    private final class OpenPairing implements PairingAdvertisement {
        final String nameplate;
        final int port;

        OpenPairing(String nameplate, int port) {
            this.nameplate = nameplate;
            this.port = port;
        }

        String key() {
            return "pairing:" + nameplate;
        }

        @Override
        public String nameplate() {
            return nameplate;
        }

        @Override
        public void close() {
            synchronized (lifecycle) {
                if (pairings.remove(nameplate, this)) {
                    for (MdnsLink link : links.values()) {
                        link.withdraw(key());
                    }
                }
            }
        }
    }
}
