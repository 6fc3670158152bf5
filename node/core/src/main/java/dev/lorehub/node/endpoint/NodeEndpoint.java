package dev.lorehub.node.endpoint;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.ReplicaException;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.sync.CloseReason;
import dev.lorehub.node.sync.ReplicaSyncStore;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.sync.SyncStore;
import dev.lorehub.node.sync.WantLedger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The node, sans-IO (DESIGN.md §4; quinn-proto's {@code Endpoint} is the model): one object that
 * turns a replica and many sync sessions into a node. The daemon (Netty, JmDNS, a thread) and the
 * simulator (a simulated network, one thread for many nodes) are two thin drivers of this class;
 * no policy is written in either of them.
 *
 * <p>It owns:
 * <ul>
 *   <li>one {@link SyncSession} per open connection, and <b>one connection per peer</b>: when a
 *       second opens, {@link TieBreak} picks the survivor, the same one on both devices;</li>
 *   <li><b>fan-out</b>: one stream of "stored" notices comes out of the replica; what this device
 *       wrote (captured from lh, or written by a command) is offered to every session, what a session
 *       received to every other one (that is how a device relays);</li>
 *   <li><b>stale sessions</b>: a session fixes its realms at its Hello; when the realms this device
 *       shares with the peer change (a grant, a removal, a join) the session is restarted;</li>
 *   <li><b>reconnecting</b>: per paired peer, {@link PeerDialing} (backoff with jitter, addresses in
 *       turn, a report of a known address redials at once at most every few seconds);</li>
 *   <li><b>cadence</b>: looking for lh's captured changes (every 50 ms; or, where the driver
 *       reports changes to the database files, soon after each report and otherwise once a
 *       second), and maintenance (key rotation, held events falling due, unsynced changes that
 *       can now sync, stale invitations, opt-in auto-join, auto-resolve, manual-mode resyncs);</li>
 *   <li><b>status</b>: where each peer stands per realm (in sync since when, or what each side
 *       lacks), recorded in the database now and then so that {@code status} can show it.</li>
 * </ul>
 *
 * <p>Inputs carry a {@link Moment}: monotonic time for timeouts, backoff and cadence, wall time only
 * for what is recorded. Outputs are {@link Action}s the driver polls ({@link #poll}), and the next
 * time it must call {@link #tick} ({@link #nextWakeup}). Randomness is injected. Connections are
 * named by a number the driver picks. Not thread-safe: the driver serialises calls.
 */
public final class NodeEndpoint {

    /** The time of an input: monotonic ms (never steps) and wall-clock ms since the epoch. */
    public record Moment(long mono, long wall) {
    }

    /** Something the driver must do. */
    public sealed interface Action permits Send, Disconnect, Dial {
    }

    /** Send a frame on a connection (only ever for a connection reported writable). */
    public record Send(long connection, byte[] frame) implements Action {
    }

    /** Close a connection, telling the peer why where possible. */
    public record Disconnect(long connection, String reason) implements Action {
    }

    /**
     * Dial a paired peer at an address; {@code peer} is null for a configured static address, where
     * any paired device may answer. The driver reports {@link #opened} or {@link #dialFailed}.
     */
    public record Dial(DeviceId peer, PeerAddress address) implements Action {
    }

    /** What drivers may observe (metrics, a dashboard); every method has a no-op default. */
    public interface Hooks {
        /** The store a new session uses: {@code base}, or a wrapper that observes it. */
        default SyncStore sessionStore(DeviceId peer, long connection, SyncStore base) {
            return base;
        }

        default void sessionOpened(DeviceId peer, long connection, SyncSession session, Moment now) {
        }

        default void sessionClosed(DeviceId peer, long connection, SyncSession session, String reason, Moment now) {
        }

        /** Something arrived from the peer. */
        default void contact(DeviceId peer, Moment now) {
        }

        /** Events were stored (local ones and received ones), after their transaction committed. */
        default void stored(List<StoredKey> keys, Moment now) {
        }
    }

    /** Where a peer stands in one realm now. */
    public record PeerRealmStatus(RealmId realm, boolean inSync, Long lastSyncedAt, long theyLack, long weLack) {
    }

    /** Where a paired peer stands. */
    public record PeerStatus(DeviceId peer, boolean connected, Long lastContact, String lastError, int failedDials,
                             List<PeerAddress> addresses, List<PeerRealmStatus> realms) {
    }

    private static final int CAPTURE_BATCHES_PER_TICK = 200;

    /**
     * After a reported change: wait this long before looking (a report can come as lh writes its log, a moment before
     * the commit is visible), then keep looking for {@link #AFTER_CHANGE_WINDOW} ms, first at the unwatched cadence and
     * then at twice the previous gap each time (a report that came too early is covered, and each of lh's later writes
     * brings its own report).
     */
    static final long CHANGE_SETTLE = 5;
    static final long AFTER_CHANGE_WINDOW = 500;

    private static final class Link {
        final long connection;
        final DeviceId peer;
        final boolean initiator;
        final SyncSession session;
        final PeerAddress dialed;
        final long openedAt;
        /** The realms this device shared with the peer when the session opened. */
        Set<RealmId> sharedAtOpen = Set.of();
        boolean writable = true;
        boolean disconnectSent;
        boolean restarting;
        boolean closed;

        Link(long connection, DeviceId peer, boolean initiator, SyncSession session, PeerAddress dialed, long openedAt) {
            this.connection = connection;
            this.peer = peer;
            this.initiator = initiator;
            this.session = session;
            this.dialed = dialed;
            this.openedAt = openedAt;
        }
    }

    /** What is known about a realm with one peer across sessions. */
    private static final class RealmState {
        Long lastSyncedAt;
        long theyLack;
        long weLack;
        long ownSeqSynced;
        boolean dirty;
    }

    private static final class Peer {
        final DeviceId id;
        final PeerDialing dialing;
        Link link;
        Long lastContact;
        String lastError;
        int failedDials;
        /** The address last written to the peer's row (written again only when it changes). */
        PeerAddress savedAddress;
        final Map<RealmId, RealmState> realms = new TreeMap<>();

        Peer(DeviceId id, PeerDialing dialing) {
            this.id = id;
            this.dialing = dialing;
        }
    }

    private final Replica replica;
    private final ReplicaSyncStore store;
    private final EndpointConfig config;
    private final RandomGenerator random;
    private final Hooks hooks;
    private final Backoff backoff;
    private final Map<Long, Link> links = new LinkedHashMap<>();
    /** What this node's sessions asked peers for and did not receive yet: an event several peers offer is asked of one. */
    private final WantLedger wants = WantLedger.withDefaults();
    private final Map<DeviceId, Peer> peers = new TreeMap<>();
    private final Map<PeerAddress, PeerDialing> staticDials = new LinkedHashMap<>();
    private final ArrayDeque<Action> actions = new ArrayDeque<>();
    private final List<StoredKey> stored = new ArrayList<>();
    private Moment now;
    private long nextCaptureAt;
    /** Until when (monotonic) captured changes are looked for at the unwatched cadence; see {@link #databaseChanged}. */
    private long pollFastUntil;
    /** The gap before the next look inside the window after a report (watched databases; doubles at each look). */
    private long fastGap;
    private long nextMaintainAt;
    private long nextResyncAt;
    private long nextStatusAt;
    private boolean membershipChanged;
    private boolean closing;

    /**
     * @param replica the node's replica; the endpoint listens to what it stores
     * @param store   the sessions' store over that replica (shared by all sessions)
     * @param now     when the node starts
     */
    public NodeEndpoint(Replica replica, ReplicaSyncStore store, EndpointConfig config, RandomGenerator random, Hooks hooks,
                        Moment now) {
        this.replica = replica;
        this.store = store;
        this.config = config;
        this.random = random;
        this.hooks = hooks == null ? new Hooks() { } : hooks;
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
        this.now = now;
        replica.addListener(stored::addAll);
        for (LogRows.PeerRow p : replica.peers()) {
            Peer peer = addPeer(p.device());
            if (p.lastAddress() != null) {
                try {
                    peer.savedAddress = PeerAddress.parse(p.lastAddress());
                    peer.dialing.reported(peer.savedAddress, now.mono());
                } catch (IllegalArgumentException e) {
                    // an address recorded by an older version in another form: discovery will find the peer
                }
            }
        }
        for (LogRows.PeerStatusRow row : safePeerStatuses()) {
            Peer peer = peers.get(row.peer());
            if (peer != null) {
                RealmState rs = peer.realms.computeIfAbsent(row.realm(), r -> new RealmState());
                rs.lastSyncedAt = row.lastSyncedAt();
                rs.theyLack = row.theyLack();
                rs.weLack = row.weLack();
                rs.ownSeqSynced = row.ownSeqSynced();
                peer.lastContact = row.lastContact();
                peer.lastError = row.lastError();
            }
        }
        nextCaptureAt = now.mono();
        pollFastUntil = now.mono() + AFTER_CHANGE_WINDOW;
        fastGap = config.captureEvery();
        nextMaintainAt = now.mono() + config.maintainEvery();
        nextResyncAt = now.mono() + config.resyncEvery();
        nextStatusAt = now.mono() + config.statusEvery();
    }

    private List<LogRows.PeerStatusRow> safePeerStatuses() {
        try {
            return replica.peerStatuses();
        } catch (ReplicaException e) {
            return List.of();
        }
    }

    private Peer addPeer(DeviceId id) {
        return peers.computeIfAbsent(id, d -> new Peer(d, new PeerDialing(backoff, config.stableAfter())));
    }

    // ------------------------------------------------------------------ inputs: peers and addresses

    /** A device was paired (its record is pinned in the replica): keep it connected from now on. */
    public void paired(DeviceId peer, Moment at) {
        now = at;
        addPeer(peer);
    }

    /** A device was unpaired: its connection ends, and it is no longer dialed. */
    public void unpaired(DeviceId peer, Moment at) {
        now = at;
        Peer p = peers.remove(peer);
        if (p != null && p.link != null) {
            disconnect(p.link, "device unpaired");
        }
    }

    /** Discovery (mDNS), configuration or pairing says where a paired peer can be reached. */
    public void reported(DeviceId peer, PeerAddress address, Moment at) {
        now = at;
        Peer p = peers.get(peer);
        if (p != null) {
            p.dialing.reported(address, at.mono());
            dialDue(at.mono());
        }
    }

    /** A configured static peer address: dialed until some paired device answers there. */
    public void staticAddress(PeerAddress address, Moment at) {
        now = at;
        staticDials.computeIfAbsent(address, a -> new PeerDialing(backoff, config.stableAfter())).reported(address, at.mono());
        dialDue(at.mono());
    }

    /** The node woke up or its network changed: every peer not connected is dialed at once. */
    public void networkChanged(Moment at) {
        now = at;
        peers.values().forEach(p -> p.dialing.reset(at.mono()));
        staticDials.values().forEach(d -> d.reset(at.mono()));
        dialDue(at.mono());
    }

    // ------------------------------------------------------------------ inputs: connections

    /**
     * An authenticated connection to a paired device opened. {@code dialed} is the address this side
     * dialed (null for an inbound connection).
     */
    public void opened(long connection, DeviceId peer, boolean initiator, PeerAddress dialed, Moment at) {
        now = at;
        if (dialed != null && staticDials.containsKey(dialed)) {
            staticDials.get(dialed).connected(at.mono());
        }
        Peer p = peers.get(peer);
        if (p == null || closing) {
            actions.add(new Disconnect(connection, closing ? "node shutting down" : "device " + peer.shortForm()
                + " is not paired with this device"));
            return;
        }
        if (p.link != null && !p.link.closed) {
            boolean newerWins = TieBreak.newerWins(replica.deviceId(), peer, p.link.initiator, initiator);
            DeviceId keptDialer = (newerWins ? initiator : p.link.initiator) ? replica.deviceId() : peer;
            String reason = p.link.initiator == initiator ? "replaced by a newer connection dialed by " + keptDialer.shortForm()
                : "duplicate connection between " + replica.deviceId().shortForm() + " and " + peer.shortForm()
                    + ": keeping the one dialed by " + keptDialer.shortForm() + " (the lower device id)";
            if (!newerWins) {
                actions.add(new Disconnect(connection, reason));
                return;
            }
            Link old = p.link;
            old.restarting = true; // replaced, not failed: no error to report, and the new link is already here
            disconnect(old, reason);
            detach(old, reason);
        }
        SyncStore sessionStore = hooks.sessionStore(peer, connection, store);
        SyncSession session = new SyncSession(sessionStore, config.session(), initiator, peer, wants);
        Link link = new Link(connection, peer, initiator, session, dialed, at.mono());
        link.sharedAtOpen = sharedWith(peer);
        links.put(connection, link);
        p.link = link;
        p.dialing.connected(at.mono());
        if (dialed != null) {
            p.dialing.reported(dialed, at.mono());
            rememberAddress(peer, dialed, at);
        }
        session.start(at.mono(), at.wall());
        hooks.sessionOpened(peer, connection, session, at);
        pump(link);
    }

    /** A connection attempt ended without a connection ({@code peer} null for a static address). */
    public void dialFailed(DeviceId peer, PeerAddress address, String reason, Moment at) {
        now = at;
        if (peer == null) {
            PeerDialing d = staticDials.get(address);
            if (d != null) {
                d.failed(at.mono(), random);
            }
            return;
        }
        Peer p = peers.get(peer);
        if (p != null) {
            p.dialing.failed(at.mono(), random);
            p.failedDials++;
            p.lastError = reason;
        }
    }

    /** One frame from the peer of a connection. */
    public void frame(long connection, byte[] frame, Moment at) {
        now = at;
        Link link = links.get(connection);
        if (link == null || link.closed) {
            return;
        }
        Peer p = peers.get(link.peer);
        if (p != null) {
            p.lastContact = at.wall();
        }
        hooks.contact(link.peer, at);
        link.session.onFrame(frame, at.mono(), at.wall());
        link.session.drainIngested(); // the replica's stream of stored events says the same, once, below
        fanOut(link);
        pump(link);
        afterChanges();
    }

    /** The connection can take more frames ({@code true}) or its send buffer is full ({@code false}). */
    public void writable(long connection, boolean writable, Moment at) {
        now = at;
        Link link = links.get(connection);
        if (link != null) {
            link.writable = writable;
            if (writable) {
                pump(link);
            }
        }
    }

    /** A connection ended (either side closed it, or the network dropped it). */
    public void closed(long connection, String reason, Moment at) {
        now = at;
        Link link = links.remove(connection);
        if (link == null) {
            return;
        }
        if (link.dialed != null && staticDials.containsKey(link.dialed)) {
            staticDials.get(link.dialed).disconnected(at.mono(), random);
        }
        detach(link, reason);
    }

    private void detach(Link link, String reason) {
        if (link.closed) {
            return;
        }
        link.closed = true;
        links.remove(link.connection);
        wants.releaseAll(link.session);
        Peer p = peers.get(link.peer);
        if (p != null && p.link == link) {
            p.link = null;
            p.dialing.disconnected(now.mono(), random);
            if (link.restarting) {
                p.dialing.reset(now.mono()); // a restart, not a failure: reconnect at once
            }
            CloseReason why = link.session.closeReason();
            if (why != null && why != CloseReason.NORMAL) {
                p.lastError = (link.session.closedByPeer() ? "the peer ended the session: " : "") + why + ": "
                    + link.session.closeMessage();
            } else if (why == null && !link.restarting && !benign(reason)) {
                p.lastError = "connection lost: " + reason;
            }
            noteProgress(p, link);
            handOverStatus(List.of(p), replica::notePeerStatus);
        }
        hooks.sessionClosed(link.peer, link.connection, link.session, reason, now);
        // what it was asked for and did not send may be asked of the other peers now
        for (Link other : List.copyOf(links.values())) {
            if (!other.closed) {
                other.session.retryDeferredWants(now.mono());
                pump(other);
            }
        }
    }

    /** Closes that are the tie-break between two connections of one pair, not failures. */
    private static boolean benign(String reason) {
        return reason != null && (reason.startsWith("duplicate connection") || reason.startsWith("replaced by a newer"));
    }

    // ------------------------------------------------------------------ inputs: local work and time

    /** Work on the replica from this device (a CLI operation, the dashboard). */
    @FunctionalInterface
    public interface ReplicaWork<T> {
        T run(Replica replica, long wallNow) throws Exception;
    }

    /**
     * Runs {@code work} on the replica, then offers what it wrote to every peer and restarts
     * sessions whose realms it changed. Exceptions come back unchanged.
     */
    public <T> T withReplica(ReplicaWork<T> work, Moment at) throws Exception {
        now = at;
        try {
            return work.run(replica, at.wall());
        } finally {
            fanOut(null);
            membershipChanged = true; // a command may have joined, shared or granted: cheap to re-check
            afterChanges();
        }
    }

    /**
     * The driver saw the database files change (lh wrote, or this node did; the driver cannot tell): look for
     * captured changes {@value #CHANGE_SETTLE} ms from now, then for {@value #AFTER_CHANGE_WINDOW} ms after gaps
     * starting at {@link EndpointConfig#captureEvery} and doubling. Between reports the endpoint looks only every
     * {@link EndpointConfig#watchedCaptureEvery}, where the configuration says the driver reports changes
     * ({@link EndpointConfig#withDatabaseWatched}); otherwise it looks every {@code captureEvery} throughout, and a
     * report only brings the next look forward.
     */
    public void databaseChanged(Moment at) {
        now = at;
        nextCaptureAt = Math.min(nextCaptureAt, at.mono() + CHANGE_SETTLE);
        pollFastUntil = Math.max(pollFastUntil, at.mono() + CHANGE_SETTLE + AFTER_CHANGE_WINDOW);
        fastGap = config.captureEvery();
    }

    /** Time passed: session timers, due dials, capture, maintenance. Call at {@link #nextWakeup} (or earlier). */
    public void tick(Moment at) {
        now = at;
        long mono = at.mono();
        for (Link link : List.copyOf(links.values())) {
            if (!link.closed && link.session.nextTimer() <= mono) {
                link.session.onTimer(mono);
                pump(link);
            }
        }
        if (!closing) {
            dialDue(mono);
        }
        if (mono >= nextCaptureAt) {
            if (capture()) {
                pollFastUntil = Math.max(pollFastUntil, mono + AFTER_CHANGE_WINDOW);
                fastGap = config.captureEvery();
            }
            long gap;
            if (config.watchedCaptureEvery() <= 0) {
                gap = config.captureEvery(); // nobody reports changes: poll at one cadence
            } else if (mono >= pollFastUntil) {
                gap = config.watchedCaptureEvery();
            } else {
                gap = fastGap;
                fastGap = Math.min(fastGap * 2, AFTER_CHANGE_WINDOW);
            }
            nextCaptureAt = mono + gap;
        }
        if (mono >= nextMaintainAt) {
            nextMaintainAt = mono + config.maintainEvery();
            maintain();
        }
        if (!config.livePush() && mono >= nextResyncAt) {
            nextResyncAt = mono + config.resyncEvery();
            for (Link link : List.copyOf(links.values())) {
                link.restarting = true;
                link.session.close(CloseReason.NORMAL, "periodic resync");
                pump(link);
            }
        }
        if (mono >= nextStatusAt) {
            nextStatusAt = mono + config.statusEvery();
            handOverStatus(peers.values(), replica::peerStatusDue);
        }
        afterChanges();
    }

    /** When (monotonic) the driver must call {@link #tick} at the latest. */
    public long nextWakeup() {
        long next = Math.min(nextCaptureAt, nextMaintainAt);
        next = Math.min(next, nextStatusAt);
        if (!config.livePush()) {
            next = Math.min(next, nextResyncAt);
        }
        for (Link link : links.values()) {
            next = Math.min(next, link.session.nextTimer());
        }
        if (!closing) {
            for (Peer p : peers.values()) {
                next = Math.min(next, p.dialing.dueAt());
            }
            for (PeerDialing d : staticDials.values()) {
                next = Math.min(next, d.dueAt());
            }
        }
        return next;
    }

    /** The next thing the driver must do, or null. */
    public Action poll() {
        return actions.poll();
    }

    /** Ends every session (they tell their peers) and stops dialing; the driver then closes its transport. */
    public void shutdown(Moment at) {
        now = at;
        closing = true;
        for (Link link : List.copyOf(links.values())) {
            link.session.close(CloseReason.NORMAL, "node shutting down");
            pump(link);
        }
        handOverStatus(peers.values(), replica::recordPeerStatus);
    }

    // ------------------------------------------------------------------ what the node does

    private void dialDue(long mono) {
        if (closing) {
            return;
        }
        for (Peer p : peers.values()) {
            if (p.dialing.dueAt() <= mono) {
                actions.add(new Dial(p.id, p.dialing.start()));
            }
        }
        for (PeerDialing d : staticDials.values()) {
            if (d.dueAt() <= mono && !anyConnected()) {
                actions.add(new Dial(null, d.start()));
            } else if (d.dueAt() <= mono) {
                d.connected(mono); // some peer is connected already; the static address waits until it is lost
            }
        }
    }

    private boolean anyConnected() {
        return peers.values().stream().anyMatch(p -> p.link != null);
    }

    /** Turns lh's captured changes into events; true when there were any (written or not). */
    private boolean capture() {
        boolean found = false;
        try {
            for (int i = 0; i < CAPTURE_BATCHES_PER_TICK && replica.hasPendingCapture(); i++) {
                found = true;
                if (replica.captureLocalChanges(now.wall()).isEmpty()) {
                    break;
                }
                fanOut(null);
                if (replica.captureEmptied()) {
                    break; // what lh commits from now on is found at the next look, as if it came a moment later
                }
            }
        } catch (ReplicaException e) {
            // lh holds the write lock, or the disk is full: the captured rows stay and are tried again
        }
        return found;
    }

    private void maintain() {
        try {
            restartStale(true);
            replica.autoMapByGitRemote(now.wall(), config.autoJoinFounder());
            replica.maintainKeys(now.wall());
            if (config.autoResolve()) {
                replica.resolveAllKeepingWinners(now.wall());
            }
            OptionalLong due = replica.nextHeldRelease();
            if (due.isPresent() && due.getAsLong() <= now.wall()) {
                replica.releaseHeld(now.wall());
            }
            if (!replica.unsynced().isEmpty()) {
                replica.retryUnsynced(now.wall());
            }
            replica.pruneInvitations(now.wall());
        } catch (ReplicaException e) {
            // tried again at the next maintenance
        }
        fanOut(null);
        membershipChanged = true;
    }

    /**
     * Offers what the replica stored since the last call: this device's own events to every
     * session, events received on {@code source} to every other session.
     */
    private void fanOut(Link source) {
        if (stored.isEmpty()) {
            return;
        }
        List<StoredKey> keys = List.copyOf(stored);
        stored.clear();
        hooks.stored(keys, now);
        List<StoredKey> local = new ArrayList<>();
        List<StoredKey> received = new ArrayList<>();
        for (StoredKey k : keys) {
            (k.local() ? local : received).add(k);
            membershipChanged |= k.membership();
        }
        if (!config.livePush()) {
            return;
        }
        for (Link link : List.copyOf(links.values())) {
            if (link.closed) {
                continue;
            }
            if (!local.isEmpty()) {
                link.session.onLocalChange(local);
            }
            if (!received.isEmpty() && link != source) {
                link.session.onLocalChange(received);
            }
            pump(link);
        }
    }

    /** After anything changed: sessions that must open more realms restart at once. */
    private void afterChanges() {
        if (membershipChanged) {
            membershipChanged = false;
            restartStale(false);
        }
    }

    /**
     * A session fixes its realms at the Hello. When the realms this device shares with the peer
     * changed since (a grant, a removal, a join), end it; it reconnects at once and the new session
     * opens exactly the realms shared now. A session to be restarted because the peer was removed
     * from a realm waits for the next maintenance ({@code removals}): until then its live offers
     * carry the removal itself to the removed device, which then stops writing there (what it could
     * still ask for is ciphertext of epochs it already held).
     */
    private void restartStale(boolean removals) {
        for (Link link : List.copyOf(links.values())) {
            if (link.closed || !link.session.isOpen()) {
                continue;
            }
            Set<RealmId> open = link.session.fullRealms(); // membership-only realms are not "shared" here
            Set<RealmId> shared = sharedWith(link.peer);
            // changed since the Hello (not merely not taken up by the peer: that would restart forever)
            boolean grew = !link.sharedAtOpen.containsAll(shared);  // a realm to share that was not at the Hello
            boolean shrank = !shared.containsAll(link.sharedAtOpen); // a realm no longer shared with the peer
            boolean stale = link.session.joinedSinceOpen() || grew || (removals && shrank);
            if (removals) {
                for (RealmId realm : open) {
                    if (!shared.contains(realm) && store.joined(realm)) {
                        stale |= replica.membership(realm).founder().isPresent()
                            && !replica.membership(realm).members().containsKey(link.peer);
                    }
                }
            }
            if (stale) {
                link.restarting = true;
                link.session.close(CloseReason.NORMAL, "realm membership changed; reconnecting");
                pump(link);
            }
        }
    }

    private Set<RealmId> sharedWith(DeviceId peer) {
        java.util.HashSet<RealmId> shared = new java.util.HashSet<>();
        for (SyncStore.RealmOffer offer : store.offersFor(peer)) {
            shared.add(offer.realm());
        }
        return Set.copyOf(shared);
    }

    /** Sends what the session has while the connection takes it; disconnects a session that ended. */
    private void pump(Link link) {
        if (link.closed) {
            return;
        }
        while (link.writable) {
            byte[] frame = link.session.pollFrame();
            if (frame == null) {
                break;
            }
            actions.add(new Send(link.connection, frame));
        }
        if (link.session.isClosed() && !link.disconnectSent) {
            CloseReason reason = link.session.closeReason();
            disconnect(link, (link.session.closedByPeer() ? "peer ended the session: " : "") + reason + ": "
                + link.session.closeMessage());
        }
        Peer p = peers.get(link.peer);
        if (p != null) {
            noteProgress(p, link);
        }
    }

    private void disconnect(Link link, String reason) {
        if (!link.disconnectSent) {
            link.disconnectSent = true;
            actions.add(new Disconnect(link.connection, reason));
        }
    }

    private void rememberAddress(DeviceId peer, PeerAddress address, Moment at) {
        Peer p = peers.get(peer);
        if (p != null && address.equals(p.savedAddress)) {
            return; // a reconnect to the same address: a write transaction for nothing
        }
        try {
            replica.notePeerAddress(peer, address.toString(), at.wall());
            if (p != null) {
                p.savedAddress = address;
            }
        } catch (ReplicaException e) {
            // only a hint for the next start
        }
    }

    // ------------------------------------------------------------------ status

    /** Updates what is known of each realm with this peer from its session. */
    private void noteProgress(Peer p, Link link) {
        for (SyncSession.RealmProgress rp : link.session.progress()) {
            if (rp.invitation()) {
                continue;
            }
            RealmState rs = p.realms.computeIfAbsent(rp.realm(), r -> new RealmState());
            if (!rp.reconciled()) {
                continue;
            }
            long theyLack = rp.toSend();
            long weLack = rp.stillLacking();
            boolean inSync = theyLack == 0 && weLack == 0 && link.session.isOpen();
            if (rs.theyLack != theyLack || rs.weLack != weLack || inSync) {
                rs.dirty = true;
            }
            rs.theyLack = theyLack;
            rs.weLack = weLack;
            // the chain position these counts were measured at: what this device writes after it is added on top
            // while the peer is away, without counting anything twice
            long own = replica.ownSeq(rp.realm());
            if (own != rs.ownSeqSynced) {
                rs.ownSeqSynced = own;
                rs.dirty = true;
            }
            if (inSync) {
                rs.lastSyncedAt = now.wall();
                if (p.lastError != null) {
                    p.lastError = null; // healed: status shows errors that still matter
                    rs.dirty = true;
                }
            }
        }
    }

    /**
     * Hands the replica where {@code which} stand now (the rows that changed since they were last handed
     * over) through {@code to}: {@link Replica#notePeerStatus}, {@link Replica#peerStatusDue} or, to write
     * them at once, {@link Replica#recordPeerStatus}.
     */
    private void handOverStatus(java.util.Collection<Peer> which, java.util.function.Consumer<List<LogRows.PeerStatusRow>> to) {
        List<LogRows.PeerStatusRow> rows = new ArrayList<>();
        for (Peer p : which) {
            for (Map.Entry<RealmId, RealmState> e : p.realms.entrySet()) {
                RealmState rs = e.getValue();
                if (!rs.dirty) {
                    continue;
                }
                rs.dirty = false;
                rows.add(new LogRows.PeerStatusRow(p.id, e.getKey(), rs.lastSyncedAt, rs.theyLack,
                    rs.weLack, rs.ownSeqSynced, p.lastContact, p.lastError, now.wall()));
            }
        }
        try {
            to.accept(rows);
        } catch (ReplicaException e) {
            // written again at the next chance
        }
    }

    /** Where every paired peer stands now (for status, the dashboard and tests). */
    public List<PeerStatus> status() {
        List<PeerStatus> out = new ArrayList<>();
        for (Peer p : peers.values()) {
            if (p.link != null) {
                noteProgress(p, p.link);
            }
            List<PeerRealmStatus> realms = new ArrayList<>();
            for (Map.Entry<RealmId, RealmState> e : p.realms.entrySet()) {
                RealmState rs = e.getValue();
                boolean connected = p.link != null && p.link.session.isOpen() && p.link.session.realms().contains(e.getKey());
                long theyLack = connected ? rs.theyLack
                    : rs.theyLack + Math.max(0, replica.ownSeq(e.getKey()) - rs.ownSeqSynced);
                realms.add(new PeerRealmStatus(e.getKey(), connected && rs.theyLack == 0 && rs.weLack == 0, rs.lastSyncedAt,
                    theyLack, rs.weLack));
            }
            out.add(new PeerStatus(p.id, p.link != null && p.link.session.isOpen(), p.lastContact, p.lastError,
                p.dialing.retries(), p.dialing.addresses(), realms));
        }
        return out;
    }

    /** The session of the peer's open connection, if any (tests, diagnostics). */
    public Optional<SyncSession> session(DeviceId peer) {
        Peer p = peers.get(peer);
        return p == null || p.link == null ? Optional.empty() : Optional.of(p.link.session);
    }

    /** Open sessions by connection (diagnostics, the dashboard). */
    public Map<Long, SyncSession> sessions() {
        Map<Long, SyncSession> out = new LinkedHashMap<>();
        links.forEach((c, l) -> out.put(c, l.session));
        return out;
    }

    /** True when nothing waits: no captured change, and every open session is in sync with nothing to send. */
    public boolean idle() {
        return !replica.hasPendingCapture() && links.values().stream()
            .allMatch(l -> l.session.isSynced() && !l.session.hasPendingOutput()) && actions.isEmpty();
    }

    /** The paired peers this endpoint keeps connected. */
    public Set<DeviceId> paired() {
        return Set.copyOf(peers.keySet());
    }
}
