package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceKeys;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pcollections.TreePMap;

/**
 * Who belongs to a realm, decided from the signed causal history of its membership events
 * (DESIGN.md §3 "Authority is causal", AUTHORITY.md). Built incrementally: {@link #admit} takes
 * one verified event at a time, in any order that brings parents first ({@link MembershipFold}
 * sorts a collection).
 *
 * <h2>The rules</h2>
 * <ol>
 *   <li><b>Causal admission.</b> Every membership event names the membership heads its author had
 *       applied (its parents). It is admitted only if all parents are admitted, its HLC is above
 *       theirs, and its author holds the role it needs in the membership state of exactly that
 *       causal past, M(past(e)): a GENESIS by the founder the realm id derives from
 *       ({@link RealmIds}), anything else by an admin. A refused event is never part of the history,
 *       and neither is anything citing it. Timestamps never grant rights.</li>
 *   <li><b>Seniority.</b> The founder is the root and cannot be removed or demoted. Every other
 *       admin ranks by the grant that made it admin: (depth of that event in the DAG, event id),
 *       smaller is more senior. A grant always lies deeper than its granter's own grant, so nobody
 *       can mint a device more senior than itself, whatever parents it cites.</li>
 *   <li><b>Hierarchy.</b> An admin may remove or demote only strictly junior admins (and any
 *       non-admin, and itself). So of "A removes B" and "B removes A" made concurrently, only the
 *       senior's is admitted, in any arrival order.</li>
 *   <li><b>Role races.</b> A causally later role change overrides an earlier one; among concurrent
 *       ones the lowest role wins, and a removal beats a concurrent add or promotion.</li>
 *   <li><b>Strong removal.</b> A removal or demotion that takes away administration voids the
 *       subject's membership events that are concurrent with it (neither in its past nor after it),
 *       and with them every authority that flowed from them (devices they added lose the role,
 *       and what those did in turn). Removals are settled senior-first, so only a removal of its
 *       own author (always by someone more senior) can void a removal. Data events are treated
 *       the same way by {@link #authorizeWrite}: the subject's events outside the chain up to the
 *       removal's {@link MembershipChange#frontier() frontier} lose their effect, wherever the
 *       removal is known.</li>
 *   <li><b>Key epochs.</b> Any valid rotation's key stays readable. The current epoch is chosen
 *       among the rotations no later rotation supersedes: the most senior author's, then the
 *       lowest id. An epoch whose key reached a device that is no longer a key-holding member
 *       must be rotated ({@link #needsRotation}).</li>
 * </ol>
 * Everything is a pure function of the set of admitted events: arrival order changes nothing.
 *
 * <h2>Realms founded by the previous release (body format 1)</h2>
 * Events written by the release before causal authority ({@link Causality#LEGACY}) name no causal
 * past. In a realm whose GENESIS is such an event ("a legacy realm"):
 * <ol>
 *   <li><b>Implicit chain.</b> Legacy membership events are taken in (HLC, id) order, and each one
 *       implicitly cites the legacy membership event admitted just before it (the GENESIS first);
 *       it is admitted by the rules above in the membership of that chain. This is the previous
 *       release's fold (which applied events in HLC order, each if its author was an admin at that
 *       point) under today's rules. Where the two differ today's rules win: the previous release let
 *       any admin remove or demote the founder or a more senior admin, and re-add a member. Legacy
 *       events stamped before the GENESIS are refused, as that release did. A legacy event refused
 *       only in the chain as it stands (its author was not admin there, but was granted admin by some
 *       admitted event) is {@link Admission#KEPT kept}: an earlier legacy event arriving later can
 *       still make it valid. No HLC check applies between legacy events (they cite nothing).</li>
 *   <li><b>Legacy data events</b> ({@link #authorizeLegacyWrite}): the implicit causal past of a
 *       legacy entity event is the latest admitted legacy membership event ordered before it, and its
 *       author must hold a writing role there. A removal of the previous release (which recorded no
 *       frontier) takes nothing away from the legacy events ordered before it. A removal written by
 *       this release voids the legacy events of its subject that it had not seen: those whose implicit
 *       past is not in its causal past, or that are stamped after it.</li>
 *   <li><b>Current events</b> cite legacy heads like any other membership event. An event citing a
 *       kept legacy event waits (PENDING) rather than being refused.</li>
 *   <li><b>Seals.</b> The chain is ordered by timestamps, so a device removed before the upgrade could
 *       still sign legacy events stamped before its removal. An admin closes this with a
 *       {@link MembershipChange.Op#SEAL SEAL}: a membership event of the current format, admitted by
 *       the rules above, listing the legacy events it holds and accepts ({@link LegacySeal}); it must
 *       list the legacy membership events it cites. The seals that <em>count</em> are
 *       the seals admitted and not voided in the realm's history built without any seal (so a seal
 *       signed by a removed admin is voided by its removal like its other admin actions). The
 *       founder's seal always counts; another admin's can be undone by legacy events forged by a more
 *       senior admin removed before the upgrade (they are in that history), so the founder should seal
 *       (the automatic seal runs on every admin device, the founder's included). Once one
 *       counts, legacy events listed by no counting seal are refused, membership and data alike,
 *       and the history is built again from the accepted legacy events only. The seals' lists add up:
 *       a later seal can accept more (an admin who receives a straggler's events seals again).</li>
 *   <li>A legacy event is never accepted in a realm whose GENESIS is of the current format.</li>
 * </ol>
 * This too is a pure function of the set of events ({@link MembershipFold} computes it); {@link #admit}
 * rebuilds the history from every event it holds whenever an arrival can change the implicit chain
 * (a legacy event ordered before one already held) or a seal may count (anything in a legacy realm
 * with a seal). Legacy realms are a transition: the rebuild costs two folds of the membership history.
 *
 * <p>Cost: states are persistent maps, so admitting an event costs O(log members) plus, when it
 * merges branches, O(events of the other branches · log members); only a past that contains a
 * removal of an admin is replayed from the start (O(n log members)), since only that can void
 * events. Each event keeps a bit set of its ancestors (n²/8 bytes in all: 12.5 MB at 10k events).
 * MembershipBench: 10k events fold in about a second (most of it verifying the added devices' key
 * signatures), and one more event is admitted in ~30 µs. {@link Causality#MAX_AUTH} bounds what
 * one event may cite.
 *
 * <p>Not thread-safe; owned by one replica.
 */
public final class Membership {
    /** Roles ordered for races: a removal is below every role. */
    private static final Comparator<Role> ROLE_ORDER = Comparator.comparingInt(Membership::strength);

    /** The outcome of {@link #admit}. */
    public enum Admission {
        /** Part of the history now. */
        ADMITTED,
        /** Already admitted. */
        DUPLICATE,
        /** A parent has not arrived: hold it and offer it again later. */
        PENDING,
        /** Never valid, whatever else arrives: drop it and never cite it. */
        REFUSED,
        /**
         * A legacy event that is not part of the history as it stands, but may become so when an
         * earlier legacy event arrives (see the class rules): store it like an admitted one.
         */
        KEPT
    }

    /** An admission decision with its reason (null when admitted). */
    public record Verdict(Admission admission, String reason) {
        static final Verdict ADMITTED = new Verdict(Admission.ADMITTED, null);
        static final Verdict DUPLICATE = new Verdict(Admission.DUPLICATE, null);
    }

    /** A member now. */
    public record Member(DeviceId device, Role role, byte[] encodedKeys) {
    }

    /** A removal or demotion in force, with the frontier its author saw. */
    public record Restriction(EventId event, DeviceId author, DeviceId subject, EventId frontier) {
    }

    /**
     * Whether an entity event may change the realm's data.
     *
     * @param status   the decision
     * @param reason   why, when not {@link WriteStatus#AUTHORIZED}
     * @param removals removals of the author not in the event's causal past: the event keeps its effect only if it
     *                 lies in the author's chain up to each one's frontier (checked by the caller, who holds the log)
     */
    public record WriteAuthority(WriteStatus status, String reason, List<Restriction> removals) {
    }

    /** See {@link WriteAuthority}. */
    public enum WriteStatus {
        /** Authorised, subject to the chain check of any {@link WriteAuthority#removals()}. */
        AUTHORIZED,
        /** A membership event it cites has not arrived yet. */
        PENDING,
        /** Its author could not write in the membership it cites: never valid. */
        REFUSED,
        /** Valid where it was written, but the authority it relied on was since voided by a removal. */
        VOIDED
    }

    /** Seniority: smaller is more senior. */
    private record Rank(int depth, EventId grant) implements Comparable<Rank> {
        @Override
        public int compareTo(Rank o) {
            int c = Integer.compare(depth, o.depth);
            return c != 0 ? c : grant.compareTo(o.grant);
        }
    }

    /** A role-setting event in force for a member (null role: removed). */
    private record Setter(int node, Role role) {
    }

    /** One device's entry: the concurrent role-setting events in force, and its keys. */
    private record MemberState(List<Setter> setters, byte[] keys) {
    }

    /**
     * Membership at one causally closed set of events. Immutable; a persistent map, so the state
     * after an event shares all but O(log members) of its structure with the state before (every
     * admitted event keeps the state of its past and its own).
     */
    private static final class State {
        static final State EMPTY = new State(null, -1, TreePMap.empty());

        final DeviceId founder;
        final int genesis;
        final TreePMap<DeviceId, MemberState> entries;

        State(DeviceId founder, int genesis, TreePMap<DeviceId, MemberState> entries) {
            this.founder = founder;
            this.genesis = genesis;
            this.entries = entries;
        }
    }

    /** An admitted event with its place in the DAG and the membership of its causal past. */
    private static final class Node {
        final int index;
        final MembershipEvent event;
        final int[] parents;
        final int depth;
        final BitSet ancestors; // itself included
        final State past;
        final State after;
        final Rank authorRank;
        final boolean takesAdmin;
        final boolean takesWrite;

        Node(int index, MembershipEvent event, int[] parents, int depth, BitSet ancestors, State past, State after,
             Rank authorRank, boolean takesAdmin, boolean takesWrite) {
            this.index = index;
            this.event = event;
            this.parents = parents;
            this.depth = depth;
            this.ancestors = ancestors;
            this.past = past;
            this.after = after;
            this.authorRank = authorRank;
            this.takesAdmin = takesAdmin;
            this.takesWrite = takesWrite;
        }

        MembershipChange change() {
            return event.change();
        }

        DeviceId author() {
            return event.author();
        }

        EventId id() {
            return event.id();
        }

        /**
         * The headers of its wrapped keys (null where one does not verify), read once: they depend on the
         * bytes alone, and {@link #derived} goes through every event's wraps again after each admission
         * (a signature check per wrap each time was ~3% of the simulator's time).
         */
        private List<KeyWrap.WrappedKeyInfo> wraps;

        List<KeyWrap.WrappedKeyInfo> wraps() {
            if (wraps == null) {
                List<KeyWrap.WrappedKeyInfo> out = new ArrayList<>(change().wrappedKeys().size());
                for (byte[] w : change().wrappedKeys()) {
                    out.add(inspect(w));
                }
                wraps = out;
            }
            return wraps;
        }
    }

    /** The membership of a causally closed set, after strong removals: its state and what it applied. */
    private record Resolved(State state, BitSet applied) {
    }

    private static final int REFUSED_MEMORY = 10_000;

    /** Why a legacy event is refused in a realm founded by this release. */
    static final String LEGACY_IN_NEW_REALM = "written in the previous release's format (body format 1), but the realm "
        + "was founded after the upgrade: such events are never accepted in it";
    /** Why a legacy event is refused in a sealed realm. */
    static final String OUTSIDE_SEAL = "written in the previous release's format (body format 1), and not among the "
        + "events the realm's admins accepted when they sealed it";

    private final RealmId realm;
    private List<Node> nodes = new ArrayList<>();
    private Map<EventId, Node> byId = new HashMap<>();
    private Map<EventId, String> refused = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<EventId, String> eldest) {
            return size() > REFUSED_MEMORY;
        }
    };
    private Map<BitSet, Resolved> replays = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BitSet, Resolved> eldest) {
            return size() > 64;
        }
    };
    /** The membership a list of cited heads describes, and the events it includes (memoised per list). */
    private record Past(State state, BitSet down) {
    }

    private Map<List<EventId>, Past> pasts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<EventId>, Past> eldest) {
            return size() > 64;
        }
    };
    private java.util.Set<DeviceId> everAdmin = new java.util.HashSet<>();
    private java.util.Set<DeviceId> everWriter = new java.util.HashSet<>();
    private Map<Integer, List<Integer>> rotationsByEpoch = new HashMap<>();
    private BitSet all = new BitSet();
    /** Events that took administration from someone: the only ones that can void others. */
    private BitSet adminTakers = new BitSet();
    /** Admitted events no admitted event cites, kept as events arrive. */
    private TreeSet<EventId> headSet = new TreeSet<>();
    private Resolved resolved = new Resolved(State.EMPTY, new BitSet());
    private boolean dirty;
    private Derived derived;

    // ---- the previous release's events (see "Realms founded by the previous release")

    /** An event's place in the implicit legacy chain. */
    private record LegacyKey(long hlc, EventId id) implements Comparable<LegacyKey> {
        static LegacyKey of(MembershipEvent e) {
            return new LegacyKey(e.hlc(), e.id());
        }

        @Override
        public int compareTo(LegacyKey o) {
            int c = Long.compare(hlc, o.hlc);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    /** The legacy events the counting seals accept; null while no seal counts. Fixed when a history is built. */
    private java.util.Set<EventId> sealFilter;
    /** The seals that count (see the class rules), for display. */
    private List<EventId> countingSeals = List.of();
    /** TRUE once a legacy GENESIS is admitted, FALSE once a GENESIS of the current format is; null before. */
    private Boolean legacyRealm;
    /** The admitted legacy membership events by (HLC, id), as node indexes: the implicit chain. */
    private TreeMap<LegacyKey, Integer> legacyChain = new TreeMap<>();
    /** The latest (HLC, id) among the legacy events held (admitted or kept), or null. */
    private LegacyKey legacyTail;
    /** Legacy events kept but not part of the history, with why. */
    private Map<EventId, String> kept = new LinkedHashMap<>();
    /** Every event this history holds: what it was built from, and what it admitted or kept since (the caller's store). */
    private LinkedHashMap<EventId, MembershipEvent> known = new LinkedHashMap<>();
    /** Set while {@link MembershipFold} builds a history: no rebuild from inside a build. */
    private boolean building;

    /** What the final state implies, computed once per change. */
    private record Derived(SortedMap<DeviceId, Member> members, int epoch, Set<DeviceId> holders,
                           Map<DeviceId, List<byte[]>> wraps, List<Restriction> restrictions, List<EventId> heads) {
    }

    private Membership(RealmId realm) {
        this.realm = realm;
    }

    /** A realm with no membership events yet. */
    public static Membership empty(RealmId realm) {
        return new Membership(realm);
    }

    /**
     * An empty history being built by {@link MembershipFold} from a set of events, accepting only the
     * legacy events in {@code sealFilter} (null: all).
     */
    static Membership building(RealmId realm, java.util.Set<EventId> sealFilter, List<EventId> countingSeals) {
        Membership m = new Membership(realm);
        m.sealFilter = sealFilter;
        m.countingSeals = List.copyOf(countingSeals);
        m.building = true;
        return m;
    }

    /** Ends a build: the history now holds exactly {@code events} (refused and waiting ones included). */
    void built(java.util.Collection<MembershipEvent> events) {
        building = false;
        known = new LinkedHashMap<>();
        for (MembershipEvent e : events) {
            known.putIfAbsent(e.id(), e);
        }
    }

    /** Takes over another history of the same realm (after a rebuild). */
    private void become(Membership o) {
        nodes = o.nodes;
        byId = o.byId;
        refused = o.refused;
        replays = o.replays;
        pasts = o.pasts;
        everAdmin = o.everAdmin;
        everWriter = o.everWriter;
        rotationsByEpoch = o.rotationsByEpoch;
        all = o.all;
        adminTakers = o.adminTakers;
        headSet = o.headSet;
        resolved = o.resolved;
        dirty = o.dirty;
        derived = o.derived;
        sealFilter = o.sealFilter;
        countingSeals = o.countingSeals;
        legacyRealm = o.legacyRealm;
        legacyChain = o.legacyChain;
        legacyTail = o.legacyTail;
        kept = o.kept;
        known = o.known;
        building = false;
    }

    /**
     * True if admitting {@code e} can change the history other than by adding to it: a legacy
     * event ordered before one already held, or anything in a legacy realm that holds a seal.
     */
    private boolean rebuilds(MembershipEvent e) {
        if (building || legacyRealm != Boolean.TRUE || known.containsKey(e.id())) {
            return false;
        }
        if (e.change().causality().legacy() && legacyTail != null && LegacyKey.of(e).compareTo(legacyTail) < 0) {
            return true;
        }
        if (e.change().op() == MembershipChange.Op.SEAL) {
            return true;
        }
        for (MembershipEvent k : known.values()) {
            if (k.change().op() == MembershipChange.Op.SEAL) {
                return true;
            }
        }
        return false;
    }

    /** The history of every held event plus {@code e}, built afresh. */
    private Membership rebuiltWith(MembershipEvent e) {
        List<MembershipEvent> events = new ArrayList<>(known.values());
        events.add(e);
        return MembershipFold.fold(realm, events);
    }

    /** What a history built with {@code e} decided about it. */
    private Verdict verdictOf(MembershipEvent e) {
        if (byId.containsKey(e.id())) {
            return Verdict.ADMITTED;
        }
        if (kept.containsKey(e.id())) {
            return new Verdict(Admission.KEPT, kept.get(e.id()));
        }
        if (refused.containsKey(e.id())) {
            return new Verdict(Admission.REFUSED, refused.get(e.id()));
        }
        Verdict v = decide(e).verdict;
        return v.admission() == Admission.PENDING ? v : new Verdict(Admission.PENDING, "it waits for membership events");
    }

    public RealmId realm() {
        return realm;
    }

    // ------------------------------------------------------------------ admission

    /** Stage-1 check without admitting: what {@link #admit} would decide now. */
    public Verdict check(MembershipEvent e) {
        if (rebuilds(e)) {
            return rebuiltWith(e).verdictOf(e);
        }
        return decide(e).verdict;
    }

    /**
     * Admits a verified membership event if its author could make it in the membership of its
     * causal past (see the class rules); otherwise says whether it is refused for good or waits
     * for a parent.
     */
    public Verdict admit(MembershipEvent e) {
        if (rebuilds(e)) {
            Membership next = rebuiltWith(e);
            Verdict v = next.verdictOf(e);
            if (v.admission() == Admission.REFUSED || v.admission() == Admission.PENDING) {
                next.known.remove(e.id()); // the caller does not store it
            }
            become(next);
            return v;
        }
        Decision d = decide(e);
        boolean legacy = e.change().causality().legacy();
        if (d.verdict.admission() == Admission.REFUSED) {
            refused.put(e.id(), d.verdict.reason());
        }
        if (d.verdict.admission() == Admission.KEPT) {
            kept.put(e.id(), d.verdict.reason());
            known.put(e.id(), e);
            legacyTail = legacyTail == null || LegacyKey.of(e).compareTo(legacyTail) > 0 ? LegacyKey.of(e) : legacyTail;
            derived = null;
            return d.verdict;
        }
        if (d.verdict.admission() != Admission.ADMITTED) {
            return d.verdict;
        }
        known.put(e.id(), e);
        if (legacy) {
            legacyTail = legacyTail == null || LegacyKey.of(e).compareTo(legacyTail) > 0 ? LegacyKey.of(e) : legacyTail;
        }
        if (e.change().op() == MembershipChange.Op.GENESIS) {
            legacyRealm = legacy;
        }
        MembershipChange c = e.change();
        int index = nodes.size();
        BitSet ancestors = new BitSet();
        int depth = 0;
        for (int p : d.parents) {
            ancestors.or(nodes.get(p).ancestors);
            depth = Math.max(depth, nodes.get(p).depth + 1);
        }
        ancestors.set(index);
        boolean takesAdmin = false;
        boolean takesWrite = false;
        if (c.op() == MembershipChange.Op.REMOVE || c.op() == MembershipChange.Op.SET_ROLE) {
            Role before = role(d.past, c.subject());
            Role next = c.op() == MembershipChange.Op.REMOVE ? null : c.role();
            takesAdmin = before == Role.ADMIN && next != Role.ADMIN;
            takesWrite = before != null && before.canWrite() && (next == null || !next.canWrite());
        }
        Node node = new Node(index, e, d.parents, depth, ancestors, d.past, null, rank(d.past, e.author()), takesAdmin, takesWrite);
        State after = apply(d.past, node);
        node = new Node(index, e, d.parents, depth, ancestors, d.past, after, node.authorRank, takesAdmin, takesWrite);
        boolean extendsAll = ancestors.cardinality() == nodes.size() + 1;
        nodes.add(node);
        byId.put(e.id(), node);
        all.set(index);
        if (takesAdmin) {
            adminTakers.set(index);
        }
        for (int p : d.parents) {
            headSet.remove(nodes.get(p).id());
        }
        headSet.add(e.id());
        if (legacy) {
            legacyChain.put(LegacyKey.of(e), index);
        }
        if (c.op() == MembershipChange.Op.ROTATE) {
            rotationsByEpoch.computeIfAbsent(c.epoch(), k -> new ArrayList<>()).add(index);
        }
        if (c.op() == MembershipChange.Op.GENESIS || c.op() == MembershipChange.Op.ADD || c.op() == MembershipChange.Op.SET_ROLE) {
            if (c.role() == Role.ADMIN) {
                everAdmin.add(c.subject());
            }
            if (c.role().canWrite()) {
                everWriter.add(c.subject());
            }
        }
        if (extendsAll && !dirty) {
            // The event follows everything admitted: no concurrency, so no removal voids anything new.
            BitSet applied = (BitSet) resolved.applied().clone();
            applied.set(index);
            resolved = new Resolved(after, applied);
        } else {
            dirty = true;
        }
        derived = null;
        return Verdict.ADMITTED;
    }

    private record Decision(Verdict verdict, int[] parents, State past) {
        static Decision of(Admission admission, String reason) {
            return new Decision(new Verdict(admission, reason), null, null);
        }
    }

    private Decision decide(MembershipEvent e) {
        if (byId.containsKey(e.id()) || kept.containsKey(e.id())) {
            return new Decision(Verdict.DUPLICATE, null, null);
        }
        MembershipChange c = e.change();
        if (c.causality().legacy()) {
            return decideLegacy(e);
        }
        List<EventId> parentIds = c.parents();
        if (c.op() == MembershipChange.Op.GENESIS) {
            if (!parentIds.isEmpty()) {
                return Decision.of(Admission.REFUSED, "a GENESIS cites no earlier membership");
            }
            if (legacyRealm != null) {
                return Decision.of(Admission.REFUSED, "the realm was already founded");
            }
            String problem = genesisProblem(e);
            return problem != null ? Decision.of(Admission.REFUSED, problem)
                : new Decision(Verdict.ADMITTED, new int[0], State.EMPTY);
        }
        if (parentIds.isEmpty()) {
            return Decision.of(Admission.REFUSED, "a membership change must cite the membership its author had applied");
        }
        int[] parents = new int[parentIds.size()];
        long maxHlc = Long.MIN_VALUE;
        for (int i = 0; i < parents.length; i++) {
            EventId p = parentIds.get(i);
            if (kept.containsKey(p)) {
                return Decision.of(Admission.PENDING, "it cites membership event " + p.shortForm()
                    + " of the previous release's format, which is not valid here yet");
            }
            String why = refused.get(p);
            if (why != null) {
                return Decision.of(Admission.REFUSED, "it cites membership event " + p.shortForm() + ", which was refused");
            }
            Node n = byId.get(p);
            if (n == null) {
                return Decision.of(Admission.PENDING, "it cites membership event " + p.shortForm() + ", not received yet");
            }
            parents[i] = n.index;
            maxHlc = Math.max(maxHlc, n.event.hlc());
        }
        if (e.hlc() <= maxHlc) {
            return Decision.of(Admission.REFUSED, "stamped no later than the membership it cites");
        }
        State past = stateAt(parents);
        String problem = authorityProblem(e, past, parents);
        return problem != null ? Decision.of(Admission.REFUSED, problem) : new Decision(Verdict.ADMITTED, parents, past);
    }

    /** Stage 1 for an event of the previous release's format (see "Realms founded by the previous release"). */
    private Decision decideLegacy(MembershipEvent e) {
        MembershipChange c = e.change();
        if (legacyRealm == Boolean.FALSE) {
            return Decision.of(Admission.REFUSED, LEGACY_IN_NEW_REALM);
        }
        if (c.op() == MembershipChange.Op.GENESIS) {
            if (legacyRealm != null) {
                return Decision.of(Admission.REFUSED, "the realm was already founded");
            }
            String problem = genesisProblem(e);
            return problem != null ? Decision.of(Admission.REFUSED, problem)
                : new Decision(Verdict.ADMITTED, new int[0], State.EMPTY);
        }
        if (legacyRealm == null) {
            return Decision.of(Admission.PENDING, "the realm's founding event has not arrived yet");
        }
        if (c.op() == MembershipChange.Op.SEAL) {
            return Decision.of(Admission.REFUSED, "a seal is written in the current format");
        }
        LegacyKey key = LegacyKey.of(e);
        if (key.compareTo(legacyChain.firstKey()) < 0) {
            return Decision.of(Admission.REFUSED, "stamped before the realm was founded");
        }
        if (sealFilter != null && !sealFilter.contains(e.id())) {
            return Decision.of(Admission.REFUSED, OUTSIDE_SEAL);
        }
        int[] parents = {legacyChain.lowerEntry(key).getValue()};
        State past = stateAt(parents);
        String problem = authorityProblem(e, past, parents);
        if (problem == null) {
            return new Decision(Verdict.ADMITTED, parents, past);
        }
        // kept while an earlier legacy event may still make it valid: only if its author was ever made admin
        return Decision.of(everAdmin.contains(e.author()) ? Admission.KEPT : Admission.REFUSED, problem);
    }

    private String genesisProblem(MembershipEvent e) {
        MembershipChange c = e.change();
        if (!c.subject().equals(e.author()) || c.role() != Role.ADMIN) {
            return "GENESIS must make its author an admin";
        }
        if (!RealmIds.matches(realm, e.author(), c.nonce())) {
            return "GENESIS author " + e.author().shortForm() + " is not the founder this realm id was derived from";
        }
        return keysProblem(c);
    }

    /** Stage 1: may the author make this change, in the membership of its causal past? */
    private String authorityProblem(MembershipEvent e, State past, int[] parents) {
        MembershipChange c = e.change();
        DeviceId author = e.author();
        if (role(past, author) != Role.ADMIN) {
            return "author " + author.shortForm() + " was not an admin in the membership it cites";
        }
        DeviceId subject = c.subject();
        switch (c.op()) {
            case GENESIS:
                return "the realm was already founded";
            case ADD:
                if (role(past, subject) != null) {
                    return "device " + subject.shortForm() + " is already a member (change its role instead)";
                }
                return keysProblem(c);
            case SET_ROLE:
            case REMOVE: {
                Role current = role(past, subject);
                if (current == null) {
                    return "device " + subject.shortForm() + " is not a member";
                }
                if (subject.equals(past.founder)) {
                    return "the founder cannot be removed or demoted";
                }
                boolean lowers = c.op() == MembershipChange.Op.REMOVE || c.role() != Role.ADMIN;
                if (current == Role.ADMIN && lowers && !subject.equals(author)
                    && rank(past, author).compareTo(rank(past, subject)) >= 0) {
                    return "admin " + author.shortForm() + " is not senior to admin " + subject.shortForm()
                        + ", so it cannot remove or demote it";
                }
                return null;
            }
            case SEAL:
                return sealProblem(c, parents);
            case ROTATE: {
                if (c.epoch() <= 0) {
                    return "a rotation must start an epoch above 0";
                }
                BitSet past0 = new BitSet();
                for (int p : parents) {
                    past0.or(nodes.get(p).ancestors);
                }
                for (int other : rotationsByEpoch.getOrDefault(c.epoch(), List.of())) {
                    if (past0.get(other)) {
                        return "rotation to epoch " + c.epoch() + ", which is already in use";
                    }
                }
                return null;
            }
            default:
                throw new IllegalStateException("unknown op " + c.op());
        }
    }

    /**
     * A seal: only in a legacy realm, well formed, and accepting the legacy membership events it
     * cites. (Not its whole past: a forged legacy event stamped into the chain below the cited head
     * would otherwise make every honest seal invalid.)
     */
    private String sealProblem(MembershipChange c, int[] parents) {
        if (legacyRealm != Boolean.TRUE) {
            return "only a realm founded by the previous release is sealed";
        }
        LegacySeal seal;
        try {
            seal = LegacySeal.decode(c.nonce());
        } catch (EventFormatException ex) {
            return "the seal does not decode: " + ex.getMessage();
        }
        java.util.Set<EventId> listed = new java.util.HashSet<>(seal.ids());
        for (int p : parents) {
            Node n = nodes.get(p);
            if (n.change().causality().legacy() && !listed.contains(n.id())) {
                return "a seal must accept the legacy membership events it cites; it leaves out " + n.id().shortForm();
            }
        }
        return null;
    }

    private static String keysProblem(MembershipChange c) {
        ByteChecks.Checked<DeviceKeys> keys = CheckedKeys.KEYS.check(c.subjectKeys());
        if (keys.problem() != null) {
            return "the subject's public keys do not verify: " + keys.problem();
        }
        if (!keys.value().id().equals(c.subject())) {
            return "the public keys given are not those of device " + c.subject().shortForm();
        }
        return null;
    }

    // ------------------------------------------------------------------ states

    private static int strength(Role r) {
        return r == null ? 0 : switch (r) {
            case RELAY -> 1;
            case READ -> 2;
            case WRITE -> 3;
            case ADMIN -> 4;
        };
    }

    /** A device's role in a state: the lowest of the concurrent role changes in force; null if not a member. */
    private static Role role(State s, DeviceId device) {
        if (device.equals(s.founder)) {
            return Role.ADMIN;
        }
        MemberState m = s.entries.get(device);
        if (m == null || m.setters().isEmpty()) {
            return null;
        }
        Role lowest = m.setters().get(0).role();
        for (Setter st : m.setters()) {
            if (ROLE_ORDER.compare(st.role(), lowest) < 0) {
                lowest = st.role();
            }
        }
        return lowest;
    }

    private Rank rank(State s, DeviceId device) {
        if (device.equals(s.founder)) {
            return new Rank(0, nodes.isEmpty() || s.genesis < 0 ? EventId.of(new byte[0]) : nodes.get(s.genesis).id());
        }
        MemberState m = s.entries.get(device);
        Rank best = null;
        if (m != null) {
            for (Setter st : m.setters()) {
                if (st.role() == Role.ADMIN) {
                    Node n = nodes.get(st.node());
                    Rank r = new Rank(n.depth, n.id());
                    best = best == null || r.compareTo(best) < 0 ? r : best;
                }
            }
        }
        return best == null ? new Rank(Integer.MAX_VALUE, EventId.of(new byte[0])) : best;
    }

    /** The state after applying an admitted node to a state that includes its whole past. */
    private State apply(State s, Node n) {
        MembershipChange c = n.change();
        switch (c.op()) {
            case GENESIS:
                return new State(n.author(), n.index, s.entries.plus(n.author(),
                    new MemberState(List.of(new Setter(n.index, Role.ADMIN)), c.subjectKeys())));
            case ADD:
            case SET_ROLE:
            case REMOVE: {
                MemberState current = s.entries.get(c.subject());
                List<Setter> setters = new ArrayList<>();
                if (current != null) {
                    for (Setter st : current.setters()) {
                        if (!n.ancestors.get(st.node())) {
                            setters.add(st); // concurrent with this change: both stay, the lower role wins
                        }
                    }
                }
                setters.add(new Setter(n.index, c.op() == MembershipChange.Op.REMOVE ? null : c.role()));
                byte[] keys = c.op() == MembershipChange.Op.ADD ? c.subjectKeys() : current == null ? new byte[0] : current.keys();
                return new State(s.founder, s.genesis, s.entries.plus(c.subject(), new MemberState(List.copyOf(setters), keys)));
            }
            case ROTATE:
            case SEAL:
                return s;
            default:
                throw new IllegalStateException("unknown op " + c.op());
        }
    }

    /** The membership of the causal past formed by these nodes and their ancestors. */
    private State stateAt(int[] heads) {
        if (heads.length == 1) {
            return nodes.get(heads[0]).after;
        }
        BitSet down = new BitSet();
        int widest = heads[0];
        for (int h : heads) {
            down.or(nodes.get(h).ancestors);
            widest = nodes.get(h).ancestors.cardinality() > nodes.get(widest).ancestors.cardinality() ? h : widest;
        }
        if (!down.intersects(adminTakers)) {
            // Nobody lost administration in this past, so nothing in it is voided and admin rights
            // only grew: role changes commute (concurrent ones all stay, the lower wins; a later one
            // replaces its ancestors). The merge is the widest head's state plus the events of the
            // other branches, O(concurrent events · log members) instead of a replay of everything.
            BitSet rest = (BitSet) down.clone();
            rest.andNot(nodes.get(widest).ancestors);
            State s = nodes.get(widest).after;
            for (int i = rest.nextSetBit(0); i >= 0; i = rest.nextSetBit(i + 1)) {
                Node n = nodes.get(i);
                if (n.change().op() != MembershipChange.Op.GENESIS && role(s, n.author()) == Role.ADMIN) {
                    s = apply(s, n);
                }
            }
            return s;
        }
        return resolve(down).state();
    }

    /**
     * Resolves a causally closed set of admitted events: settles removals senior-first (each voids
     * the concurrent admin actions of its subject, unless it was itself voided), then applies what
     * is left in topological order, skipping events whose author's authority was voided.
     */
    private Resolved resolve(BitSet down) {
        Resolved cached = replays.get(down);
        if (cached != null) {
            return cached;
        }
        List<Node> removals = new ArrayList<>();
        for (int i = down.nextSetBit(0); i >= 0; i = down.nextSetBit(i + 1)) {
            if (nodes.get(i).takesAdmin) {
                removals.add(nodes.get(i));
            }
        }
        BitSet voided = new BitSet();
        if (!removals.isEmpty()) {
            removals.sort(Comparator.comparing((Node n) -> n.authorRank).thenComparingInt(n -> n.depth)
                .thenComparing(Node::id));
            for (Node r : removals) {
                if (voided.get(r.index)) {
                    continue;
                }
                BitSet before = (BitSet) r.ancestors.clone();
                before.clear(r.index);
                before.andNot(voided);
                if (role(plain(before).state(), r.author()) != Role.ADMIN) {
                    voided.set(r.index); // its author's authority was voided by a more senior removal
                    continue;
                }
                DeviceId subject = r.change().subject();
                for (int i = down.nextSetBit(0); i >= 0; i = down.nextSetBit(i + 1)) {
                    Node e = nodes.get(i);
                    if (e.author().equals(subject) && !r.ancestors.get(i) && !e.ancestors.get(r.index)) {
                        voided.set(i);
                    }
                }
            }
        }
        BitSet kept = (BitSet) down.clone();
        kept.andNot(voided);
        Resolved result = plain(kept);
        replays.put((BitSet) down.clone(), result);
        return result;
    }

    /** Applies the given events in topological order, skipping any whose author is no admin at that point. */
    private Resolved plain(BitSet events) {
        State s = State.EMPTY;
        BitSet applied = new BitSet();
        for (int i = events.nextSetBit(0); i >= 0; i = events.nextSetBit(i + 1)) {
            Node n = nodes.get(i);
            boolean genesis = n.change().op() == MembershipChange.Op.GENESIS;
            if (genesis ? s.founder != null && !s.founder.equals(n.author()) : role(s, n.author()) != Role.ADMIN) {
                continue;
            }
            s = apply(s, n);
            applied.set(i);
        }
        return new Resolved(s, applied);
    }

    private Resolved finalResolved() {
        if (dirty) {
            // memoised replays stay valid: a set's resolution depends on its own events only
            resolved = resolve(all);
            dirty = false;
        }
        return resolved;
    }

    // ------------------------------------------------------------------ what the history says

    private Derived derived() {
        if (derived != null) {
            return derived;
        }
        Resolved r = finalResolved();
        State s = r.state();
        TreeMap<DeviceId, Member> members = new TreeMap<>();
        for (Map.Entry<DeviceId, MemberState> e : s.entries.entrySet()) {
            Role role = role(s, e.getKey());
            if (role != null) {
                members.put(e.getKey(), new Member(e.getKey(), role, e.getValue().keys()));
            }
        }
        // the current epoch: among applied rotations no later applied rotation supersedes
        Node current = null;
        for (int i = r.applied().nextSetBit(0); i >= 0; i = r.applied().nextSetBit(i + 1)) {
            Node n = nodes.get(i);
            if (n.change().op() != MembershipChange.Op.ROTATE || !firstOfItsEpoch(n)) {
                continue;
            }
            boolean superseded = false;
            for (int j = r.applied().nextSetBit(i + 1); j >= 0 && !superseded; j = r.applied().nextSetBit(j + 1)) {
                Node m = nodes.get(j);
                superseded = m.change().op() == MembershipChange.Op.ROTATE && m.ancestors.get(i);
            }
            if (!superseded && (current == null || n.authorRank.compareTo(current.authorRank) < 0
                || (n.authorRank.compareTo(current.authorRank) == 0 && n.id().compareTo(current.id()) < 0))) {
                current = n;
            }
        }
        int epoch = current == null ? 0 : current.change().epoch();
        Map<DeviceId, List<byte[]>> wraps = new HashMap<>();
        TreeSet<DeviceId> holders = new TreeSet<>();
        if (current != null) {
            holders.add(current.author());
        } else if (s.founder != null) {
            holders.add(s.founder);
        }
        for (Node n : nodes) {
            List<KeyWrap.WrappedKeyInfo> infos = n.wraps();
            for (int wi = 0; wi < infos.size(); wi++) {
                byte[] w = n.change().wrappedKeys().get(wi);
                KeyWrap.WrappedKeyInfo info = infos.get(wi);
                if (info == null || !info.realm().equals(realm) || !info.admin().equals(n.author()) || !knownEpoch(info.epoch())) {
                    continue;
                }
                boolean fits = n.change().op() == MembershipChange.Op.ADD ? info.recipient().equals(n.change().subject())
                    : n.change().op() == MembershipChange.Op.ROTATE && info.epoch() == n.change().epoch() && firstOfItsEpoch(n);
                if (!fits) {
                    continue;
                }
                wraps.computeIfAbsent(info.recipient(), k -> new ArrayList<>()).add(w);
                if (info.epoch() == epoch && r.applied().get(n.index)) {
                    holders.add(info.recipient());
                }
            }
        }
        List<Restriction> restrictions = new ArrayList<>();
        for (int i = r.applied().nextSetBit(0); i >= 0; i = r.applied().nextSetBit(i + 1)) {
            Node n = nodes.get(i);
            if (n.takesWrite) {
                restrictions.add(new Restriction(n.id(), n.author(), n.change().subject(), n.change().frontier()));
            }
        }
        List<EventId> heads = new ArrayList<>(headSet);
        derived = new Derived(Collections.unmodifiableSortedMap(members), epoch, Set.copyOf(holders), Map.copyOf(wraps),
            List.copyOf(restrictions), List.copyOf(heads));
        return derived;
    }

    private boolean knownEpoch(int epoch) {
        return epoch == 0 || rotationsByEpoch.containsKey(epoch);
    }

    /** Of rotations that picked the same epoch number concurrently, only the lowest id's key counts. */
    private boolean firstOfItsEpoch(Node n) {
        for (int other : rotationsByEpoch.getOrDefault(n.change().epoch(), List.of())) {
            if (nodes.get(other).id().compareTo(n.id()) < 0) {
                return false;
            }
        }
        return true;
    }

    private static KeyWrap.WrappedKeyInfo inspect(byte[] wrapped) {
        return CheckedWraps.WRAPS.check(wrapped).value();
    }

    /*
     * Wrapped keys and members' keys checked before, shared by the replicas of the process (see ByteChecks). Each
     * in a holder class of its own, so that a command which folds a membership without wrapped keys (status on
     * a realm nobody rotated) loads no key-wrapping code.
     */
    private static final class CheckedWraps {
        static final ByteChecks<KeyWrap.WrappedKeyInfo> WRAPS = new ByteChecks<>(ByteChecks.DEFAULT_MAX, KeyWrap::inspect);
    }

    private static final class CheckedKeys {
        static final ByteChecks<DeviceKeys> KEYS = new ByteChecks<>(ByteChecks.DEFAULT_MAX, DeviceKeys::decode);
    }

    /** The founder, once a valid GENESIS is known. */
    public Optional<DeviceId> founder() {
        return Optional.ofNullable(finalResolved().state().founder);
    }

    /** Current members by device id. */
    public SortedMap<DeviceId, Member> members() {
        return derived().members();
    }

    /** A device's current role. */
    public Optional<Role> role(DeviceId device) {
        Member m = members().get(device);
        return m == null ? Optional.empty() : Optional.of(m.role());
    }

    /** The admitted membership events no other admitted one cites: what a new event of this device cites. */
    public List<EventId> heads() {
        return derived().heads();
    }

    /** True once the history holds this event. */
    public boolean contains(EventId id) {
        return byId.containsKey(id);
    }

    /** Admitted membership events, in an order that puts parents first. */
    public List<MembershipEvent> events() {
        return nodes.stream().map(n -> n.event).toList();
    }

    /** How many membership events are admitted. */
    public int size() {
        return nodes.size();
    }

    /** The HLC of an admitted membership event, or of the latest of several (0 when none). */
    public long maxHlc(List<EventId> ids) {
        long max = 0;
        for (EventId id : ids) {
            Node n = byId.get(id);
            if (n != null) {
                max = Math.max(max, n.event.hlc());
            }
        }
        return max;
    }

    /** Refused membership events seen (most recent {@value #REFUSED_MEMORY}), with the reason. */
    public Map<EventId, String> rejected() {
        return Collections.unmodifiableMap(refused);
    }

    /** Admitted membership events whose effect a removal voided (the rest of the history ignores them). */
    public Set<EventId> voided() {
        Resolved r = finalResolved();
        java.util.HashSet<EventId> out = new java.util.HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!r.applied().get(i)) {
                out.add(nodes.get(i).id());
            }
        }
        return out;
    }

    /** True if some admitted event ever granted {@code device} the admin role (or it founded the realm). */
    public boolean everAdmin(DeviceId device) {
        return everAdmin.contains(device);
    }

    /** True if some admitted event ever granted {@code device} a role that writes. */
    public boolean everWriter(DeviceId device) {
        return everWriter.contains(device);
    }

    /**
     * Whether an entity event by {@code author} citing the membership heads {@code auth} may change the realm's
     * data (see the class rules). The caller checks the returned removals' frontiers against the
     * author's chain.
     */
    public WriteAuthority authorizeWrite(DeviceId author, List<EventId> auth) {
        if (auth.isEmpty()) {
            return new WriteAuthority(WriteStatus.REFUSED, "it cites no membership", List.of());
        }
        Past cited = pasts.get(auth);
        if (cited == null) {
            int[] heads = new int[auth.size()];
            for (int i = 0; i < heads.length; i++) {
                EventId h = auth.get(i);
                if (kept.containsKey(h)) {
                    return new WriteAuthority(WriteStatus.PENDING, "it cites membership event " + h.shortForm()
                        + " of the previous release's format, which is not valid here yet", List.of());
                }
                if (refused.containsKey(h)) {
                    return new WriteAuthority(WriteStatus.REFUSED, "it cites membership event " + h.shortForm()
                        + ", which was refused", List.of());
                }
                Node n = byId.get(h);
                if (n == null) {
                    return new WriteAuthority(WriteStatus.PENDING, "it cites membership event " + h.shortForm()
                        + ", not received yet", List.of());
                }
                heads[i] = n.index;
            }
            BitSet down = new BitSet();
            for (int h : heads) {
                down.or(nodes.get(h).ancestors);
            }
            cited = new Past(stateAt(heads), down);
            pasts.put(List.copyOf(auth), cited);
        }
        State past = cited.state();
        Role role = role(past, author);
        if (role == null || !role.canWrite()) {
            return new WriteAuthority(WriteStatus.REFUSED, "author " + author.shortForm() + " could not write in the membership "
                + "it cites (" + (role == null ? "not a member" : "role " + role.name().toLowerCase(java.util.Locale.ROOT)) + ")",
                List.of());
        }
        Resolved fin = finalResolved();
        if (!author.equals(past.founder)) {
            MemberState m = past.entries.get(author);
            Role kept = null;
            boolean any = false;
            for (Setter st : m.setters()) {
                if (fin.applied().get(st.node())) {
                    kept = !any || ROLE_ORDER.compare(st.role(), kept) < 0 ? st.role() : kept;
                    any = true;
                }
            }
            if (!any || kept == null || !kept.canWrite()) {
                return new WriteAuthority(WriteStatus.VOIDED, "the grant that let " + author.shortForm()
                    + " write was voided by a removal of the admin who made it", List.of());
            }
        }
        List<Restriction> removals = List.of();
        for (Restriction r : derived().restrictions()) {
            if (r.subject().equals(author) && !cited.down().get(byId.get(r.event()).index)) {
                if (removals.isEmpty()) {
                    removals = new ArrayList<>();
                }
                removals.add(r);
            }
        }
        return new WriteAuthority(WriteStatus.AUTHORIZED, null, removals.isEmpty() ? List.of() : List.copyOf(removals));
    }

    /** The newest valid key epoch. */
    public int currentEpoch() {
        return derived().epoch();
    }

    /** Wrapped realm keys addressed to {@code device} by admitted ADD and ROTATE events. */
    public List<byte[]> wrapsFor(DeviceId device) {
        return derived().wraps().getOrDefault(device, List.of());
    }

    /**
     * True if a device that received the current epoch's key is no longer a key-holding member:
     * an admin must start a new epoch (a removal whose rotation lost a race, or was never made).
     */
    public boolean needsRotation() {
        for (DeviceId holder : derived().holders()) {
            Member m = members().get(holder);
            if (m == null || !m.role().holdsKey()) {
                return true;
            }
        }
        return false;
    }

    /** Key-holding members that lack the current epoch's key (an admin should wrap it for them). */
    public Set<DeviceId> missingCurrentKey() {
        TreeSet<DeviceId> missing = new TreeSet<>();
        for (Member m : members().values()) {
            if (m.role().holdsKey() && !derived().holders().contains(m.device())) {
                missing.add(m.device());
            }
        }
        return missing;
    }

    /** Removals and demotions in force that took the write role from someone. */
    public List<Restriction> restrictions() {
        return derived().restrictions();
    }

    // ------------------------------------------------------------------ the previous release's events

    /**
     * Whether an entity event of the previous release's format may change the realm's data (see
     * "Realms founded by the previous release"): its implicit causal past is the latest admitted
     * legacy membership event ordered before it. Never returns removals to check: they are settled here.
     */
    public WriteAuthority authorizeLegacyWrite(DeviceId author, long hlc, EventId id) {
        if (legacyRealm == null) {
            return new WriteAuthority(WriteStatus.PENDING, "the realm's founding event has not arrived yet", List.of());
        }
        if (!legacyRealm) {
            return new WriteAuthority(WriteStatus.REFUSED, LEGACY_IN_NEW_REALM, List.of());
        }
        if (sealFilter != null && !sealFilter.contains(id)) {
            return new WriteAuthority(WriteStatus.REFUSED, OUTSIDE_SEAL, List.of());
        }
        Map.Entry<LegacyKey, Integer> before = legacyChain.lowerEntry(new LegacyKey(hlc, id));
        if (before == null) {
            return new WriteAuthority(WriteStatus.REFUSED, "stamped before the realm was founded", List.of());
        }
        Node past = nodes.get(before.getValue());
        WriteAuthority w = authorizeWrite(author, List.of(past.id()));
        if (w.status() != WriteStatus.AUTHORIZED) {
            return w;
        }
        for (Restriction r : w.removals()) {
            Node removal = byId.get(r.event());
            if (removal.change().causality().legacy()) {
                continue; // the previous release's removal takes nothing away from what is ordered before it
            }
            if (!removal.ancestors.get(past.index) || hlc >= removal.event.hlc()) {
                return new WriteAuthority(WriteStatus.VOIDED, "device " + author.shortForm() + " was removed by "
                    + r.author().shortForm() + " (event " + r.event().shortForm() + "), which had not seen this event of "
                    + "the previous release's format", List.of());
            }
        }
        return new WriteAuthority(WriteStatus.AUTHORIZED, null, List.of());
    }

    /** True if the realm was founded by the previous release; empty until its GENESIS is known. */
    public Optional<Boolean> legacyRealm() {
        return Optional.ofNullable(legacyRealm);
    }

    /** True once a seal counts: legacy events outside the seals are refused. */
    public boolean sealed() {
        return sealFilter != null;
    }

    /** The seals that count (see the class rules), in id order; empty while none does. */
    public List<EventId> countingSeals() {
        return countingSeals;
    }

    /** True if {@code id} is a legacy event some counting seal accepts (false while none counts). */
    public boolean sealAccepts(EventId id) {
        return sealFilter != null && sealFilter.contains(id);
    }

    /** The admitted legacy membership events, in chain order. */
    public List<EventId> legacyChain() {
        return legacyChain.values().stream().map(i -> nodes.get(i).id()).toList();
    }

    /** Legacy membership events held but not part of the history, with why. */
    public Map<EventId, String> keptLegacy() {
        return Collections.unmodifiableMap(kept);
    }

    /** Seals admitted and not voided in this history (for {@link MembershipFold}'s first build). */
    List<MembershipEvent> appliedSeals() {
        Resolved r = finalResolved();
        List<MembershipEvent> out = new ArrayList<>();
        for (int i = r.applied().nextSetBit(0); i >= 0; i = r.applied().nextSetBit(i + 1)) {
            if (nodes.get(i).change().op() == MembershipChange.Op.SEAL) {
                out.add(nodes.get(i).event);
            }
        }
        return out;
    }
}
