package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.OpenedEnvelope;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the parts of a {@link Replica} share: the store, lh's tables, the codec, the device's
 * identity and keys, and caches of realm mappings and memberships. Caches are dropped whenever a
 * transaction rolls back, so they never outlive what the database says.
 */
final class ReplicaContext {
    private final EventLog events;
    private final LhRows tables;
    private final EventCodec codec;
    private final DeviceIdentity identity;
    private final RealmKeys secrets;
    private final SecureRandom random;
    private final HybridClock clock;
    private final FoldPolicy fold;
    private final Map<RealmId, LogRows.SyncedRealmRow> realms = new HashMap<>();
    private final Map<RealmId, Membership> memberships = new HashMap<>();
    /** This device's chain tip per realm (a null value: it wrote nothing there yet). */
    private final Map<RealmId, ChainTip> tips = new HashMap<>();
    /** Chains of removed authors up to a removal's frontier: event id to seq. */
    private final Map<ChainKey, ChainView> chains = new HashMap<>();
    private java.util.function.Consumer<String> faults = step -> { };
    /**
     * Entities first seen in the current transaction, with their events in memory: folding them
     * needs no read of the log (most events of an initial sync create a new lore).
     */
    private final Map<String, List<FreshEvent>> fresh = new HashMap<>();
    /** Entities that have conflict rows (kind + NUL + entity), so that clean entities skip the delete. */
    private final java.util.Set<String> conflicted = new java.util.HashSet<>();

    /** An event stored in the current transaction for an entity that had none before. */
    record FreshEvent(EventId id, long hlc, DeviceId author, EntityChange change) {
    }

    /**
     * Text values that events assign, by (event, field), with where they belong: delta bases
     * (issue 17). A value is a pure function of the event's bytes (and its base's), so an entry
     * never goes stale; it is still dropped on rollback, so that "the base is stored here" is
     * always read from the database. Bounded in total characters.
     */
    private final TextCache texts = new TextCache(8 << 20);
    /** 2 MB of sealed bytes: a decoded body takes several times its sealed (compressed) size, and the daemon runs in 96 MiB. */
    private final WeighedLru<EventId, EventBody> bodies = new WeighedLru<>(2 << 20);

    ReplicaContext(EventLog events, LhRows tables, DeviceIdentity identity, RealmKeys secrets, SecureRandom random,
                   HybridClock clock, FoldPolicy fold) {
        this(events, tables, identity, secrets, random, clock, fold, EventCodec.Options.DEFAULT);
    }

    ReplicaContext(EventLog events, LhRows tables, DeviceIdentity identity, RealmKeys secrets, SecureRandom random,
                   HybridClock clock, FoldPolicy fold, EventCodec.Options wire) {
        this.codec = new EventCodec(wire);
        this.fold = fold;
        this.events = events;
        this.tables = tables;
        this.identity = identity;
        this.secrets = secrets;
        this.random = random;
        this.clock = clock;
    }

    EventLog events() {
        return events;
    }

    LhRows tables() {
        return tables;
    }

    EventCodec codec() {
        return codec;
    }

    DeviceIdentity identity() {
        return identity;
    }

    DeviceId self() {
        return identity.id();
    }

    RealmKeys secrets() {
        return secrets;
    }

    SecureRandom random() {
        return random;
    }

    HybridClock clock() {
        return clock;
    }

    FoldPolicy fold() {
        return fold;
    }

    /**
     * Marks a step of a write; tests install a hook that fails at a chosen step to prove the
     * transaction leaves nothing behind. A no-op otherwise.
     */
    void step(String name) {
        faults.accept(name);
    }

    void faults(java.util.function.Consumer<String> hook) {
        this.faults = hook;
    }

    /** Forgets per-transaction state; called when a transaction begins and ends. */
    void resetTransaction() {
        fresh.clear();
    }

    static String key(RealmId realm, EntityKind kind, String entity) {
        return realm + "\u0000" + kind.code() + "\u0000" + entity;
    }

    /**
     * Notes an entity event about to be stored; when the entity had no events before this
     * transaction its events are kept in memory for {@link #freshEvents}.
     */
    void noteStored(RealmId realm, EventId id, long hlc, DeviceId author, EntityChange change) throws StorageException {
        String k = key(realm, change.kind(), change.entityId());
        List<FreshEvent> list = fresh.get(k);
        if (list == null) {
            if (events.hasEventsOf(change.kind(), change.entityId())) {
                return;
            }
            list = new ArrayList<>();
            fresh.put(k, list);
        }
        list.add(new FreshEvent(id, hlc, author, change));
    }

    /**
     * An older event of the entity became readable in this transaction (revealed by a new key): its
     * events are no longer all fresh, so folds read the log again.
     */
    void forgetFresh(RealmId realm, EntityKind kind, String entity) {
        fresh.remove(key(realm, kind, entity));
    }

    /** The events of an entity first seen in this transaction, or null when the log must be read. */
    List<FreshEvent> freshEvents(RealmId realm, EntityKind kind, String entity) {
        return fresh.get(key(realm, kind, entity));
    }

    /** Loads which entities have conflicts. */
    void loadConflicted() throws StorageException {
        conflicted.clear();
        for (LogRows.EntityRef c : events.conflictedEntities()) {
            conflicted.add(c.kind().code() + "\u0000" + c.entity());
        }
    }

    /** Whether an entity has conflict rows; updates the set to {@code now}. */
    boolean swapConflicted(EntityKind kind, String entity, boolean now) {
        String k = kind.code() + "\u0000" + entity;
        return now ? !conflicted.add(k) : conflicted.remove(k);
    }

    /** Reloads the synced-realm rows from the database. */
    void reloadRealms() throws StorageException {
        realms.clear();
        for (LogRows.SyncedRealmRow r : events.realms()) {
            realms.put(r.realm(), r);
        }
    }

    Optional<LogRows.SyncedRealmRow> realm(RealmId realm) {
        return Optional.ofNullable(realms.get(realm));
    }

    Map<RealmId, LogRows.SyncedRealmRow> realms() {
        return realms;
    }

    /** The local realms row a synced realm is mapped to, or null. */
    String localRealmId(RealmId realm) {
        LogRows.SyncedRealmRow r = realms.get(realm);
        return r == null ? null : r.localRealmId();
    }

    /** The synced realm a local realms row is mapped to. */
    Optional<RealmId> syncedRealmOf(String localRealmId) {
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : realms.entrySet()) {
            if (localRealmId.equals(e.getValue().localRealmId())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /**
     * The body of a readable stored event, decrypted from its sealed bytes (verified when they were
     * stored; see {@link SealedEnvelope#openStored}), with any text delta resolved against its base
     * ({@link #resolve}): {@link MissingDeltaBaseException} when the base is not here yet,
     * {@link EventFormatException} when the delta does not fit it.
     */
    EventBody decode(StoredEvent e) {
        if (e.opaque()) {
            throw new IllegalArgumentException("event " + e.id().shortForm() + " is not readable here");
        }
        EventBody known = bodies.get(e.id());
        if (known != null) {
            return known;
        }
        OpenedEnvelope opened = openStored(e.sealed());
        EventCodec.Decoded d = codec.decodeParts(opened.plaintext());
        EventBody body = d.complete() ? d.body() : resolve(opened.header().realm(), opened.header().epoch(), e.id(), d);
        bodies.put(e.id(), body, e.sealed().length); // not reached when a delta's base is missing: decoded again later
        return body;
    }

    /**
     * Keeps the body just decoded (deltas resolved) from event {@code id}'s sealed bytes, of
     * {@code sealedLength} bytes, for {@link #decode}: sound because an id is the hash of the sealed bytes.
     */
    void rememberBody(EventId id, EventBody body, int sealedLength) {
        bodies.put(id, body, sealedLength);
    }

    /** Decodes a stored event without resolving its deltas (they are returned alongside). */
    EventCodec.Decoded decodeParts(StoredEvent e) {
        return codec.decodeParts(openStored(e.sealed()).plaintext());
    }

    private OpenedEnvelope openStored(byte[] sealed) {
        return SealedEnvelope.openStored(sealed, (realm, epoch) -> secrets.keyring(realm).flatMap(k -> k.epoch(epoch)));
    }

    /**
     * Completes a decoded entity change of {@code realm}, sealed under key {@code epoch}: each
     * {@link TextDelta} is applied to the value its base event assigns (see {@link TextDelta} for
     * what may be a base), and the event's texts are remembered as bases under {@code id} (when
     * not null).
     *
     * @throws MissingDeltaBaseException when a base event is not stored here, or not readable yet
     * @throws EventFormatException      when a base may not serve (another entity, realm or epoch, no text
     *                                   for the field, a chain longer than {@link TextDelta#MAX_CHAIN}) or
     *                                   the delta does not fit it
     */
    EntityChange resolve(RealmId realm, int epoch, EventId id, EventCodec.Decoded d) {
        EntityChange change = (EntityChange) d.body();
        java.util.Map<Field, BaseText> bases = new java.util.EnumMap<>(Field.class);
        for (java.util.Map.Entry<Field, TextDelta> e : d.deltas().entrySet()) {
            bases.put(e.getKey(), baseText(realm, epoch, change.kind(), change.entityId(), e.getValue().base(), e.getKey(),
                TextDelta.MAX_CHAIN - 1));
        }
        EntityChange resolved = (EntityChange) EventCodec.resolve(d, (base, field) -> bases.get(field).text());
        if (id != null) {
            for (Field f : new Field[] {Field.CONTENT, Field.WHY}) {
                if (resolved.assignments().get(f) instanceof String text) {
                    BaseText base = bases.get(f);
                    texts.put(id, f, new TextCache.Entry(realm, epoch, change.kind(), change.entityId(), text,
                        base == null ? 0 : base.depth() + 1));
                }
            }
        }
        return resolved;
    }

    /** A text an event assigns, and how many deltas it took to get it (0: sent in full). */
    record BaseText(String text, int depth) {
    }

    /**
     * The value of {@code field} that stored event {@code base} assigns, for a delta of an event of
     * ({@code realm}, {@code epoch}, {@code kind}, {@code entity}); the base's own delta chain may be
     * at most {@code budget} long. The rules and exceptions of {@link #resolve}.
     */
    BaseText baseText(RealmId realm, int epoch, EntityKind kind, String entity, EventId base, Field field, int budget) {
        TextCache.Entry entry = texts.get(base, field);
        try {
            if (entry != null && !events.contains(base)) {
                entry = null; // remembered from a write that did not stay: read the log
            }
            if (entry == null) {
                entry = load(base, field, budget);
            }
        } catch (StorageException e) {
            throw new ReplicaException("Cannot read event " + base.shortForm() + ": " + e.getMessage(), e);
        }
        if (!entry.realm().equals(realm) || entry.kind() != kind || !entry.entity().equals(entity)) {
            throw new EventFormatException("the base of a text delta, event " + base.shortForm() + ", belongs to another entity");
        }
        if (entry.epoch() != epoch) {
            throw new EventFormatException("the base of a text delta, event " + base.shortForm() + ", was sealed under key epoch "
                + entry.epoch() + ", not " + epoch + " like the delta");
        }
        if (entry.text() == null) {
            throw new EventFormatException("the base of a text delta, event " + base.shortForm() + ", assigns no text to "
                + field.column());
        }
        if (entry.depth() > budget) {
            throw new EventFormatException("a chain of more than " + TextDelta.MAX_CHAIN + " text deltas");
        }
        return new BaseText(entry.text(), entry.depth());
    }

    /** Reads a base event's value of {@code field} from the log (resolving its own delta, within {@code budget}). */
    private TextCache.Entry load(EventId base, Field field, int budget) throws StorageException {
        StoredEvent stored = events.get(base).orElse(null);
        if (stored == null || stored.opaque()) {
            throw new MissingDeltaBaseException(base, "its " + field.column() + " is an edit of event " + base.shortForm()
                + ", which " + (stored == null ? "has not arrived" : "this device cannot read yet"));
        }
        OpenedEnvelope opened = openStored(stored.sealed());
        RealmId realm = opened.header().realm();
        int epoch = opened.header().epoch();
        EventCodec.Decoded d = codec.decodeParts(opened.plaintext());
        if (!(d.body() instanceof EntityChange c)) {
            throw new EventFormatException("the base of a text delta, event " + base.shortForm() + ", is not an entity change");
        }
        TextCache.Entry entry;
        TextDelta delta = d.deltas().get(field);
        if (delta == null) {
            entry = new TextCache.Entry(realm, epoch, c.kind(), c.entityId(),
                c.assignments().get(field) instanceof String s ? s : null, 0);
        } else {
            if (budget <= 0) {
                throw new EventFormatException("a chain of more than " + TextDelta.MAX_CHAIN + " text deltas");
            }
            BaseText under = baseText(realm, epoch, c.kind(), c.entityId(), delta.base(), field, budget - 1);
            entry = new TextCache.Entry(realm, epoch, c.kind(), c.entityId(), delta.apply(under.text()), under.depth() + 1);
        }
        texts.put(base, field, entry);
        return entry;
    }

    /**
     * Remembers the texts of an event this device just wrote (its own deltas resolved from
     * {@code deltas}' bases, which it just read), so that the next delta against it needs no read
     * of the log.
     */
    void rememberTexts(RealmId realm, int epoch, EventId id, EntityChange change, java.util.Map<Field, TextDelta> deltas) {
        for (Field f : new Field[] {Field.CONTENT, Field.WHY}) {
            if (change.assignments().get(f) instanceof String text) {
                TextDelta d = deltas.get(f);
                TextCache.Entry base = d == null ? null : texts.get(d.base(), f);
                if (d != null && base == null) {
                    continue; // its chain length is not at hand: read it from the log when needed
                }
                texts.put(id, f, new TextCache.Entry(realm, epoch, change.kind(), change.entityId(), text,
                    base == null ? 0 : base.depth() + 1));
            }
        }
    }

    /**
     * The realm's membership, folded from its stored membership events once and then kept up to
     * date by admitting each new one ({@link Membership#admit}); dropped on rollback.
     */
    Membership membership(RealmId realm) throws StorageException {
        Membership m = memberships.get(realm);
        if (m == null) {
            List<MembershipEvent> history = new ArrayList<>();
            for (StoredEvent e : events.eventsOfKind(realm, EntityKind.MEMBER)) {
                history.add(new MembershipEvent(e.id(), e.hlc(), e.author(),
                    (MembershipChange) decode(e)));
            }
            m = MembershipFold.fold(realm, history);
            memberships.put(realm, m);
        }
        return m;
    }

    /**
     * A membership event of the realm was admitted, or events of it stored: removed authors'
     * chains as known here may have grown.
     */
    void membershipChanged(RealmId realm) {
        if (!chains.isEmpty()) {
            chains.keySet().removeIf(k -> k.realm().equals(realm));
        }
    }

    /**
     * An event of {@code author} in the realm was stored: that author's chain as known here may have grown.
     * A chain view is read from one author's links only, so other authors' views stay (a fold re-reads the
     * removed author's whole chain otherwise, at every event anyone stores).
     */
    void chainGrew(RealmId realm, DeviceId author) {
        if (!chains.isEmpty()) {
            chains.keySet().removeIf(k -> k.realm().equals(realm) && k.author().equals(author));
        }
    }

    /** This device's newest event in a realm: the link its next event extends. */
    record ChainTip(long seq, EventId id) {
    }

    ChainTip chainTip(RealmId realm) throws StorageException {
        ChainTip tip = tips.get(realm);
        if (tip == null && !tips.containsKey(realm)) {
            tip = events.chainTip(realm, self())
                .map(l -> new ChainTip(l.seq(), l.id())).orElse(null);
            tips.put(realm, tip);
        }
        return tip;
    }

    void advanceChain(RealmId realm, ChainTip tip) {
        tips.put(realm, tip);
    }

    /** Forgets the cached chain tip of this device in a realm (one of its own events arrived from elsewhere). */
    void forgetChainTip(RealmId realm) {
        tips.remove(realm);
    }

    /** Concatenated 32-byte ids, as stored in the {@code auth} column. */
    static byte[] joinIds(List<EventId> ids) {
        byte[] out = new byte[ids.size() * EventId.LENGTH];
        for (int i = 0; i < ids.size(); i++) {
            System.arraycopy(ids.get(i).rawBytes(), 0, out, i * EventId.LENGTH, EventId.LENGTH);
        }
        return out;
    }

    static List<EventId> splitIds(byte[] joined) {
        if (joined == null) {
            return List.of();
        }
        List<EventId> out = new ArrayList<>(joined.length / EventId.LENGTH);
        for (int i = 0; i + EventId.LENGTH <= joined.length; i += EventId.LENGTH) {
            out.add(EventId.fromBytes(java.util.Arrays.copyOfRange(joined, i, i + EventId.LENGTH)));
        }
        return out;
    }

    /** Whether an event changes the realm's data, and if not, why (null reason = authorised). */
    record Authority(Membership.WriteStatus status, String reason) {
        static final Authority AUTHORIZED = new Authority(Membership.WriteStatus.AUTHORIZED, null);

        boolean authorized() {
            return status == Membership.WriteStatus.AUTHORIZED;
        }
    }

    /**
     * Decides whether an entity event by {@code author} changes the realm's data: the membership
     * it cites must let its author write, nothing must have voided that, and a removal of the
     * author it does not know of must have seen it (the event lies in the author's chain up to
     * the removal's frontier).
     */
    Authority writeAuthority(RealmId realm, DeviceId author, Causality causality, long hlc, EventId id) throws StorageException {
        return writeAuthority(realm, author, causality.auth(), causality.seq(), causality.prev(), hlc, id);
    }

    /**
     * As {@link #writeAuthority(RealmId, DeviceId, Causality, long, EventId)}, from the stored columns;
     * {@code prev} is the event's own link (null if unknown or first), used when it is not stored yet.
     * {@code seq} 0 marks an event of the previous release's format, decided by its place among the
     * realm's legacy membership events ({@link Membership#authorizeLegacyWrite}).
     */
    Authority writeAuthority(RealmId realm, DeviceId author, List<EventId> auth, long seq, EventId prev, long hlc, EventId id)
        throws StorageException {
        if (seq <= 0) {
            Membership.WriteAuthority w = membership(realm).authorizeLegacyWrite(author, hlc, id);
            return w.status() == Membership.WriteStatus.AUTHORIZED ? Authority.AUTHORIZED : new Authority(w.status(), w.reason());
        }
        Membership.WriteAuthority w = membership(realm).authorizeWrite(author, auth);
        if (w.status() != Membership.WriteStatus.AUTHORIZED) {
            return new Authority(w.status(), w.reason());
        }
        for (Membership.Restriction r : w.removals()) {
            Boolean inside = insideFrontier(realm, author, r.frontier(), seq, prev, id);
            if (inside == null) {
                return new Authority(Membership.WriteStatus.PENDING, "it waits for the events device " + author.shortForm()
                    + " wrote before its removal " + r.event().shortForm());
            }
            if (!inside) {
                return new Authority(Membership.WriteStatus.VOIDED, "device " + author.shortForm() + " was removed by "
                    + r.author().shortForm() + " (event " + r.event().shortForm() + "), which had not seen this event");
            }
        }
        return Authority.AUTHORIZED;
    }

    private record ChainKey(RealmId realm, DeviceId author, EventId frontier) {
    }

    /**
     * A removed author's chain as known here, walked back from a removal's frontier.
     *
     * @param ids      the events on it
     * @param top      seq of the frontier (0 if the frontier event has not arrived)
     * @param lowest   the lowest seq reached
     * @param complete whether the walk reached the chain's first event
     */
    private record ChainView(java.util.Set<EventId> ids, long top, long lowest, boolean complete) {
    }

    /**
     * True if the event at {@code seq} is in the author's chain ending at {@code frontier}; null
     * when that cannot be told yet (the frontier or a link below it has not arrived).
     */
    private Boolean insideFrontier(RealmId realm, DeviceId author, EventId frontier, long seq, EventId prev, EventId id)
        throws StorageException {
        if (frontier == null) {
            return false;
        }
        if (frontier.equals(id)) {
            return true;
        }
        ChainKey key = new ChainKey(realm, author, frontier);
        ChainView chain = chains.get(key);
        if (chain != null && !chain.complete() && !chain.ids().contains(id) && seq < chain.lowest()) {
            chain = null; // walk again with this event as a link
        }
        if (chain == null) {
            Map<EventId, LogRows.ChainLink> links = new HashMap<>();
            for (LogRows.ChainLink link : events.chain(realm, author)) {
                links.put(link.id(), link);
            }
            // the event being decided is a link too, though it is not stored yet
            links.putIfAbsent(id, new LogRows.ChainLink(id, seq, prev));
            java.util.Set<EventId> ids = new java.util.HashSet<>();
            LogRows.ChainLink at = links.get(frontier);
            long top = at == null ? 0 : at.seq();
            long lowest = top;
            while (at != null) {
                EventId atId = at.id();
                if (!ids.add(atId)) {
                    break; // a cycle cannot be signed into existence, but never loop on stored data
                }
                lowest = at.seq();
                at = at.prev() == null ? null : links.get(at.prev());
            }
            chain = new ChainView(ids, top, lowest, top > 0 && lowest == 1);
            chains.put(key, chain);
        }
        if (chain.ids().contains(id)) {
            return true;
        }
        if (chain.top() == 0) {
            return null;
        }
        if (seq > chain.top() || chain.complete() || seq >= chain.lowest()) {
            return false; // after the frontier, or a fork of the part of the chain known here
        }
        return null;
    }

    /**
     * Why this device may not write yet after a restore from a backup (see {@code Replica#restoreState}),
     * or null when it may.
     */
    String restoreGate() throws StorageException {
        java.util.Optional<String> at = events.meta(Replica.RESTORED);
        return at.isEmpty() ? null : "this device was restored from a backup made at "
            + java.time.Instant.ofEpochMilli(Long.parseLong(at.get())) + " and waits to receive its own newer events from a "
            + "peer before it writes (start the node with a peer reachable; `lorehub-node restore --done` writes without waiting)";
    }

    void forgetMembership(RealmId realm) {
        memberships.remove(realm);
        membershipChanged(realm);
    }

    /** Drops every cache (after a rollback). */
    void forgetAll() throws StorageException {
        texts.clear();
        bodies.clear();
        memberships.clear();
        chains.clear();
        tips.clear();
        fresh.clear();
        reloadRealms();
        loadConflicted();
    }
}
