package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Syncs a node with one remote, a round at a time: pull what the remote holds beyond this
 * device's positions and hand it to the node (which verifies every event like one from a peer),
 * then push the events this device holds that the remote lacks.
 *
 * <p>Nothing is lost at any crash point: pushed events are packed into segments and queued in the
 * local outbox (with the ids they carry, in one transaction) before any upload, and an upload is
 * repeated with the very same bytes until the remote confirms it; positions move only after an
 * ingest committed, so an interrupted pull reads the same units again (duplicates are harmless:
 * events are a set).
 *
 * <p>{@link #attempt} adds the retry policy: a failed round is retried after exponential backoff
 * with jitter, computed from the time and randomness it is given, and recorded, so that the
 * backoff and the queue survive a restart. Not thread-safe: one driver thread per instance.
 */
public final class RemoteSync {
    /** Events read per pull page (bounds memory: about 1 KB each). */
    static final int PAGE_EVENTS = 20_000;
    /** Events handed to one ingest (one node transaction, kept short: lh waits at most 5 s for the write lock). */
    static final int INGEST_BATCH = 1_000;
    /** Bytes of queued segments sent in one push (one git commit, one database transaction). */
    static final long PUSH_BYTES = 32L << 20;

    private final Remote remote;
    private final LocalEvents local;
    private final RemoteState state;
    private final Map<RealmId, Set<EventId>> known = new HashMap<>();
    private final Schedule schedule;
    private final Backoff backoff;
    private boolean retriedParked;

    /**
     * A remote on the {@link Schedule#fixed fixed} rule: a round every {@code intervalMillis} while
     * all is well (the driver may run one sooner, e.g. on a local change or a remote notification).
     */
    public RemoteSync(Remote remote, LocalEvents local, RemoteState state, long intervalMillis, Backoff backoff) {
        this(remote, local, state, Schedule.fixed(intervalMillis), backoff);
    }

    /** A remote whose rounds follow {@code schedule} while all is well, and {@code backoff} after failures. */
    public RemoteSync(Remote remote, LocalEvents local, RemoteState state, Schedule schedule, Backoff backoff) {
        this.remote = remote;
        this.local = local;
        this.state = state;
        this.schedule = schedule;
        this.backoff = backoff;
    }

    public Remote remote() {
        return remote;
    }

    /** When rounds come while all is well. */
    public Schedule schedule() {
        return schedule;
    }

    /** When the next round is due (ms since the epoch; 0 = now). */
    public long nextAttemptAt() {
        return state.status(remote.name()).nextAttempt();
    }

    /** The outcome of {@link #attempt}: a round's result, or the error and when to retry. */
    public record Attempt(Optional<RoundResult> result, Optional<String> error, long nextAttemptAt) {
    }

    /** {@link #attempt(long, RandomGenerator, boolean)} for a round that was not prompted (its time had come). */
    public Attempt attempt(long now, RandomGenerator random) {
        return attempt(now, random, false);
    }

    /**
     * Runs a round and records the outcome: on success the next round is due after the gap the
     * {@link Schedule} gives; on a {@link RemoteException} after a backoff that grows with
     * consecutive failures (the schedule never shortens it).
     *
     * @param prompted whether something asked for this round (a local change, a notification, a newly
     *                 shared realm, {@code sync now}): the schedule counts it as activity
     */
    public Attempt attempt(long now, RandomGenerator random, boolean prompted) {
        try {
            RoundResult r = round(now);
            long next = schedule.succeeded(!r.idle(), prompted, now, random);
            state.succeeded(remote.name(), now, next);
            return new Attempt(Optional.of(r), Optional.empty(), next);
        } catch (RemoteException e) {
            schedule.failed(now);
            int failures = state.status(remote.name()).failures() + 1;
            long next = now + backoff.delay(failures, random);
            state.failed(remote.name(), e.getMessage(), failures, next);
            return new Attempt(Optional.empty(), Optional.of(e.getMessage()), next);
        }
    }

    /**
     * One round: pull, then push. Integrity refusals are reported in the result (the rest of the
     * remote still syncs); a remote that cannot be used throws. A device that shares no realm and
     * has nothing queued has nothing to exchange: its round sends no request at all.
     *
     * @throws RemoteException when the remote cannot be reached or refuses the request
     */
    public RoundResult round(long now) {
        RemoteMetrics.Snapshot before = remote.metrics().snapshot();
        Set<RealmId> realms = new TreeSet<>(local.realms());
        if (realms.isEmpty() && state.outboxSize(remote.name()) == 0) {
            return new RoundResult(remote.name(), 0, 0, 0, 0, 0, 0, List.of(), List.of(), remote.metrics().snapshot().minus(before));
        }
        DeviceId self = local.self();
        String own = stream(self);
        Map<RealmId, Map<String, Position>> positions = new LinkedHashMap<>();
        for (RealmId realm : realms) {
            positions.put(realm, state.positions(remote.name(), realm));
        }
        Counts n = new Counts();
        Set<RealmId> changed = remote.changed(realms, positions);
        for (RealmId realm : realms) {
            if (changed.contains(realm)) {
                pullRealm(realm, new HashMap<>(positions.get(realm)), self, now, n);
            }
        }
        if (n.membershipChanged || !retriedParked) {
            retriedParked = true;
            for (RealmId realm : realms) {
                List<byte[]> parked = state.unpark(remote.name(), realm);
                if (!parked.isEmpty()) {
                    n.parked -= parked.size();
                    ingest(realm, parked, now, n);
                }
            }
        }
        for (RealmId realm : realms) {
            enqueue(realm, self, own, positions.get(realm).get(own), now);
        }
        for (int guard = 0; guard < 1_000_000; guard++) {
            List<RemoteState.Queued> queued = state.outbox(remote.name(), PUSH_BYTES);
            if (queued.isEmpty()) {
                break;
            }
            List<Segment> segments = new ArrayList<>();
            for (RemoteState.Queued q : queued) {
                // Our own queue, but read back through the same checks: a damaged local file must not go out.
                Segment s = Segment.read(q.body(), Segment.Name.parse(q.name()), q.realm(), self, "queued " + q.name());
                segments.add(s);
                n.pushedEvents += s.events().size();
            }
            remote.push(segments);
            state.delivered(remote.name(), queued, now);
            n.pushedUnits += segments.size();
        }
        return new RoundResult(remote.name(), n.pushedEvents, n.pushedUnits, n.pulled, n.stored, n.duplicates,
            Math.max(0, n.parked), n.refused, n.tampering, remote.metrics().snapshot().minus(before));
    }

    /**
     * Events held here that a remote has not taken yet (neither pushed nor pulled): how far it is
     * behind this device, for {@code status}.
     */
    public static long unpushed(LocalEvents local, RemoteState state, String remote) {
        long behind = 0;
        for (RealmId realm : local.realms()) {
            Set<EventId> known = state.known(remote, realm);
            for (EventId id : local.ids(realm)) {
                if (!known.contains(id)) {
                    behind++;
                }
            }
        }
        return behind;
    }

    /** The stream name of a writer: its device id in hex. */
    static String stream(DeviceId writer) {
        return java.util.HexFormat.of().formatHex(writer.toBytes());
    }

    private static final class Counts {
        int pushedEvents;
        int pushedUnits;
        int pulled;
        int stored;
        int duplicates;
        int parked;
        boolean membershipChanged;
        final List<String> refused = new ArrayList<>();
        final List<RemoteIntegrityException> tampering = new ArrayList<>();
    }

    private void pullRealm(RealmId realm, Map<String, Position> positions, DeviceId self, long now, Counts n) {
        for (int page = 0; page < 100_000; page++) {
            Remote.Pull pull = remote.pull(realm, positions, self, PAGE_EVENTS);
            n.tampering.addAll(pull.refused());
            Set<String> stopped = new HashSet<>();
            List<byte[]> membership = new ArrayList<>();
            List<byte[]> data = new ArrayList<>();
            List<EventId> ids = new ArrayList<>();
            Map<String, Position> reached = new HashMap<>();
            for (Remote.Unit unit : pull.units()) {
                if (stopped.contains(unit.stream())) {
                    continue;
                }
                RemoteIntegrityException wrong = realmBoundary(realm, unit);
                if (wrong != null) {
                    n.tampering.add(wrong);
                    stopped.add(unit.stream());
                    continue;
                }
                for (byte[] e : unit.events()) {
                    (signedOnly(e) ? membership : data).add(e);
                    ids.add(EventId.of(e));
                }
                reached.put(unit.stream(), unit.after());
            }
            // Membership first, across all writers: it authorises (and unlocks the key for) the rest.
            List<byte[]> all = new ArrayList<>(membership);
            all.addAll(data);
            n.pulled += all.size();
            ingest(realm, all, now, n);
            if (!ids.isEmpty() || !reached.isEmpty()) {
                state.pulled(remote.name(), realm, ids, reached);
            }
            known(realm).addAll(ids);
            positions.putAll(reached);
            if (!pull.more() || reached.isEmpty()) {
                return;
            }
        }
    }

    private void ingest(RealmId realm, List<byte[]> events, long now, Counts n) {
        for (int from = 0; from < events.size(); from += INGEST_BATCH) {
            LocalEvents.Ingested r = local.ingest(events.subList(from, Math.min(events.size(), from + INGEST_BATCH)), now);
            n.stored += r.stored();
            n.duplicates += r.duplicates();
            n.refused.addAll(r.refused());
            n.membershipChanged |= r.membershipChanged();
            if (!r.later().isEmpty()) {
                state.park(remote.name(), realm, r.later());
                n.parked += r.later().size();
            }
        }
    }

    /** A unit whose events are not all of the realm it is stored under is refused whole. */
    private static RemoteIntegrityException realmBoundary(RealmId realm, Remote.Unit unit) {
        for (byte[] e : unit.events()) {
            try {
                RealmId of = SealedEnvelope.peek(e).header().realm();
                if (!of.equals(realm)) {
                    return new RemoteIntegrityException(Reason.WRONG_REALM, unit.place(), "it carries an event of realm " + of
                        + ", stored under realm " + realm);
                }
            } catch (EnvelopeException ex) {
                // not an envelope at all: the node refuses that event itself, with its reason
            }
        }
        return null;
    }

    /** True for a signed-only (membership) envelope: flags bit 0 clear. */
    private static boolean signedOnly(byte[] sealed) {
        return sealed.length > 1 && (sealed[1] & 1) == 0;
    }

    private Set<EventId> known(RealmId realm) {
        return known.computeIfAbsent(realm, r -> state.known(remote.name(), r));
    }

    /** Packs the realm's events the remote lacks into segments and queues them. */
    private void enqueue(RealmId realm, DeviceId self, String own, Position ownPosition, long now) {
        Set<EventId> have = known(realm);
        List<EventId> missing = new ArrayList<>();
        for (EventId id : local.ids(realm)) {
            if (!have.contains(id)) {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Set<EventId> membership = local.membership(realm);
        missing.sort((a, b) -> Boolean.compare(!membership.contains(a), !membership.contains(b)));
        Position last = ownPosition != null ? ownPosition : remote.lastWritten(realm, self).orElse(Position.START);
        List<byte[]> events = new ArrayList<>();
        List<EventId> ids = new ArrayList<>();
        long bytes = Segment.HEADER_LENGTH;
        for (EventId id : missing) {
            Optional<byte[]> sealed = local.sealed(id);
            if (sealed.isEmpty()) {
                continue; // gone meanwhile (cannot happen with an append-only log, but never push a hole)
            }
            if (!events.isEmpty() && (events.size() >= Segment.MAX_EVENTS || bytes + 4 + sealed.get().length > Segment.TARGET_BYTES)) {
                last = queue(realm, self, own, last, events, ids, now);
                events = new ArrayList<>();
                ids = new ArrayList<>();
                bytes = Segment.HEADER_LENGTH;
            }
            events.add(sealed.get());
            ids.add(id);
            bytes += 4 + sealed.get().length;
        }
        if (!events.isEmpty()) {
            queue(realm, self, own, last, events, ids, now);
        }
    }

    private Position queue(RealmId realm, DeviceId self, String own, Position last, List<byte[]> events, List<EventId> ids,
                           long now) {
        Segment s = Segment.pack(realm, self, last.seq() + 1, last.hash(), events);
        state.enqueue(remote.name(), s, ids, own, now);
        known(realm).addAll(ids);
        return new Position(s.seq(), s.hash());
    }
}
