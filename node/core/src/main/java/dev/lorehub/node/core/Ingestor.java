package dev.lorehub.node.core;

import dev.lorehub.crypto.CryptoException;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.OpenedEnvelope;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verifies, stores and applies a batch of events from a peer or a remote, inside one
 * transaction (DESIGN.md §3, §5). Every event is bounded before it is decoded, its id is the hash
 * of the bytes received, and its author's signature is checked before anything else. Then:
 * <ul>
 *   <li>membership events are admitted parents first, each only if its author held the role it
 *       needs in the membership it cites ({@link Membership}); a refused one is never stored;</li>
 *   <li>an entity event is stored only if its realm is joined here, its author ever held a role
 *       that writes, and (when this device can read it) the membership it cites let its author
 *       write; one whose cited membership has not arrived, or that is stamped more than
 *       {@link HybridClock#MAX_FORWARD_MILLIS} ahead of this clock, is <em>held</em>: kept aside, never
 *       forwarded, re-examined when membership changes or time passes, capped per realm; one whose
 *       authority a removal voided is stored but changes nothing (so all devices hold one set);</li>
 *   <li>an entity id held here by another realm is never written, moved or related by this one;</li>
 *   <li>events this device cannot decrypt are kept as ciphertext for relaying;</li>
 *   <li>events of the previous release's format (no causal past) are decided by their place among the
 *       realm's legacy membership events ({@link Membership}, "Realms founded by the previous release");
 *       a legacy membership event the implicit chain refuses for now is {@link Membership.Admission#KEPT
 *       kept} (stored), since an earlier one arriving later can still make it valid. They are stored
 *       without a chain position, as that release stored them.</li>
 * </ul>
 * Many lore deletions stored together are noted as a mass deletion ({@code lhsync_mass_deletes}), so
 * {@code status} offers the undo on this device too.
 * A refused event is counted per source, realm and reason (see {@code lhsync_refusals}) while the
 * rest of the batch still applies.
 */
final class Ingestor {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    /** Most events held per realm. */
    static final int HOLD_MAX_EVENTS = 10_000;
    /** Most bytes held per realm. */
    static final long HOLD_MAX_BYTES = 64L << 20;
    private static final RealmId NO_REALM = RealmId.fromBytes(new byte[RealmId.LENGTH]);

    /** Reasons for holding an event (stored in {@code lhsync_held.reason}). */
    enum HoldReason {
        /** Stamped too far ahead of this device's clock. */
        FUTURE,
        /** It cites membership events (or links of a removed author's chain) that have not arrived. */
        WAITING
    }

    private final ReplicaContext ctx;
    private final Materializer materializer;
    private final EventWriter writer;
    private final EnvelopeVerifier verifier;

    Ingestor(ReplicaContext ctx, Materializer materializer, EventWriter writer, EnvelopeVerifier verifier) {
        this.verifier = verifier;
        this.ctx = ctx;
        this.materializer = materializer;
        this.writer = writer;
    }

    /** An event to store once its signature checks out. */
    private static final class Candidate {
        final int index;
        final EventId id;
        final byte[] sealed;
        final OpenedEnvelope header;
        Supplier<EnvelopeVerifier.Checked> check;

        Candidate(int index, EventId id, byte[] sealed, OpenedEnvelope header) {
            this.index = index;
            this.id = id;
            this.sealed = sealed;
            this.header = header;
        }

        RealmId realm() {
            return header.header().realm();
        }

        /** True for an event that was held and is re-examined now (not part of the batch). */
        boolean released() {
            return index < 0;
        }

        long hlc() {
            return header.header().timestamp();
        }

        DeviceId author() {
            return header.author();
        }

        EventId id() {
            return id;
        }
    }

    /** An entity touched by the batch, to re-materialise once everything is stored. */
    private record Touched(RealmId realm, EntityKind kind, String entity) {
    }

    /** The state of one ingest. */
    private final class Run {
        final Tx tx;
        final String source;
        final List<Rejection> rejected = new ArrayList<>();
        final List<StoredKey> stored = new ArrayList<>();
        final List<Touched> touched = new ArrayList<>();
        /**
         * Per realm whose membership changed in this run: its entity events that did not apply before
         * anything they depend on changed (see {@link #beforeMembershipChange}).
         */
        final Map<RealmId, Set<EventId>> unappliedBefore = new HashMap<>();
        /**
         * Per realm and removed author whose chain grew in this run (while the realm's membership had
         * not changed yet): that author's events that did not apply before. Only its own events can
         * flip when its chain grows, so only they are read (the whole realm's were: ~10% of ingest).
         */
        final Map<RealmId, Map<DeviceId, Set<EventId>>> unappliedBeforeBy = new HashMap<>();
        final Set<RealmId> membershipChanged = new LinkedHashSet<>();
        /** Lore deletions stored, per realm: count, earliest and latest time (ms), for mass-deletion records. */
        final Map<RealmId, long[]> deletions = new HashMap<>();
        /** Realms in which a removed author's chain grew in this run (stored events of it may be decidable now). */
        final Set<RealmId> chainsGrew = new LinkedHashSet<>();
        /** The membership size of each realm when its change was last settled in this run. */
        final Map<RealmId, Integer> settledAt = new HashMap<>();
        int duplicates;
        int held;
        int opaque;

        Run(Tx tx, String source) {
            this.tx = tx;
            this.source = source;
        }

        void reject(Candidate c, RejectReason reason, String detail) throws StorageException {
            if (!c.released()) {
                rejected.add(new Rejection(c.index, c.id, reason, detail)); // a released held event was not in this batch
            }
            ctx.events().recordRefusal(source, c.realm(), reason.name(), c.id, c.author(), detail,
                tx.now());
        }

        void reject(int index, EventId id, RejectReason reason, String detail) throws StorageException {
            rejected.add(new Rejection(index, id, reason, detail));
            ctx.events().recordRefusal(source, NO_REALM, reason.name(), id, null, detail, tx.now());
        }

        void hold(Candidate c, HoldReason reason, String detail) throws StorageException {
            long[] size = ctx.events().heldSize(c.realm());
            if (size[0] >= HOLD_MAX_EVENTS || size[1] + c.sealed.length > HOLD_MAX_BYTES) {
                reject(c, RejectReason.HELD_FULL, "this device already holds " + size[0] + " events of realm " + c.realm()
                    + " aside; not holding another (" + detail + ")");
                return;
            }
            ctx.events().hold(new LogRows.HeldEvent(c.id, c.realm(), c.hlc(), c.author(),
                reason.name(), detail, source, c.sealed, tx.now()));
            held++;
        }
    }

    /** Whether an event is stored or held here already: ingesting it again counts it as a duplicate. */
    boolean alreadyHere(EventId id) throws StorageException {
        return ctx.events().storedOrHeld(id);
    }

    IngestResult ingest(Tx tx, List<byte[]> batch, String source) throws StorageException {
        Run run = new Run(tx, source);
        List<Candidate> membership = new ArrayList<>();
        List<Candidate> data = new ArrayList<>();
        Set<EventId> seen = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            byte[] sealed = batch.get(i);
            if (sealed.length > SealedEnvelope.MAX_SEALED) {
                run.reject(i, null, RejectReason.OVERSIZED, sealed.length + " bytes exceeds the limit of " + SealedEnvelope.MAX_SEALED);
                continue;
            }
            EventId id = EventId.of(sealed);
            if (!seen.add(id) || alreadyHere(id)) {
                run.duplicates++;
                continue;
            }
            OpenedEnvelope header;
            try {
                header = SealedEnvelope.peek(sealed); // unverified: only to order and route; verified below
            } catch (EnvelopeException e) {
                run.reject(i, id, reason(e), e.getMessage());
                continue;
            }
            Candidate c = new Candidate(i, id, sealed, header);
            Optional<LogRows.SyncedRealmRow> realm = ctx.realm(c.realm());
            if (realm.isEmpty()) {
                run.reject(c, RejectReason.UNKNOWN_REALM, "realm " + c.realm() + " is not synced by this device");
                continue;
            }
            (header.header().encrypted() ? data : membership).add(c);
        }
        Comparator<Candidate> order = Comparator.comparingLong(Candidate::hlc).thenComparing(Candidate::id);
        membership.sort(order);
        data.sort(order);
        // Verification runs ahead, in processing order, while earlier events are stored.
        List<Candidate> all = new ArrayList<>(membership);
        all.addAll(data);
        List<Supplier<EnvelopeVerifier.Checked>> checks = verifier.verifyLater(all.stream().map(c -> c.sealed).toList());
        for (int k = 0; k < all.size(); k++) {
            all.get(k).check = checks.get(k);
        }
        admitMembership(run, membership);
        settleMembership(run);
        for (Candidate c : data) {
            ingestData(run, c);
        }
        releaseWaitingAfterData(run);
        settleMembership(run); // membership events released with the data (due at last, or no longer waiting)
        touchDecidedByChains(run);
        applyInOrder(run.touched);
        for (Map.Entry<RealmId, long[]> d : run.deletions.entrySet()) {
            // many lores deleted together elsewhere (another tool on another device): `status` flags it here too
            ctx.events().noteDeletions(d.getKey(), d.getValue()[0], d.getValue()[1], d.getValue()[2]);
        }
        return new IngestResult(run.stored, List.of(), run.duplicates, run.held, run.opaque, run.rejected);
    }

    // ------------------------------------------------------------------ membership

    private void admitMembership(Run run, List<Candidate> candidates) throws StorageException {
        Map<Candidate, MembershipEvent> decoded = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            SealedEnvelope.Verified verified = verified(run, c);
            if (verified == null) {
                continue;
            }
            EventBody body;
            try {
                body = ctx.codec().decode(SealedEnvelope.open(verified, (r, e) -> Optional.empty()).plaintext());
            } catch (EnvelopeException e) {
                run.reject(c, reason(e), e.getMessage());
                continue;
            } catch (EventFormatException e) {
                run.reject(c, formatReason(e), e.getMessage());
                continue;
            }
            if (!(body instanceof MembershipChange change)) {
                run.reject(c, RejectReason.MALFORMED, "an unencrypted event must be a membership change");
                continue;
            }
            decoded.put(c, new MembershipEvent(c.id, c.hlc(), c.author(), change));
        }
        // Parents first: admissible events are stamped after their parents, so (HLC, id) order almost
        // always is; an event whose parent comes later in the batch is retried.
        boolean progress = true;
        while (progress && !decoded.isEmpty()) {
            progress = false;
            var it = decoded.entrySet().iterator();
            while (it.hasNext()) {
                var entry = it.next();
                Candidate c = entry.getKey();
                MembershipEvent e = entry.getValue();
                Membership m = ctx.membership(c.realm());
                Membership.Verdict v = m.check(e);
                if (v.admission() == Membership.Admission.PENDING) {
                    continue;
                }
                it.remove();
                progress = true;
                switch (v.admission()) {
                    case DUPLICATE -> run.duplicates++;
                    case KEPT -> {
                        // the previous release's format, not valid in the chain as it stands: stored (never
                        // forwarded differently), so that an earlier legacy event arriving later can validate it
                        store(run, c, e.change());
                        m.admit(e);
                        ctx.membershipChanged(c.realm());
                    }
                    case REFUSED -> {
                        m.admit(e); // remembers the refusal, so events citing it are refused too
                        run.reject(c, RejectReason.UNAUTHORIZED, v.reason());
                    }
                    case ADMITTED -> {
                        if (tooFarAhead(run, c)) {
                            run.hold(c, HoldReason.FUTURE, futureDetail(run, c));
                            continue;
                        }
                        beforeMembershipChange(run, c.realm());
                        store(run, c, e.change());
                        m.admit(e);
                        ctx.membershipChanged(c.realm());
                        run.membershipChanged.add(c.realm());
                    }
                    default -> throw new IllegalStateException();
                }
            }
        }
        for (var entry : decoded.entrySet()) {
            Candidate c = entry.getKey();
            MembershipEvent e = entry.getValue();
            Membership m = ctx.membership(c.realm());
            boolean plausible = c.released() || e.change().op() == MembershipChange.Op.GENESIS || m.everAdmin(c.author())
                || m.founder().isEmpty();
            if (plausible) {
                run.hold(c, HoldReason.WAITING, m.check(e).reason());
            } else {
                run.reject(c, RejectReason.UNAUTHORIZED, "author " + c.author().shortForm() + " was never an admin of realm "
                    + c.realm());
            }
        }
    }

    /**
     * Handles every realm whose membership changed, again as long as doing so admitted more
     * membership events (a released held event may be one).
     */
    private void settleMembership(Run run) throws StorageException {
        Map<RealmId, Integer> settledAt = run.settledAt;
        for (int round = 0; round < 100; round++) {
            boolean any = false;
            for (RealmId realm : new ArrayList<>(run.membershipChanged)) {
                int size = ctx.membership(realm).size();
                if (!Integer.valueOf(size).equals(settledAt.get(realm))) {
                    settledAt.put(realm, size);
                    afterMembershipChange(run, realm);
                    any = true;
                }
            }
            if (!any) {
                return;
            }
        }
    }

    /**
     * Events that waited for a removed author's earlier events (its chain up to a removal's
     * frontier) may be decidable now that more of them are stored: re-examine them while that
     * stores something.
     */
    private void releaseWaitingAfterData(Run run) throws StorageException {
        Set<RealmId> realms = new LinkedHashSet<>();
        for (StoredKey k : run.stored) {
            if (!k.membership()) {
                realms.add(k.realm());
            }
        }
        for (RealmId realm : realms) {
            for (int round = 0; round < 100; round++) {
                if (ctx.events().heldSize(realm)[0] == 0) {
                    break;
                }
                int before = run.stored.size();
                releaseHeld(run, realm, false);
                if (run.stored.size() == before) {
                    break;
                }
            }
        }
    }

    /** New membership in a realm: unwrap keys, read what was opaque, release held events, re-apply what flipped. */
    private void afterMembershipChange(Run run, RealmId realm) throws StorageException {
        if (refreshKeys(realm)) {
            reveal(realm, run.touched);
        }
        releaseHeld(run, realm, false);
        touchFlipped(run, realm);
    }

    /**
     * Entities with an event whose standing (applied or not) changed since the run began are
     * re-materialised: all of the realm's events if its membership changed in this run, else those of
     * the removed authors whose chains grew.
     */
    private void touchFlipped(Run run, RealmId realm) throws StorageException {
        Set<EventId> before = run.unappliedBefore.get(realm);
        if (before != null) {
            ctx.events().forEachAuthorship(realm, (kind, entity, author, hlc, id, seq, auth) ->
                touchIfFlipped(run, realm, before, kind, entity, author, hlc, id, seq, auth));
            return;
        }
        for (Map.Entry<DeviceId, Set<EventId>> by : run.unappliedBeforeBy.getOrDefault(realm, Map.of()).entrySet()) {
            Set<EventId> was = by.getValue();
            ctx.events().forEachAuthorshipBy(realm, by.getKey(),
                (kind, entity, author, hlc, id, seq, auth) -> touchIfFlipped(run, realm, was, kind, entity, author, hlc, id, seq, auth));
        }
    }

    private void touchIfFlipped(Run run, RealmId realm, Set<EventId> unappliedBefore, EntityKind kind, String entity, DeviceId author,
        long hlc, EventId id, long seq, byte[] auth) throws StorageException {
        if (unappliedBefore.contains(id) == applies(realm, author, hlc, seq, auth, id)) {
            run.touched.add(new Touched(realm, kind, entity));
        }
    }

    /**
     * The realm's membership is about to change: remembers which of its events did not apply before
     * (a removed author's events as they stood before its chain grew earlier in this run, if it did).
     */
    private void beforeMembershipChange(Run run, RealmId realm) {
        if (run.unappliedBefore.containsKey(realm)) {
            return;
        }
        Map<DeviceId, Set<EventId>> earlier = run.unappliedBeforeBy.getOrDefault(realm, Map.of());
        Set<EventId> out = new HashSet<>();
        earlier.values().forEach(out::addAll);
        try {
            ctx.events().forEachAuthorship(realm, (kind, entity, author, hlc, id, seq, auth) -> {
                if (!earlier.containsKey(author) && !applies(realm, author, hlc, seq, auth, id)) {
                    out.add(id);
                }
            });
        } catch (StorageException e) {
            throw new ReplicaException("Cannot read realm " + realm + "'s events: " + e.getMessage(), e);
        }
        run.unappliedBefore.put(realm, out);
    }

    /**
     * An event of a removed author is about to be stored: it may be a link of its chain that decides
     * whether its later events, stored earlier, lie before the removal's frontier. Remembers what was
     * not applied before, so {@link #touchDecidedByChains} re-materialises what that link decides.
     */
    private void noteChainGrowth(Run run, Membership m, RealmId realm, DeviceId author) {
        for (Membership.Restriction r : m.restrictions()) {
            if (author.equals(r.subject())) {
                run.chainsGrew.add(realm);
                if (!run.unappliedBefore.containsKey(realm)) { // else every event of the realm is compared anyway
                    run.unappliedBeforeBy.computeIfAbsent(realm, x -> new HashMap<>()).computeIfAbsent(author,
                        a -> unapplied(realm, a));
                }
                return;
            }
        }
    }

    /** Events stored earlier that a removed author's newly stored links decided (applied now, or no longer). */
    private void touchDecidedByChains(Run run) throws StorageException {
        for (RealmId realm : run.chainsGrew) {
            touchFlipped(run, realm);
        }
    }

    /** Stored readable entity events of one author in a realm that do not change its data under the current membership. */
    private Set<EventId> unapplied(RealmId realm, DeviceId author) {
        Set<EventId> out = new HashSet<>();
        try {
            ctx.events().forEachAuthorshipBy(realm, author, (kind, entity, by, hlc, id, seq, auth) -> {
                    if (!applies(realm, by, hlc, seq, auth, id)) {
                        out.add(id);
                    }
                });
        } catch (StorageException e) {
            throw new ReplicaException("Cannot read realm " + realm + "'s events: " + e.getMessage(), e);
        }
        return out;
    }

    /** Whether a stored readable entity event changes its realm's data under the current membership. */
    private boolean applies(RealmId realm, DeviceId author, long hlc, long seq, byte[] auth, EventId event)
        throws StorageException {
        return ctx.writeAuthority(realm, author, ReplicaContext.splitIds(auth), seq, null, hlc, event)
            .authorized();
    }

    /**
     * Re-examines the realm's held events: those now admissible are stored and applied, those now
     * refused are dropped, the rest stay. {@code timeOnly}: only events held for their timestamp.
     */
    void releaseHeld(Run run, RealmId realm, boolean timeOnly) throws StorageException {
        // Events still stamped too far ahead are left where they are, unread: they would only be held again for
        // the same reason (or decided early by what they cite, which is decided just the same when they fall due).
        // Re-examined then (releaseDue) instead of at every event stored in their realm and, once the earliest fell
        // due, at every maintenance: re-verifying, decrypting and holding again every such event was ~7% of the
        // simulator's time with clocks skewed ahead, and reading their rows only to skip them another 2%.
        long dueFrom = dueFrom(run);
        List<LogRows.HeldEvent> held = timeOnly
            ? ctx.events().heldDueFor(realm, HoldReason.FUTURE.name(), dueFrom, HOLD_MAX_EVENTS)
            : ctx.events().heldDue(realm, HoldReason.FUTURE.name(), dueFrom, HOLD_MAX_EVENTS);
        List<Candidate> again = new ArrayList<>();
        for (LogRows.HeldEvent h : held) {
            ctx.events().release(h.id());
            OpenedEnvelope header = SealedEnvelope.peek(h.sealed());
            again.add(new Candidate(-1, h.id(), h.sealed(), header));
        }
        if (again.isEmpty()) {
            return;
        }
        // Checked again through the driver's verifier, like a batch: a held event is re-examined each
        // time data is stored in its realm, and a verifier may spread or remember the work.
        List<Supplier<EnvelopeVerifier.Checked>> checks = verifier.verifyLater(again.stream().map(c -> c.sealed).toList());
        for (int i = 0; i < again.size(); i++) {
            again.get(i).check = checks.get(i);
        }
        admitMembership(run, again.stream().filter(c -> !c.header.header().encrypted()).toList());
        for (Candidate c : again) {
            if (c.header.header().encrypted()) {
                ingestData(run, c);
            }
        }
    }

    /**
     * The smallest HLC still stamped too far ahead of this device's clock ({@link #tooFarAhead}): an event held
     * for {@link HoldReason#FUTURE} falls due once its HLC is below it.
     */
    private static long dueFrom(Run run) {
        return (run.tx.now() + HybridClock.MAX_FORWARD_MILLIS + 1) << HybridClock.LOGICAL_BITS;
    }

    // ------------------------------------------------------------------ entity events

    private void ingestData(Run run, Candidate c) throws StorageException {
        Membership m = ctx.membership(c.realm());
        DeviceId author = c.author();
        noteChainGrowth(run, m, c.realm(), author);
        if (!m.everWriter(author)) {
            if (m.founder().isEmpty() || c.released()) {
                run.hold(c, HoldReason.WAITING, "the realm's membership has not arrived yet");
            } else {
                run.reject(c, RejectReason.UNAUTHORIZED, "author " + author.shortForm() + " never held a role that writes in "
                    + "realm " + c.realm());
            }
            return;
        }
        SealedEnvelope.Verified verified = verified(run, c);
        if (verified == null) {
            return;
        }
        boolean joined = ctx.realm(c.realm()).map(LogRows.SyncedRealmRow::joined).orElse(false);
        OpenedEnvelope opened;
        try {
            opened = SealedEnvelope.open(verified, this::key);
        } catch (EnvelopeException e) {
            if (e.reason() == EnvelopeException.Reason.NO_KEY && !joined) {
                run.reject(c, RejectReason.NOT_JOINED, notJoined(c));
            } else if (e.reason() == EnvelopeException.Reason.NO_KEY) {
                ctx.events().append(new StoredEvent(c.id, c.realm(), c.hlc(), author, null, null,
                    c.sealed), run.tx.now());
                StoredKey key = new StoredKey(c.realm(), c.hlc(), c.id, false, false);
                run.stored.add(key);
                run.tx.stored(key);
                run.opaque++;
            } else {
                run.reject(c, reason(e), e.getMessage());
            }
            return;
        }
        EventCodec.Decoded parts;
        try {
            parts = ctx.codec().decodeParts(opened.plaintext());
        } catch (EventFormatException e) {
            run.reject(c, formatReason(e), e.getMessage());
            return;
        }
        if (!(parts.body() instanceof EntityChange unresolved)) {
            run.reject(c, RejectReason.MALFORMED, "an encrypted event must be an entity change");
            return;
        }
        if (!joined && unresolved.kind() != EntityKind.REALM) {
            run.reject(c, RejectReason.NOT_JOINED, notJoined(c)); // an invitation carries its name, nothing else
            return;
        }
        EntityChange change;
        try {
            // A text sent as a delta (issue 17) is applied to its base and checked against its hash
            // here, before anything else reads the change: one that does not fit is refused, one
            // whose base has not arrived waits aside (never stored half-read, never forwarded).
            change = ctx.resolve(c.realm(), opened.header().epoch(), c.id, parts);
        } catch (MissingDeltaBaseException e) {
            run.hold(c, HoldReason.WAITING, e.getMessage());
            return;
        } catch (EventFormatException e) {
            run.reject(c, RejectReason.MALFORMED, e.getMessage());
            return;
        }
        if (!joined && change.kind() != EntityKind.REALM) {
            run.reject(c, RejectReason.NOT_JOINED, notJoined(c)); // an invitation carries its name, nothing else
            return;
        }
        String problem = structuralProblem(c.realm(), change);
        if (problem != null) {
            run.reject(c, RejectReason.MALFORMED, problem);
            return;
        }
        problem = ValueRules.problem(change);
        if (problem != null) {
            run.reject(c, RejectReason.INVALID_VALUE, problem);
            return;
        }
        long cited = m.maxHlc(change.causality().auth());
        if (cited > 0 && c.hlc() <= cited) {
            run.reject(c, RejectReason.UNAUTHORIZED, "stamped no later than the membership it cites");
            return;
        }
        String foreign = ownedElsewhere(c.realm(), change);
        if (foreign != null) {
            run.reject(c, RejectReason.CROSS_REALM, foreign);
            return;
        }
        ReplicaContext.Authority authority = ctx.writeAuthority(c.realm(), author, change.causality(), c.hlc(), c.id);
        switch (authority.status()) {
            case REFUSED -> {
                run.reject(c, RejectReason.UNAUTHORIZED, authority.reason());
                return;
            }
            case PENDING -> {
                run.hold(c, HoldReason.WAITING, authority.reason());
                return;
            }
            case VOIDED, AUTHORIZED -> {
                // a voided event is kept (not applied) like everywhere the removal is known, so every
                // device holds the same set, and applies again should the removal itself be voided
            }
        }
        if (tooFarAhead(run, c)) {
            run.hold(c, HoldReason.FUTURE, futureDetail(run, c));
            return;
        }
        store(run, c, change);
        // Decoded from these very bytes, deltas resolved as the fold would resolve them: the fold that
        // applies it next reads it from the cache instead of decrypting and decoding it a second time.
        ctx.rememberBody(c.id, change, c.sealed.length);
        run.touched.add(new Touched(c.realm(), change.kind(), change.entityId()));
        if (change.kind() == EntityKind.LORE && change.deleted() && authority.authorized()) {
            long[] d = run.deletions.computeIfAbsent(c.realm(), r -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            d[0]++;
            d[1] = Math.min(d[1], HybridClock.millis(c.hlc()));
            d[2] = Math.max(d[2], HybridClock.millis(c.hlc()));
        }
    }

    private static String notJoined(Candidate c) {
        return "realm " + c.realm() + " is only an invitation here: its lores sync once the user runs `lorehub-node realm join`";
    }

    private boolean tooFarAhead(Run run, Candidate c) {
        return HybridClock.millis(c.hlc()) - run.tx.now() > HybridClock.MAX_FORWARD_MILLIS;
    }

    private String futureDetail(Run run, Candidate c) {
        long ahead = HybridClock.millis(c.hlc()) - run.tx.now();
        return "stamped " + (ahead / 60_000) + " min ahead of this device's clock (device " + c.author().shortForm()
            + " or this one has a wrong clock); held until then";
    }

    /** Null if the decrypted change may be stored structurally; a message otherwise. */
    private static String structuralProblem(RealmId realm, EntityChange change) {
        if (change.kind() == EntityKind.REALM && !change.entityId().equals(realm.toString())) {
            return "a realm event must name its own realm";
        }
        if (change.kind() == EntityKind.RELATION) {
            try {
                RelationKey.of(change.entityId());
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /**
     * Null unless the change would write, move or relate an entity that another realm holds on
     * this device (realms are sealed: DESIGN.md §3); then why.
     */
    private String ownedElsewhere(RealmId realm, EntityChange change) throws StorageException {
        String mine = ctx.localRealmId(realm);
        switch (change.kind()) {
            case LORE -> {
                String other = holderOf(change.entityId(), mine, realm);
                return other == null ? null : "lore " + change.entityId() + " belongs to " + other
                    + " on this device; an event of realm " + realm + " may not change it";
            }
            case RELATION -> {
                RelationKey key = RelationKey.of(change.entityId());
                for (String end : new String[] {key.from(), key.to()}) {
                    String other = holderOf(end, mine, realm);
                    if (other != null) {
                        return "relation " + key.type() + " names lore " + end + ", which belongs to " + other
                            + " on this device; a relation joins lores of its own realm only";
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The realm a lore row belongs to here, if that is not {@code mine} (the local realm mapped to {@code realm}). */
    private String holderOf(String loreId, String mine, RealmId realm) throws StorageException {
        Optional<String> holder = ctx.tables().realmOfLore(loreId);
        if (holder.isPresent() && !holder.get().equals(mine)) {
            return ctx.syncedRealmOf(holder.get()).map(r -> "synced realm " + r).orElse("local realm "
                + holder.get() + " (not shared)");
        }
        if (holder.isEmpty()) {
            for (RealmId o : ctx.events().realmsOf(EntityKind.LORE, loreId)) {
                if (!o.equals(realm) && ctx.localRealmId(o) != null) {
                    EntityState s = materializer.fold(o, EntityKind.LORE, loreId);
                    if (s.isLive()) {
                        return "synced realm " + o;
                    }
                }
            }
        }
        return null;
    }

    private void store(Run run, Candidate c, EventBody body) throws StorageException {
        if (body instanceof EntityChange change) {
            ctx.noteStored(c.realm(), c.id, c.hlc(), c.author(), change);
        }
        Causality causality = body.causality();
        boolean legacy = causality.legacy(); // stored as the previous release stored it: no chain position
        ctx.events().append(new StoredEvent(c.id, c.realm(), c.hlc(), c.author(),
            body.kind(), body.entityId(), c.sealed, legacy ? null : causality.seq(),
            causality.prev(), legacy ? null : ReplicaContext.joinIds(causality.auth())),
            run.tx.now());
        if (c.author().equals(ctx.self())) {
            ctx.forgetChainTip(c.realm()); // this device's own event came back (after a restore): its chain may have grown
        }
        if (body instanceof MembershipChange) {
            ctx.membershipChanged(c.realm());
        } else {
            ctx.chainGrew(c.realm(), c.author()); // if the author was removed, its chain may have grown
        }
        ctx.clock().observe(c.hlc(), run.tx.now());
        ctx.step("stored " + c.id.shortForm());
        StoredKey key = new StoredKey(c.realm(), c.hlc(), c.id, body instanceof MembershipChange, false);
        run.stored.add(key);
        run.tx.stored(key);
    }

    /** The verified envelope, or null after recording why it failed. */
    private static SealedEnvelope.Verified verified(Run run, Candidate c) throws StorageException {
        EnvelopeVerifier.Checked checked = c.check.get();
        if (checked.failure() != null) {
            run.reject(c, reason(checked.failure()), checked.failure().getMessage());
            return null;
        }
        return checked.verified();
    }

    private Optional<EpochKey> key(RealmId realm, int epoch) {
        return ctx.secrets().keyring(realm).flatMap(k -> k.epoch(epoch));
    }

    /** Unwraps realm keys newly addressed to this device; true if any was added. */
    boolean refreshKeys(RealmId realm) throws StorageException {
        Membership m = ctx.membership(realm);
        Optional<RealmKeyring> keyring = ctx.secrets().keyring(realm);
        RealmKeyring updated = keyring.orElse(null);
        for (byte[] wrapped : m.wrapsFor(ctx.self())) {
            try {
                KeyWrap.WrappedKeyInfo info = KeyWrap.inspect(wrapped);
                if (updated != null && updated.epoch(info.epoch()).isPresent()) {
                    continue;
                }
                EpochKey key = KeyWrap.unwrap(wrapped, ctx.identity());
                updated = updated == null ? RealmKeyring.of(List.of(key)) : updated.with(key);
            } catch (CryptoException e) {
                LOG.warn("A realm key wrapped for this device in realm {} does not open: {}", realm, e.getMessage());
            }
        }
        if (updated != null && updated != keyring.orElse(null)) {
            ctx.secrets().put(updated);
            return true;
        }
        return false;
    }

    /** Decrypts events that arrived before this device held their key. */
    private void reveal(RealmId realm, List<Touched> touched) throws StorageException {
        for (StoredEvent e : ctx.events().opaqueEvents(realm)) {
            try {
                // verified when it was stored: decrypting is all that is left (cheap even for a whole realm)
                byte[] plaintext = SealedEnvelope.openStored(e.sealed(), this::key).plaintext();
                // a text sent as a delta is resolved when the entity is folded (its base may arrive later)
                EventBody body = ctx.codec().decodeParts(plaintext).body();
                if (!(body instanceof EntityChange change) || structuralProblem(realm, change) != null
                    || ValueRules.problem(change) != null) {
                    continue;
                }
                Causality c = change.causality();
                if (c.legacy()) {
                    ctx.events().reveal(e.id(), body.kind(), body.entityId(), null, null, null);
                } else {
                    ctx.events().reveal(e.id(), body.kind(), body.entityId(), c.seq(), c.prev(),
                        ReplicaContext.joinIds(c.auth()));
                }
                ctx.forgetFresh(realm, body.kind(), body.entityId()); // the entity has an older event now: fold from the log
                touched.add(new Touched(realm, body.kind(), body.entityId()));
            } catch (EnvelopeException | EventFormatException ex) {
                // still no key for this epoch, or not readable: it stays opaque and is relayed
            }
        }
        ctx.membershipChanged(realm);
    }

    /** Realms first, then lores, then relations, so that relations find their lores. */
    private void applyInOrder(List<Touched> touched) throws StorageException {
        Set<Touched> done = new HashSet<>();
        for (EntityKind kind : List.of(EntityKind.REALM, EntityKind.LORE, EntityKind.RELATION)) {
            for (Touched t : touched) {
                if (t.kind() == kind && done.add(t)) {
                    materializer.materialize(t.realm(), t.kind(), t.entity());
                    ctx.step("materialised " + t.entity());
                }
            }
        }
    }

    /**
     * Re-examines events held for their timestamp in every realm (called as time passes).
     * Returns what was stored.
     */
    IngestResult releaseDue(Tx tx) throws StorageException {
        Run run = new Run(tx, "held");
        for (RealmId realm : new ArrayList<>(ctx.realms().keySet())) {
            releaseHeld(run, realm, true);
        }
        settleMembership(run);
        // what was due may be the links that events waiting for a removed author's chain need
        releaseWaitingAfterData(run);
        settleMembership(run);
        touchDecidedByChains(run);
        applyInOrder(run.touched);
        return new IngestResult(run.stored, List.of(), run.duplicates, run.held, run.opaque, run.rejected);
    }

    private static RejectReason reason(EnvelopeException e) {
        return switch (e.reason()) {
            case TRUNCATED -> RejectReason.TRUNCATED;
            case TOO_LARGE -> RejectReason.OVERSIZED;
            case UNKNOWN_VERSION -> RejectReason.UNKNOWN_VERSION;
            case MALFORMED -> RejectReason.MALFORMED;
            case BAD_SIGNATURE, DECRYPTION_FAILED, NO_KEY -> RejectReason.TAMPERED;
        };
    }

    private static RejectReason formatReason(EventFormatException e) {
        return switch (e.kind()) {
            case TRUNCATED -> RejectReason.TRUNCATED;
            case UNKNOWN_FORMAT -> RejectReason.UNKNOWN_VERSION;
            case MALFORMED -> RejectReason.MALFORMED;
        };
    }
}
