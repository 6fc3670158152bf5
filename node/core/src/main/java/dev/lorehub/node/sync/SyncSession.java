package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.StoredKey;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One sync session with one paired peer, sans-IO (DESIGN.md §4): frames in through
 * {@link #onFrame}, timers through {@link #onTimer}, new local events through
 * {@link #onLocalChange}, each with the current time; frames out through {@link #pollFrame}, the
 * next timer through {@link #nextTimer}. It never touches a socket, a thread or the clock, so the
 * Netty transport and the simulator drive the very same code.
 *
 * <p>Per realm both devices belong to: compare roots and reconcile the event-id sets; then each
 * side sends the events the other lacks, in batches bounded by bytes and count, within the credit
 * the receiver granted (a slow receiver slows the sender; nothing queues without bound); then new
 * events are offered live. Any protocol violation ends the session with a typed reason, sent to
 * the peer when possible. A batch is ingested in one transaction, so an interrupted session never
 * leaves the store half-applied, and the next session resumes by reconciling again: only what did
 * not arrive is sent.
 *
 * <p><b>Bounded work per peer.</b> What a peer can make this side hold is bounded, whatever it sends:
 * <ul>
 *   <li>Events and offers are produced lazily: {@link #pollFrame} reads the next batch from the store
 *       only when the driver asks for a frame, i.e. when the transport can take one. The session keeps
 *       only keys of what is still to send, never the events themselves.</li>
 *   <li>The send credit the peer announces (Hello, Credit) is capped at this side's own
 *       {@link SessionConfig#receiveWindow()}: a driver that polls every frame at once (the simulator)
 *       holds at most that many bytes of events for a peer that does not read.</li>
 *   <li>Replies to the peer's traffic (Hello reply, Reconcile, Want, Credit) queue in an outbox bounded
 *       by {@link SessionConfig#maxOutboxBytes()} and {@link SessionConfig#maxOutboxFrames()}; a reply
 *       beyond it means the peer sends requests without reading the answers, and the session ends as
 *       {@link CloseReason#FLOODING}.</li>
 *   <li>Wanted ids are deduplicated and only ids of events held here are queued, so the keys queued
 *       for sending never exceed what the store holds.</li>
 *   <li>Offered ids this side does not ask for because another of the node's sessions asked for them first
 *       ({@link WantLedger}) wait at most {@link SessionConfig#maxOfferKeys()} at a time (more are asked for at
 *       once), and only until that claim times out; the ids a peer offered or sent, which are not offered back
 *       to it, are the most recent {@value #PEER_HAS_LIMIT}.</li>
 *   <li>Decoding never instantiates a type outside the codec's registered set ({@link SyncCodec}); any
 *       {@link Throwable} while decoding or handling a frame ends the session with a typed reason.</li>
 * </ul>
 *
 * <p><b>Sealed realm boundaries.</b> An {@code Events} frame may carry only envelopes whose header
 * names the frame's realm, and that realm must be open in this session; anything else ends the
 * session as {@link CloseReason#PROTOCOL_VIOLATION} before any event of the frame is stored. A
 * {@code Want} is served only with events stored in the realm it names.
 *
 * <p><b>Membership scope</b> ({@link RealmScope}, negotiated by {@link SyncCodec#CAP_MEMBERSHIP_SCOPE}).
 * A realm is opened FULL in the Hello only when both devices joined it and each is a member in the
 * other's view ({@link SyncStore#scope}). Otherwise it is opened {@link RealmScope#MEMBERSHIP_ONLY} by a
 * {@link SyncMessage.ScopedOpen} (the responder's right after its Hello, the initiator's in answer;
 * a FULL open the other side will not take is left unanswered in the Hello and narrowed there):
 * an invitee that has not joined, and a device removed from the realm (by either side's knowledge),
 * still learn the realm's membership, so the invitee sees its grant and the removed device its
 * removal, but nothing else. Such a realm reconciles only its membership events; towards an invitee
 * the realm's name is offered besides. The serving side never sends, nor answers a Want for,
 * anything else; the receiving side never stores a data event (encrypted envelope) it did not ask
 * for. Both drop such requests and events rather than end the session: an honest peer's Want or
 * push can cross the frame that narrowed the realm (the simulator found this), and what a peer sends
 * is bounded by the credit granted anyway. A FULL realm whose peer is removed while the
 * session is open is served membership-only from then on, until the driver restarts the session.
 * A peer that does not announce the capability syncs as before (FULL realms in the Hello only).
 *
 * <p>Not thread-safe: the driver serialises calls.
 */
public final class SyncSession {
    /** Protocol versions this node speaks. */
    public static final int MIN_VERSION = 1;
    public static final int MAX_VERSION = 1;

    private enum State { NEW, AWAIT_HELLO, OPEN, CLOSED }

    /** The sync of one realm within the session. */
    private static final class RealmSync {
        final RealmId realm;
        final Reconciliation reconciliation;
        /** Keys of events to send (the peer lacks them, or wanted them), read from the store when polled. */
        final ArrayDeque<SyncMessage.Key> toSend = new ArrayDeque<>();
        final Set<EventId> queued = new HashSet<>();
        final boolean invitation;
        final RealmScope scope;
        /**
         * For a {@link RealmScope#MEMBERSHIP_ONLY} realm: ids this side may send the peer (membership
         * events, and the realm's name towards an invitee), refreshed when an id is not found in it.
         */
        Set<EventId> allowed;
        /**
         * For a membership-only realm this side has not joined: ids it asked for (bounded by
         * {@link SessionConfig#maxOfferKeys()}). Only those may arrive encrypted (the realm's name);
         * any other data event is a protocol violation, so a peer cannot fill an invitee with refusals.
         */
        final Set<EventId> wantedData = new HashSet<>();
        /** Keys of new events to offer, turned into Offer frames when polled. */
        final ArrayDeque<SyncMessage.Key> toOffer = new ArrayDeque<>();
        boolean reconciled;
        /** What the reconciliation found: events the peer lacked, events this side lacked. */
        int theyLacked;
        int weLacked;
        /** Events of this realm received in this session (events this side lacked arrive as these). */
        long received;

        RealmSync(RealmId realm, Reconciliation reconciliation, boolean invitation) {
            this(realm, reconciliation, invitation, RealmScope.FULL);
        }

        RealmSync(RealmId realm, Reconciliation reconciliation, boolean invitation, RealmScope scope) {
            this.realm = realm;
            this.reconciliation = reconciliation;
            this.invitation = invitation;
            this.scope = scope;
        }

        /**
         * A FULL realm whose peer (or this device) stopped being a member while the session was open:
         * from then on only membership events go out, as in a membership-only realm, until the driver
         * restarts the session with the scope narrowed (the peer may not know yet, so what it asks for
         * beyond that is dropped, not a violation).
         */
        boolean demoted;

        boolean membershipOnly() {
            return scope == RealmScope.MEMBERSHIP_ONLY;
        }

        /** True if only membership events (and towards an invitee the realm's name) go out. */
        boolean servesMembershipOnly() {
            return scope == RealmScope.MEMBERSHIP_ONLY || demoted;
        }
    }

    private final SyncStore store;
    private final SessionConfig config;
    private final boolean initiator;
    private final DeviceId peer;
    /** What the node's sessions asked for and did not receive yet (shared by them; see {@link WantLedger}). */
    private final WantLedger wants;

    /** An offered event not asked for because another session had asked for it: asked for at {@code retryAt} if still missing. */
    private record DeferredWant(RealmId realm, byte[] id, long retryAt) {
    }

    /** Deferred Wants (at most {@link SessionConfig#maxOfferKeys()}), and the earliest retry among them (monotonic). */
    private final Map<EventId, DeferredWant> deferred = new LinkedHashMap<>();
    private long nextRetry = Long.MAX_VALUE;
    /**
     * Events the peer offered or sent in this session, most recent {@value #PEER_HAS_LIMIT}: not offered back to it
     * (in a mesh, a relay would otherwise offer each new event to peers that offered it first).
     */
    private final java.util.LinkedHashSet<EventId> peerHas = new java.util.LinkedHashSet<>();
    static final int PEER_HAS_LIMIT = 4096;
    private final SyncCodec codec = new SyncCodec();
    /** Replies and control frames waiting for {@link #pollFrame}; bounded (see the class comment). */
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
    private long outboxBytes;
    private int pendingOffers;
    private final Map<RealmId, RealmSync> realms = new LinkedHashMap<>();
    private final List<StoredKey> ingested = new ArrayList<>();
    /** Keys offered before the peer's Hello arrived: offered once the session is open. */
    private final List<StoredKey> offeredEarly = new ArrayList<>();

    /** The peer announced {@link SyncCodec#CAP_MEMBERSHIP_SCOPE} and this side speaks it too. */
    private boolean peerScopes;
    /** The peer's {@link SyncMessage.ScopedOpen} arrived (each side sends at most one). */
    private boolean peerScopedOpen;
    /** Realms the peer opened FULL that this side narrows to membership-only in its ScopedOpen. */
    private final Map<RealmId, DeviceId> toNarrow = new LinkedHashMap<>();

    private State state = State.NEW;
    /** The latest wall time any input carried: {@link #pollFrame} has no clock of its own. */
    private long lastWall;
    private long startedAt;
    private long lastHeard;
    private long sendCredit;
    private long receiveAllowance;
    private double tokens;
    private long tokensAt;
    private boolean syncedReported;
    private CloseReason closeReason;
    private String closeMessage;
    private boolean closedByPeer;

    private long framesSent;
    private long framesReceived;
    private long bytesSent;
    private long bytesReceived;
    private long eventsSent;
    private long eventsReceived;
    private long eventsStored;

    /**
     * @param initiator true for the side that opened the connection: it speaks first
     * @param peer      the peer's device id as authenticated by the transport
     */
    public SyncSession(SyncStore store, SessionConfig config, boolean initiator, DeviceId peer) {
        this(store, config, initiator, peer, WantLedger.withDefaults());
    }

    /**
     * As {@link #SyncSession(SyncStore, SessionConfig, boolean, DeviceId)}, asking for offered events through
     * {@code wants}, the ledger every session of this node shares: an event several peers offer is asked of one.
     */
    public SyncSession(SyncStore store, SessionConfig config, boolean initiator, DeviceId peer, WantLedger wants) {
        this.store = store;
        this.config = config;
        this.initiator = initiator;
        this.peer = peer;
        this.wants = wants;
        this.receiveAllowance = config.receiveWindow();
        this.tokens = config.frameBurst();
    }

    public DeviceId peer() {
        return peer;
    }

    /** Starts the session at {@code now} on both clocks (tests with one clock). */
    public void start(long now) {
        start(now, now);
    }

    /**
     * Starts the session: the initiator queues its Hello. Two clocks, as everywhere in the node:
     * {@code mono} (monotonic ms) for timeouts and rate limits, {@code wall} (ms since the epoch)
     * only for what is recorded (ingest stamps, last sync times), so a wall-clock step neither
     * fires nor disables a timeout.
     */
    public void start(long mono, long wall) {
        if (state != State.NEW) {
            throw new IllegalStateException("session already started");
        }
        startedAt = mono;
        lastWall = wall;
        lastHeard = mono;
        tokensAt = mono;
        state = State.AWAIT_HELLO;
        if (initiator) {
            List<SyncMessage.RealmOpen> opens = new ArrayList<>();
            for (SyncStore.RealmOffer offer : store.offersFor(peer)) {
                Reconciliation r = store.initiate(offer.realm());
                realms.put(offer.realm(), new RealmSync(offer.realm(), r, !store.joined(offer.realm())));
                opens.add(new SyncMessage.RealmOpen(offer.realm(), offer.founder(), r.start()));
            }
            send(hello(opens));
        }
    }

    private SyncMessage.Hello hello(List<SyncMessage.RealmOpen> opens) {
        long capabilities = (config.compactEvents() ? SyncCodec.CAP_COMPACT_EVENTS : 0)
            | (config.membershipScope() ? SyncCodec.CAP_MEMBERSHIP_SCOPE : 0);
        return new SyncMessage.Hello(MIN_VERSION, MAX_VERSION, store.self(), capabilities, config.receiveWindow(), opens);
    }

    /**
     * Handles one frame from the peer. Never throws for anything the peer sent: a frame that does
     * not decode, or any {@link Throwable} while handling it (an {@link OutOfMemoryError} included),
     * ends the session with a typed reason ({@link CloseReason#MALFORMED} while decoding,
     * {@link CloseReason#INTERNAL} while handling).
     */
    public void onFrame(byte[] frame, long now) {
        onFrame(frame, now, now);
    }

    /** As {@link #onFrame(byte[], long)}, with the monotonic and the wall clock apart (see {@link #start(long, long)}). */
    public void onFrame(byte[] frame, long mono, long wall) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.NEW) {
            throw new IllegalStateException("start the session before feeding it frames");
        }
        lastWall = wall;
        lastHeard = mono;
        framesReceived++;
        bytesReceived += frame.length;
        if (!takeToken(mono)) {
            close(CloseReason.FLOODING, "more than " + config.maxFramesPerSecond() + " frames per second (burst "
                + config.frameBurst() + ")");
            return;
        }
        SyncMessage message;
        try {
            message = codec.decode(frame);
        } catch (ProtocolViolationException e) { // too large or malformed
            close(e.reason(), e.getMessage());
            return;
        } catch (Throwable t) { // NOPMD: whatever a peer's bytes do to the decoder ends only this session
            close(CloseReason.MALFORMED, "undecodable frame: " + describe(t));
            return;
        }
        try {
            dispatch(message, wall);
        } catch (ReconciliationFailedException e) {
            close(CloseReason.PROTOCOL_VIOLATION, "reconciliation failed: " + e.getMessage());
        } catch (ProtocolViolationException e) {
            close(e.reason(), e.getMessage());
        } catch (Throwable t) { // NOPMD: see onFrame's contract
            close(CloseReason.INTERNAL, "this node failed handling a " + message.getClass().getSimpleName() + ": "
                + describe(t));
        }
    }

    /** A failure in words: its message, or what kind of failure it was when it has none. */
    private static String describe(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return "out of memory" + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
        }
        if (t instanceof StackOverflowError) {
            return "input nested too deeply";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void dispatch(SyncMessage message, long now) {
        if (message instanceof SyncMessage.Close close) {
            closedByPeer = true;
            closeReason = close.reason();
            closeMessage = close.message();
            state = State.CLOSED;
            wants.releaseAll(this);
            return;
        }
        if (state == State.AWAIT_HELLO && !(message instanceof SyncMessage.Hello)) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, message.getClass().getSimpleName() + " before Hello");
        }
        if (message instanceof SyncMessage.Hello hello) {
            onHello(hello, now);
        } else if (message instanceof SyncMessage.Reconcile r) {
            onReconcile(active(r.realm()), r.message());
        } else if (message instanceof SyncMessage.Events e) {
            onEvents(e, now);
        } else if (message instanceof SyncMessage.Credit c) {
            if (c.bytes() < 0) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "negative credit " + c.bytes());
            }
            sendCredit = Math.min(saturatedAdd(sendCredit, c.bytes()), maxSendCredit());
        } else if (message instanceof SyncMessage.Offer o) {
            onOffer(o, lastHeard);
        } else if (message instanceof SyncMessage.Want w) {
            onWant(w);
        } else if (message instanceof SyncMessage.ScopedOpen so) {
            onScopedOpen(so, now);
        }
        checkSynced(now);
    }

    /**
     * The most credit this side keeps, whatever the peer grants: its own receive window. A peer
     * announcing a huge credit then gets no more than a well-configured one would.
     */
    private long maxSendCredit() {
        return config.receiveWindow();
    }

    private void onHello(SyncMessage.Hello hello, long now) {
        if (state != State.AWAIT_HELLO) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "a second Hello");
        }
        if (hello.maxVersion() < MIN_VERSION || hello.minVersion() > MAX_VERSION || hello.minVersion() > hello.maxVersion()) {
            throw new ProtocolViolationException(CloseReason.VERSION_MISMATCH, "no common protocol version: this node speaks "
                + MIN_VERSION + ".." + MAX_VERSION + ", the peer speaks " + hello.minVersion() + ".." + hello.maxVersion()
                + "; upgrade the older node");
        }
        if (!hello.device().equals(peer)) {
            throw new ProtocolViolationException(CloseReason.WRONG_DEVICE, "Hello names device " + hello.device().shortForm()
                + " but the connection authenticated " + peer.shortForm());
        }
        if (hello.credit() < 0) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "negative credit " + hello.credit());
        }
        sendCredit = Math.min(hello.credit(), maxSendCredit());
        codec.compactEvents((hello.capabilities() & SyncCodec.CAP_COMPACT_EVENTS) != 0); // unknown bits are ignored
        peerScopes = config.membershipScope() && (hello.capabilities() & SyncCodec.CAP_MEMBERSHIP_SCOPE) != 0;
        state = State.OPEN;
        Set<RealmId> mentioned = new HashSet<>();
        List<SyncMessage.RealmOpen> replies = new ArrayList<>();
        for (SyncMessage.RealmOpen open : hello.realms()) {
            if (!mentioned.add(open.realm())) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "realm " + open.realm() + " opened twice");
            }
            RealmSync started = realms.get(open.realm());
            if (started != null) {
                onReconcile(started, open.reconcile()); // the peer's reply to our first message
                continue;
            }
            boolean full = store.accept(peer, open.realm(), open.founder(), now)
                && (!peerScopes || store.scope(peer, open.realm()) == RealmScope.FULL);
            if (!full) {
                if (peerScopes && store.acceptMembershipOnly(peer, open.realm(), open.founder(), now)) {
                    toNarrow.put(open.realm(), open.founder()); // opened membership-only in our ScopedOpen
                }
                continue; // otherwise a realm we do not share with this peer: say nothing about it
            }
            RealmSync rs = new RealmSync(open.realm(), store.respond(open.realm()), !store.joined(open.realm()));
            realms.put(open.realm(), rs);
            byte[] reply = replyTo(rs, open.reconcile());
            if (initiator) {
                if (reply != null) {
                    reply(new SyncMessage.Reconcile(open.realm(), reply));
                }
            } else {
                replies.add(new SyncMessage.RealmOpen(open.realm(), open.founder(), reply == null ? new byte[0] : reply));
            }
        }
        if (initiator) {
            // realms we offered that the peer did not take up are not shared with it (in FULL scope)
            realms.keySet().removeIf(r -> !mentioned.contains(r));
            offerEarly(now);
            return;
        }
        // The responder also opens realms the initiator did not offer (it may not know yet that it was added).
        for (SyncStore.RealmOffer offer : store.offersFor(peer)) {
            if (!realms.containsKey(offer.realm())) {
                Reconciliation r = store.initiate(offer.realm());
                realms.put(offer.realm(), new RealmSync(offer.realm(), r, !store.joined(offer.realm())));
                replies.add(new SyncMessage.RealmOpen(offer.realm(), offer.founder(), r.start()));
            }
        }
        reply(hello(replies));
        if (peerScopes) {
            reply(scopedOpen()); // always, even empty: the initiator answers it with its own
        }
        offerEarly(now);
    }

    /**
     * This side's {@link SyncMessage.ScopedOpen}: the realms it narrows (the peer opened them FULL)
     * and those it shares with the peer only in membership scope, each not open in the session yet,
     * started here as the side that speaks first over the membership events.
     */
    private SyncMessage.ScopedOpen scopedOpen() {
        Map<RealmId, DeviceId> open = new LinkedHashMap<>(toNarrow);
        toNarrow.clear();
        for (SyncStore.RealmOffer offer : store.membershipOffersFor(peer)) {
            open.putIfAbsent(offer.realm(), offer.founder());
        }
        List<SyncMessage.ScopedRealm> out = new ArrayList<>();
        for (Map.Entry<RealmId, DeviceId> e : open.entrySet()) {
            if (realms.containsKey(e.getKey())) {
                continue;
            }
            Reconciliation r = store.initiateMembership(e.getKey());
            realms.put(e.getKey(), new RealmSync(e.getKey(), r, !store.joined(e.getKey()), RealmScope.MEMBERSHIP_ONLY));
            out.add(new SyncMessage.ScopedRealm(e.getKey(), e.getValue(), RealmScope.MEMBERSHIP_ONLY, r.start()));
        }
        return new SyncMessage.ScopedOpen(out);
    }

    /**
     * The peer opens realms membership-only, or narrows realms open FULL to that. The responder's
     * comes right after its Hello and the initiator answers it with its own, so neither opens a
     * realm the other already opened; a realm this side will not sync in any scope is declined with
     * an empty Reconcile.
     */
    private void onScopedOpen(SyncMessage.ScopedOpen open, long now) {
        if (!peerScopes) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "a ScopedOpen without both sides announcing "
                + "membership scopes");
        }
        if (peerScopedOpen) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "a second ScopedOpen");
        }
        peerScopedOpen = true;
        Set<RealmId> mentioned = new HashSet<>();
        for (SyncMessage.ScopedRealm sr : open.realms()) {
            if (!mentioned.add(sr.realm())) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "realm " + sr.realm() + " opened twice");
            }
            if (sr.scope() != RealmScope.MEMBERSHIP_ONLY) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "a ScopedOpen may only narrow, but realm "
                    + sr.realm() + " is opened " + sr.scope());
            }
            RealmSync existing = realms.get(sr.realm());
            if (existing != null && existing.membershipOnly()) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "realm " + sr.realm() + " opened twice");
            }
            if (!store.acceptMembershipOnly(peer, sr.realm(), sr.founder(), now)) {
                if (existing != null) {
                    drop(existing);
                }
                reply(new SyncMessage.Reconcile(sr.realm(), new byte[0])); // declined
                continue;
            }
            if (existing != null) {
                drop(existing); // narrowed: what the FULL reconciliation found or queued is void
            }
            RealmSync rs = new RealmSync(sr.realm(), store.respondMembership(sr.realm()), !store.joined(sr.realm()),
                RealmScope.MEMBERSHIP_ONLY);
            realms.put(sr.realm(), rs);
            byte[] reply = replyTo(rs, sr.reconcile());
            if (reply != null) {
                reply(new SyncMessage.Reconcile(sr.realm(), reply));
            }
        }
        if (initiator) {
            SyncMessage.ScopedOpen ours = scopedOpen();
            if (!ours.realms().isEmpty()) {
                reply(ours);
            }
        }
    }

    /** Forgets a realm of the session, with whatever was queued for it. */
    private void drop(RealmSync rs) {
        pendingOffers -= rs.toOffer.size();
        realms.remove(rs.realm);
    }

    private void offerEarly(long now) {
        if (!offeredEarly.isEmpty()) {
            List<StoredKey> keys = List.copyOf(offeredEarly);
            offeredEarly.clear();
            onLocalChange(keys, now);
        }
    }

    private RealmSync active(RealmId realm) {
        RealmSync rs = realms.get(realm);
        if (rs == null) {
            throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "realm " + realm + " is not open in this session");
        }
        return rs;
    }

    private byte[] replyTo(RealmSync rs, byte[] message) {
        Optional<byte[]> reply = rs.reconciliation.onMessage(message);
        afterStep(rs);
        return reply.orElse(null);
    }

    private void onReconcile(RealmSync rs, byte[] message) {
        if (rs.reconciled && rs.reconciliation.isDone() && message.length == 0) {
            return;
        }
        if (rs.membershipOnly() && !rs.reconciled && message.length == 0) {
            drop(rs); // the peer declined a realm this side opened membership-only
            return;
        }
        byte[] reply = replyTo(rs, message);
        if (reply != null) {
            reply(new SyncMessage.Reconcile(rs.realm, reply));
        }
    }

    private void afterStep(RealmSync rs) {
        if (!rs.reconciled && rs.reconciliation.isDone()) {
            rs.reconciled = true;
            List<SyncMessage.Key> have = new ArrayList<>(rs.reconciliation.have());
            rs.theyLacked = have.size();
            rs.weLacked = rs.reconciliation.need().size();
            // Membership first (the receiver needs it to authorise and read the rest), then oldest
            // first, so creations precede what builds on them.
            Set<EventId> membership = have.isEmpty() ? Set.of() : store.membershipEvents(rs.realm);
            have.sort(Comparator.comparing((SyncMessage.Key k) -> !membership.contains(EventId.fromBytes(k.id())))
                .thenComparingLong(SyncMessage.Key::hlc));
            for (SyncMessage.Key k : have) {
                enqueue(rs, k);
            }
            if (rs.membershipOnly()) {
                // the realm's name, which an invitation shows, lies outside the membership set: offered
                for (SyncMessage.Key k : store.invitationEvents(peer, rs.realm)) {
                    rs.toOffer.add(k);
                    pendingOffers++;
                }
            }
        }
    }

    /**
     * True if this side may send the event to the peer in a membership-only realm: a membership event,
     * or (towards an invitee) the realm's name. Refreshed once when not found (new events arrive).
     */
    private boolean allowed(RealmSync rs, EventId id) {
        if (rs.allowed != null && rs.allowed.contains(id)) {
            return true;
        }
        Set<EventId> fresh = new HashSet<>(store.membershipEvents(rs.realm));
        for (SyncMessage.Key k : store.invitationEvents(peer, rs.realm)) {
            fresh.add(EventId.fromBytes(k.id()));
        }
        rs.allowed = fresh;
        return fresh.contains(id);
    }

    private void enqueue(RealmSync rs, SyncMessage.Key key) {
        EventId id = EventId.fromBytes(key.id());
        if (rs.queued.add(id)) {
            rs.toSend.add(key);
        }
    }

    private void onEvents(SyncMessage.Events e, long now) {
        active(e.realm());
        long bytes = 0;
        for (byte[] event : e.events()) {
            bytes += event.length;
        }
        if (bytes > receiveAllowance) {
            throw new ProtocolViolationException(CloseReason.FLOODING, "received " + bytes + " bytes of events with only "
                + receiveAllowance + " bytes of credit granted");
        }
        RealmSync target = realms.get(e.realm());
        List<byte[]> events = admitted(e, target);
        for (byte[] event : e.events()) {
            EventId id = EventId.of(event);
            if (target.membershipOnly()) {
                target.wantedData.remove(id);
            }
            wants.arrived(id);
            deferred.remove(id);
            notePeerHas(id);
        }
        receiveAllowance -= bytes;
        eventsReceived += e.events().size();
        IngestResult result = events.isEmpty() ? new IngestResult(List.of(), List.of(), 0, 0, 0, List.of())
            : store.ingest(peer, events, now);
        eventsStored += result.stored().size();
        realms.get(e.realm()).received += e.events().size();
        ingested.addAll(result.captured());
        ingested.addAll(result.stored());
        receiveAllowance += bytes;
        reply(new SyncMessage.Credit(bytes));
    }

    /**
     * The frame's events to store. Every envelope must belong to the frame's realm (read from its
     * header, which the author's signature covers): a session carries one realm's events only, so a
     * member of X cannot slip events of a realm Y it is not in through it; checked for the whole
     * frame before anything of it is stored. In a membership-only realm the data (encrypted) events
     * this side did not ask for are left out, never stored: dropped, not a violation, since a peer's
     * push can cross the frame that narrowed the realm, and what it sends is bounded by the credit
     * this side grants anyway.
     */
    private List<byte[]> admitted(SyncMessage.Events e, RealmSync rs) {
        boolean filter = rs.membershipOnly();
        boolean invitee = filter && !store.joined(rs.realm);
        List<byte[]> kept = filter ? new ArrayList<>(e.events().size()) : e.events();
        for (int i = 0; i < e.events().size(); i++) {
            byte[] event = e.events().get(i);
            dev.lorehub.crypto.EnvelopeHeader header;
            try {
                header = SealedEnvelope.peek(event).header();
            } catch (EnvelopeException ex) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "event " + i + " of an Events frame is not a "
                    + "sealed envelope: " + ex.getMessage());
            }
            if (!header.realm().equals(e.realm())) {
                throw new ProtocolViolationException(CloseReason.PROTOCOL_VIOLATION, "an Events frame of realm " + e.realm()
                    + " carries an event of realm " + header.realm() + "; nothing of the frame was stored");
            }
            if (filter && (!header.encrypted() || invitee && rs.wantedData.contains(EventId.of(event)))) {
                kept.add(event);
            }
        }
        return kept;
    }

    private void onOffer(SyncMessage.Offer offer, long mono) {
        RealmSync rs = realms.get(offer.realm());
        if (rs == null) {
            return; // a realm that closed or opened concurrently; the next session reconciles it
        }
        if (offer.keys().size() > config.maxOfferKeys()) {
            throw new ProtocolViolationException(CloseReason.FLOODING, "an offer of " + offer.keys().size() + " keys exceeds "
                + config.maxOfferKeys());
        }
        List<byte[]> wanted = new ArrayList<>();
        boolean invitee = rs.membershipOnly() && !store.joined(rs.realm);
        for (SyncMessage.Key k : offer.keys()) {
            EventId id = EventId.fromBytes(k.id());
            notePeerHas(id);
            if (!store.has(id)) {
                if (invitee && !rs.wantedData.contains(id)) {
                    if (rs.wantedData.size() >= config.maxOfferKeys()) {
                        continue; // enough asked for; the next session reconciles the rest
                    }
                    rs.wantedData.add(id);
                }
                if (!invitee && !wants.claim(id, this, mono) && defer(rs.realm, id, k.id(), mono)) {
                    continue; // another session asked for it: asked for here only if it has not come in time
                }
                wanted.add(k.id());
            }
        }
        if (!wanted.isEmpty()) {
            reply(new SyncMessage.Want(offer.realm(), wanted));
        }
    }

    private void notePeerHas(EventId id) {
        if (peerHas.add(id) && peerHas.size() > PEER_HAS_LIMIT) {
            var oldest = peerHas.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Defers a Want for {@code id} (false when too many are deferred already: then it is asked for at once). */
    private boolean defer(RealmId realm, EventId id, byte[] key, long mono) {
        if (deferred.size() >= config.maxOfferKeys() && !deferred.containsKey(id)) {
            return false;
        }
        long at = wants.retryAt(id, mono);
        deferred.put(id, new DeferredWant(realm, key, at));
        nextRetry = Math.min(nextRetry, at);
        return true;
    }

    /**
     * Asks now for the deferred events that are due and still missing, unless yet another session
     * claimed them meanwhile (then they wait for that claim). A realm no longer open drops its entries.
     */
    private void retryDeferred(long mono) {
        retryDeferred(mono, false);
    }

    /**
     * Another session of this node ended, and with it its claims (the driver calls this): the Wants this
     * session deferred for them are made now, not when those claims would have expired.
     */
    public void retryDeferredWants(long now) {
        if (state == State.OPEN && !deferred.isEmpty()) {
            retryDeferred(now, true);
        }
    }

    private void retryDeferred(long mono, boolean all) {
        if (mono < nextRetry && !all) {
            return;
        }
        nextRetry = Long.MAX_VALUE;
        Map<RealmId, List<byte[]>> ask = new LinkedHashMap<>();
        var it = deferred.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<EventId, DeferredWant> e = it.next();
            DeferredWant d = e.getValue();
            if (d.retryAt() > mono && !all) {
                nextRetry = Math.min(nextRetry, d.retryAt());
                continue;
            }
            if (!realms.containsKey(d.realm()) || store.has(e.getKey())) {
                it.remove();
            } else if (wants.claim(e.getKey(), this, mono)) {
                it.remove();
                ask.computeIfAbsent(d.realm(), r -> new ArrayList<>()).add(d.id());
            } else {
                long at = wants.retryAt(e.getKey(), mono);
                e.setValue(new DeferredWant(d.realm(), d.id(), at));
                nextRetry = Math.min(nextRetry, at);
            }
        }
        for (Map.Entry<RealmId, List<byte[]>> a : ask.entrySet()) {
            reply(new SyncMessage.Want(a.getKey(), a.getValue()));
        }
    }

    /**
     * Queues the wanted events that are held here and not queued already (so the queue never holds
     * more keys than the store holds events); whether each belongs to the Want's realm is checked
     * when it is read for sending.
     */
    private void onWant(SyncMessage.Want want) {
        RealmSync rs = active(want.realm());
        if (want.ids().size() > config.maxOfferKeys()) {
            throw new ProtocolViolationException(CloseReason.FLOODING, "a request for " + want.ids().size() + " events exceeds "
                + config.maxOfferKeys());
        }
        for (byte[] id : want.ids()) {
            EventId eventId = EventId.fromBytes(id);
            if (rs.servesMembershipOnly() && !allowed(rs, eventId)) {
                // Never served. Not a violation: an honest peer's Want can cross the frame that narrowed the
                // realm to its membership (the simulator found this), so it is dropped, not punished.
                continue;
            }
            if (!rs.queued.contains(eventId) && store.has(eventId)) {
                enqueue(rs, new SyncMessage.Key(0, id));
            }
        }
    }

    /**
     * The next batch of queued events that fits the credit, bounded by bytes and count, read from
     * the store now; null when nothing is queued or the next event exceeds the credit left. An id
     * not stored in the realm it was queued for (a Want naming another realm's event) is dropped.
     */
    private byte[] nextEvents() {
        for (RealmSync rs : realms.values()) {
            List<byte[]> batch = new ArrayList<>();
            long bytes = 0;
            while (!rs.toSend.isEmpty() && batch.size() < config.maxBatchEvents() && bytes < config.maxBatchBytes()) {
                SyncMessage.Key k = rs.toSend.peek();
                EventId id = EventId.fromBytes(k.id());
                Optional<byte[]> sealed = rs.servesMembershipOnly() && !allowed(rs, id) ? Optional.empty()
                    : store.sealed(rs.realm, id);
                if (sealed.isEmpty()) {
                    rs.toSend.poll();
                    rs.queued.remove(id);
                    continue;
                }
                int size = sealed.get().length;
                if (bytes + size > sendCredit || (!batch.isEmpty() && bytes + size > config.maxBatchBytes())) {
                    break;
                }
                rs.toSend.poll();
                rs.queued.remove(id);
                batch.add(sealed.get());
                bytes += size;
            }
            if (!batch.isEmpty()) {
                sendCredit -= bytes;
                eventsSent += batch.size();
                return encodeCounted(new SyncMessage.Events(rs.realm, batch));
            }
            if (!rs.toSend.isEmpty()) {
                return null; // out of credit: wait for the peer's Credit
            }
        }
        return null;
    }

    /** The next Offer of new local events, at most {@link SessionConfig#maxOfferKeys()} keys; null if none wait. */
    private byte[] nextOffer() {
        for (RealmSync rs : realms.values()) {
            if (!rs.toOffer.isEmpty()) {
                List<SyncMessage.Key> keys = new ArrayList<>(Math.min(rs.toOffer.size(), config.maxOfferKeys()));
                while (!rs.toOffer.isEmpty() && keys.size() < config.maxOfferKeys()) {
                    keys.add(rs.toOffer.poll());
                }
                pendingOffers -= keys.size();
                return encodeCounted(new SyncMessage.Offer(rs.realm, keys));
            }
        }
        return null;
    }

    private void checkSynced(long now) {
        if (state != State.OPEN) {
            return;
        }
        boolean done = realms.values().stream().allMatch(rs -> rs.reconciled && rs.toSend.isEmpty());
        if (done && !syncedReported) {
            syncedReported = true;
            store.synced(peer, now);
        } else if (!done) {
            syncedReported = false;
        }
    }

    /** True once every shared realm is reconciled and everything the peer lacked was sent (polled). */
    public boolean isSynced() {
        return state == State.OPEN && realms.values().stream().allMatch(rs -> rs.reconciled && rs.toSend.isEmpty());
    }

    /**
     * Offers events that appeared here (written locally, or received from another peer) to this
     * peer: one small message if it already has them. The keys wait in the session and become
     * Offer frames when {@link #pollFrame} is called; if more than
     * {@link SessionConfig#maxPendingOffers()} wait (the peer stopped reading), the session ends
     * normally instead, and the next session's reconciliation finds what was not offered.
     */
    public void onLocalChange(List<StoredKey> keys, long now) {
        onLocalChange(keys);
    }

    /** As {@link #onLocalChange(List, long)}: offering needs no clock. */
    public void onLocalChange(List<StoredKey> keys) {
        if (state == State.AWAIT_HELLO) {
            if (offeredEarly.size() + keys.size() > config.maxPendingOffers()) {
                close(CloseReason.NORMAL, "more than " + config.maxPendingOffers() + " new events waiting to be offered "
                    + "before the session opened; reconnecting to reconcile them");
                return;
            }
            offeredEarly.addAll(keys); // the reconciliation may have started before these existed
            return;
        }
        if (state != State.OPEN) {
            return;
        }
        for (StoredKey k : keys) {
            RealmSync rs = realms.get(k.realm());
            if (rs != null && k.membership() && !rs.servesMembershipOnly()
                && store.scope(peer, rs.realm) != RealmScope.FULL) {
                rs.demoted = true; // a removal: nothing more of the realm's data for this peer in this session
            }
            if (rs != null && (!rs.servesMembershipOnly() || k.membership() || allowed(rs, k.id())) && !peerHas.remove(k.id())) {
                rs.toOffer.add(new SyncMessage.Key(k.hlc(), k.id().toBytes()));
                pendingOffers++;
            }
        }
        if (pendingOffers > config.maxPendingOffers()) {
            close(CloseReason.NORMAL, pendingOffers + " new events waiting to be offered to a peer that is not reading "
                + "(limit " + config.maxPendingOffers() + "); reconnecting to reconcile them");
        }
    }

    /** Handles a timer the driver set from {@link #nextTimer}; {@code now} is monotonic. */
    public void onTimer(long now) {
        if (state == State.AWAIT_HELLO && now - startedAt >= config.helloTimeout()) {
            close(CloseReason.TIMEOUT, "no Hello from the peer within " + config.helloTimeout() + " ms");
        } else if (state == State.OPEN && awaitingPeer() && now - lastHeard >= config.progressTimeout()) {
            close(CloseReason.TIMEOUT, "no progress from the peer within " + config.progressTimeout() + " ms");
        } else if (state == State.OPEN) {
            retryDeferred(now);
        }
    }

    private boolean awaitingPeer() {
        // a loop, not a stream: asked for every open session each time the driver schedules a wake-up
        for (RealmSync rs : realms.values()) {
            if (!rs.reconciled || !rs.toSend.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** When (monotonic) the driver should call {@link #onTimer}, or {@link Long#MAX_VALUE} for never. */
    public long nextTimer() {
        return switch (state) {
            case AWAIT_HELLO -> startedAt + config.helloTimeout();
            case OPEN -> Math.min(awaitingPeer() ? lastHeard + config.progressTimeout() : Long.MAX_VALUE, nextRetry);
            default -> Long.MAX_VALUE;
        };
    }

    /**
     * True if {@link #pollFrame} may have a frame: replies are queued, offers wait, or events are
     * queued and some credit is left (the next event may still exceed it).
     */
    public boolean hasPendingOutput() {
        if (!outbox.isEmpty()) {
            return true;
        }
        if (state != State.OPEN) {
            return false;
        }
        return pendingOffers > 0 || (sendCredit > 0 && realms.values().stream().anyMatch(rs -> !rs.toSend.isEmpty()));
    }

    /**
     * The next frame to send, or null. Replies come first, then offers of new events, then the next
     * batch of events, read from the store only now: call this only when the transport can take
     * the frame, so that nothing the peer has not yet read piles up in memory.
     */
    public byte[] pollFrame() {
        byte[] frame = outbox.poll();
        if (frame != null) {
            outboxBytes -= frame.length;
            return frame;
        }
        if (state != State.OPEN) {
            return null;
        }
        try {
            frame = nextOffer();
            if (frame == null) {
                frame = nextEvents(); // may also drop ids that are not to be served, emptying the queue
                checkSynced(lastWall);
            }
            return frame;
        } catch (RuntimeException e) {
            close(CloseReason.INTERNAL, "this node failed reading events to send: " + describe(e));
            return pollFrame();
        }
    }

    /** Bytes of replies queued for the peer (bounded by {@link SessionConfig#maxOutboxBytes()}). */
    public long outboxBytes() {
        return outboxBytes;
    }

    /** Replies queued for the peer (bounded by {@link SessionConfig#maxOutboxFrames()}). */
    public int outboxFrames() {
        return outbox.size();
    }

    /**
     * Events stored while handling this session's frames since the last call: those received
     * (the driver offers them to its other sessions) and those the replica captured locally in the
     * same transaction ({@link StoredKey#local()}: the driver offers them to every session,
     * this one included).
     */
    public List<StoredKey> drainIngested() {
        List<StoredKey> out = List.copyOf(ingested);
        ingested.clear();
        return out;
    }

    /**
     * Ends the session, telling the peer why. Replies not yet polled are dropped (they mean nothing
     * once the session ends), so the Close is the next frame and the memory is freed at once.
     */
    public void close(CloseReason reason, String message) {
        if (state == State.CLOSED) {
            return;
        }
        dropPending();
        if (state != State.NEW) {
            send(new SyncMessage.Close(reason, message));
        }
        state = State.CLOSED;
        wants.releaseAll(this);
        closeReason = reason;
        closeMessage = message;
    }

    /** True once both Hellos are exchanged and until the session closes. */
    public boolean isOpen() {
        return state == State.OPEN;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Why the session ended (null while open). */
    public CloseReason closeReason() {
        return closeReason;
    }

    public String closeMessage() {
        return closeMessage;
    }

    /** True if the peer ended the session. */
    public boolean closedByPeer() {
        return closedByPeer;
    }

    /**
     * True if a realm this session opened while it was only an invitation here has been joined
     * since: the driver restarts the session so that the realm's data syncs.
     */
    public boolean joinedSinceOpen() {
        for (RealmSync rs : realms.values()) {
            if (rs.invitation && store.joined(rs.realm)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where one realm of this session stands.
     *
     * @param realm       the realm
     * @param reconciled  whether both sides know the difference
     * @param theyLacked  events the reconciliation found the peer lacked
     * @param weLacked    events it found this side lacked
     * @param toSend      of those and of what the peer wanted since, still to send
     * @param received    events of this realm received in this session
     * @param invitation  opened while the realm was only an invitation here (membership and realm events only)
     * @param scope       what the session carries of the realm
     */
    public record RealmProgress(RealmId realm, boolean reconciled, int theyLacked, int weLacked, int toSend, long received,
                                boolean invitation, RealmScope scope) {
        /** How many of the events this side lacked have not arrived yet (an estimate: received counts every event). */
        public long stillLacking() {
            return Math.max(0, weLacked - received);
        }
    }

    /** Every realm of the session, in the order opened. */
    public List<RealmProgress> progress() {
        List<RealmProgress> out = new ArrayList<>();
        for (RealmSync rs : realms.values()) {
            out.add(new RealmProgress(rs.realm, rs.reconciled, rs.theyLacked, rs.weLacked, rs.toSend.size(), rs.received,
                rs.invitation, rs.scope));
        }
        return out;
    }

    /** Realms open in this session, in any scope. */
    public Set<RealmId> realms() {
        return Set.copyOf(realms.keySet());
    }

    /** Realms open in this session with {@link RealmScope#FULL} scope. */
    public Set<RealmId> fullRealms() {
        Set<RealmId> out = new HashSet<>();
        for (RealmSync rs : realms.values()) {
            if (!rs.membershipOnly()) {
                out.add(rs.realm);
            }
        }
        return Set.copyOf(out);
    }

    public SessionStats stats() {
        long rounds = realms.values().stream().mapToLong(rs -> rs.reconciliation.rounds()).sum();
        return new SessionStats(framesSent, framesReceived, bytesSent, bytesReceived, eventsSent, eventsReceived, eventsStored,
            rounds);
    }

    /** Frees everything queued for the peer (on close). */
    private void dropPending() {
        outbox.clear();
        outboxBytes = 0;
        for (RealmSync rs : realms.values()) {
            rs.toSend.clear();
            rs.queued.clear();
            rs.toOffer.clear();
        }
        pendingOffers = 0;
        offeredEarly.clear();
        deferred.clear();
        nextRetry = Long.MAX_VALUE;
    }

    /**
     * Queues a reply to the peer's traffic within the outbox bound: a peer that keeps asking without
     * reading the answers is flooding.
     */
    private void reply(SyncMessage message) {
        byte[] frame = codec.encode(message);
        if (outboxBytes + frame.length > config.maxOutboxBytes() || outbox.size() + 1 > config.maxOutboxFrames()) {
            throw new ProtocolViolationException(CloseReason.FLOODING, "the peer keeps sending requests without reading the replies: "
                + outbox.size() + " replies (" + outboxBytes + " bytes) are waiting, the limit is "
                + config.maxOutboxFrames() + " replies or " + config.maxOutboxBytes() + " bytes");
        }
        queue(frame);
    }

    /** Queues a frame this side starts (its Hello, a Close) regardless of the bound. */
    private void send(SyncMessage message) {
        queue(codec.encode(message));
    }

    private void queue(byte[] frame) {
        outbox.add(frame);
        outboxBytes += frame.length;
        framesSent++;
        bytesSent += frame.length;
    }

    /** Encodes a frame produced at poll time (never queued), counting it as sent. */
    private byte[] encodeCounted(SyncMessage message) {
        byte[] frame = codec.encode(message);
        framesSent++;
        bytesSent += frame.length;
        return frame;
    }

    private boolean takeToken(long now) {
        long elapsed = Math.max(0, now - tokensAt);
        tokensAt = now;
        tokens = Math.min(config.frameBurst(), tokens + elapsed * config.maxFramesPerSecond() / 1000.0);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
