package dev.lorehub.node.store;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.StoredEvent;
import dev.lorehub.node.core.WeighedLru;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers the event log gave earlier that no write since can have changed, so that the same question
 * asked again takes no SQL statement. Sync and ingest ask the same few things over and over: whether an
 * event offered by one peer and then by the next is here (it is not, until it arrives; or it is held back,
 * and every peer that has it offers it again at each exchange until it is released), whether a removed
 * author's chain holds an event (read again at each of its events), whether an entity has events and
 * which (every fold reads them all), how many events a realm holds back.
 *
 * <p>Sound because only this connection writes the node's event tables while it is open: one process
 * writes a data directory (the daemon holds the node lock, and CLI commands that change sync state go
 * through its control socket; the views that commands open beside it only read), and the commands that
 * remove or replace events ({@code doctor --repair}, {@code restore}) run without a daemon. So an answer
 * stays true until this connection writes, and every write tells this class what it did, after it ran:
 * <ul>
 *   <li>an append makes its event present (no longer "absent"), adds its link to its author's chain, itself
 *       to its author's events and to its entity's events;</li>
 *   <li>a hold makes its event present among the held ones and changes its realm's held size;</li>
 *   <li>a release removes one held row: held sizes, the oldest held stamps and that id's presence change, and
 *       nothing read from the stored events (a released event that is stored again is an append);</li>
 *   <li>a reveal (an opaque event became readable) changes chains, authors' and entities' events; a removal
 *       of events (a delete, a forgotten realm) changes those, held sizes and which ids are present: they are
 *       dropped;</li>
 *   <li>a rolled-back transaction drops everything, since what it wrote (or removed) is undone.</li>
 * </ul>
 * A write is bracketed: {@link #writing} before its statement, one of the methods below after it (or
 * {@link #writeFailed}); each moves a version, and an answer read from the log is kept only if the version
 * did not move while it was read and no write was under way, so an answer that raced a write on another
 * thread is never kept. A miss reads the log: this can only save statements, never answer differently
 * from the log.
 *
 * <p>Thread-safe.
 */
final class LogAnswers {
    // Bounds, chosen so that all of it together stays under about 15 MB of heap at worst; a device with more
    // than that in play only reads the log more often.
    /** The most ids kept as "absent" in each of the two sets (offers of events not here yet). */
    static final int MAX_ABSENT = 4096;
    /** The most ids kept as "stored or held". */
    static final int MAX_PRESENT = 4096;
    /** The most rows kept of authors' chains, and as many of authors' events (over all authors each). */
    static final long MAX_CHAIN_LINKS = 40_000;
    /** The most entities kept as "has events". */
    static final int MAX_ENTITIES = 20_000;
    /** The most sealed bytes kept of entities' events (a fold reads all of an entity's events each time). */
    static final long MAX_ENTITY_EVENT_BYTES = 4L << 20;

    private record ChainKey(RealmId realm, DeviceId author) {
    }

    /**
     * One readable entity event of an author, as {@code EventLog.forEachAuthorshipBy} visits it ({@code seq} 0
     * where the event has no chain position).
     */
    record Authorship(EntityKind kind, String entity, long hlc, EventId id, long seq, byte[] auth) {
    }

    private long version;
    /** Writes begun and not yet ended. */
    private int writing;
    /** Ids answered "not stored" (the log, not counting held events). */
    private final WeighedLru<EventId, Boolean> notStored = new WeighedLru<>(MAX_ABSENT);
    /** Ids answered "neither stored nor held". */
    private final WeighedLru<EventId, Boolean> nowhere = new WeighedLru<>(MAX_ABSENT);
    /**
     * Ids answered "stored or held" (or appended or held since). Mostly held events: every peer that has one
     * offers it again at each exchange until it is released, and stored ones are mostly answered by the recently
     * stored events before this is asked.
     */
    private final WeighedLru<EventId, Boolean> somewhere = new WeighedLru<>(MAX_PRESENT);
    /**
     * An author's entity events in a realm (membership events excluded), in the order the chain index gives
     * them (by chain position, then by when they were stored). Their byte arrays are shared with the callers.
     */
    private final WeighedLru<ChainKey, List<Authorship>> authorships = new WeighedLru<>(MAX_CHAIN_LINKS);
    /** An author's chain in a realm, as {@code EventLog.chain} answers it. */
    private final WeighedLru<ChainKey, List<LogRows.ChainLink>> chains = new WeighedLru<>(MAX_CHAIN_LINKS);
    /** Entities answered "has events" (kind code and entity id). */
    private final WeighedLru<String, Boolean> withEvents = new WeighedLru<>(MAX_ENTITIES);
    /**
     * An entity's events as {@code EventLog.eventsOf} answers them, in the log's order (by {@code seq}, so an
     * append goes last). Their byte arrays are shared with the callers, who only read them.
     */
    private final WeighedLru<String, List<StoredEvent>> entityEvents = new WeighedLru<>(MAX_ENTITY_EVENT_BYTES);
    private final Map<RealmId, long[]> heldSizes = new HashMap<>();
    private final Map<String, Optional<Long>> minHeldHlc = new HashMap<>();

    /** The version to pass back with an answer read from the log (read it before reading the log). */
    synchronized long version() {
        return version;
    }

    /** Whether an answer read at {@code readAt} may be kept: nothing was written since, and nothing is being written. */
    private boolean unchangedSince(long readAt) {
        return readAt == version && writing == 0;
    }

    /** A write of the log is about to run its statement; end it with one of the methods below. */
    synchronized void writing() {
        version++;
        writing++;
    }

    /** A write whose statement failed: it changed nothing. */
    synchronized void writeFailed() {
        ended();
    }

    private void ended() {
        version++;
        writing = Math.max(0, writing - 1);
    }

    // ----------------------------------------------------------------- answers

    synchronized boolean knownNotStored(EventId id) {
        return notStored.get(id) != null;
    }

    synchronized void notStored(EventId id, long readAt) {
        if (unchangedSince(readAt)) {
            notStored.put(id, Boolean.TRUE, 1);
        }
    }

    /** Whether an id is stored or held, as kept: true, false, or null when not kept. */
    synchronized Boolean storedOrHeld(EventId id) {
        if (nowhere.get(id) != null) {
            return Boolean.FALSE;
        }
        return somewhere.get(id) != null ? Boolean.TRUE : null;
    }

    synchronized void nowhere(EventId id, long readAt) {
        if (unchangedSince(readAt)) {
            nowhere.put(id, Boolean.TRUE, 1);
        }
    }

    synchronized void somewhere(EventId id, long readAt) {
        if (unchangedSince(readAt)) {
            somewhere.put(id, Boolean.TRUE, 1);
        }
    }

    /** The chain as kept (a copy), or null. */
    synchronized List<LogRows.ChainLink> chain(RealmId realm, DeviceId author) {
        List<LogRows.ChainLink> kept = chains.get(new ChainKey(realm, author));
        return kept == null ? null : List.copyOf(kept);
    }

    synchronized void chain(RealmId realm, DeviceId author, List<LogRows.ChainLink> links, long readAt) {
        if (unchangedSince(readAt)) {
            chains.put(new ChainKey(realm, author), new ArrayList<>(links), links.size() + 1L);
        }
    }

    /** An author's entity events as kept (a new list), or null. */
    synchronized List<Authorship> authorshipsBy(RealmId realm, DeviceId author) {
        List<Authorship> kept = authorships.get(new ChainKey(realm, author));
        return kept == null ? null : new ArrayList<>(kept);
    }

    synchronized void authorshipsBy(RealmId realm, DeviceId author, List<Authorship> rows, long readAt) {
        if (unchangedSince(readAt)) {
            authorships.put(new ChainKey(realm, author), new ArrayList<>(rows), rows.size() + 1L);
        }
    }

    synchronized boolean knownWithEvents(EntityKind kind, String entity) {
        return withEvents.get(entityKey(kind, entity)) != null;
    }

    synchronized void withEvents(EntityKind kind, String entity, long readAt) {
        if (unchangedSince(readAt)) {
            withEvents.put(entityKey(kind, entity), Boolean.TRUE, 1);
        }
    }

    /** An entity's events as kept (a new list), or null. */
    synchronized List<StoredEvent> eventsOf(EntityKind kind, String entity) {
        List<StoredEvent> kept = entityEvents.get(entityKey(kind, entity));
        return kept == null ? null : new ArrayList<>(kept);
    }

    /** The realms of an entity's events, sorted, when its events are kept; else null. */
    synchronized List<RealmId> realmsOf(EntityKind kind, String entity) {
        List<StoredEvent> kept = entityEvents.get(entityKey(kind, entity));
        if (kept == null) {
            return null;
        }
        java.util.TreeSet<RealmId> realms = new java.util.TreeSet<>();
        for (StoredEvent e : kept) {
            realms.add(e.realm());
        }
        return new ArrayList<>(realms);
    }

    synchronized void eventsOf(EntityKind kind, String entity, List<StoredEvent> events, long readAt) {
        if (unchangedSince(readAt)) {
            entityEvents.put(entityKey(kind, entity), new ArrayList<>(events), weight(events));
        }
    }

    /** The held size as kept (a copy), or null. */
    synchronized long[] heldSize(RealmId realm) {
        long[] kept = heldSizes.get(realm);
        return kept == null ? null : kept.clone();
    }

    synchronized void heldSize(RealmId realm, long[] size, long readAt) {
        if (unchangedSince(readAt)) {
            heldSizes.put(realm, size.clone());
        }
    }

    /** The oldest stamp held for a reason as kept, or null when not kept. */
    synchronized Optional<Long> minHeldHlc(String reason) {
        return minHeldHlc.get(reason);
    }

    synchronized void minHeldHlc(String reason, Optional<Long> hlc, long readAt) {
        if (unchangedSince(readAt)) {
            minHeldHlc.put(reason, hlc);
        }
    }

    // ----------------------------------------------------------------- writes (each ends one begun by writing())

    /** An event was inserted into the log ({@code added} false: it was there already, nothing changed). */
    synchronized void appended(StoredEvent e, boolean added) {
        ended();
        if (!added) {
            return;
        }
        notStored.remove(e.id());
        nowhere.remove(e.id());
        somewhere.put(e.id(), Boolean.TRUE, 1); // a rollback forgets it with the rest
        if (e.seq() != null) {
            ChainKey key = new ChainKey(e.realm(), e.author());
            List<LogRows.ChainLink> kept = chains.get(key);
            if (kept != null) {
                kept.add(new LogRows.ChainLink(e.id(), e.seq(), e.prev()));
                chains.put(key, kept, kept.size() + 1L);
            }
        }
        if (e.kind() != null && e.kind() != EntityKind.MEMBER) {
            ChainKey by = new ChainKey(e.realm(), e.author());
            List<Authorship> rows = authorships.get(by);
            if (rows != null) {
                long seq = e.seq() == null ? 0 : e.seq();
                int at = rows.size(); // after every row of the same or a lower position: the index's order
                while (at > 0 && rows.get(at - 1).seq() > seq) {
                    at--;
                }
                rows.add(at, new Authorship(e.kind(), e.entity(), e.hlc(), e.id(), seq, e.auth()));
                authorships.put(by, rows, rows.size() + 1L);
            }
        }
        if (e.kind() != null) {
            String key = entityKey(e.kind(), e.entity());
            withEvents.put(key, Boolean.TRUE, 1);
            List<StoredEvent> kept = entityEvents.get(key);
            if (kept != null) {
                kept.add(e); // the largest seq so far: last in the log's order too
                entityEvents.put(key, kept, weight(kept));
            }
        }
    }

    /** An event was held back (or its held row replaced). */
    synchronized void held(EventId id, RealmId realm) {
        ended();
        nowhere.remove(id);
        somewhere.put(id, Boolean.TRUE, 1);
        heldSizes.remove(realm);
        minHeldHlc.clear();
    }

    /**
     * A stored opaque event may have become readable: its chain position and entity may be known now (the
     * entity is not recorded as having events: the id may name no stored event, and a miss reads the log).
     */
    synchronized void revealed() {
        ended();
        chains.clear();
        authorships.clear();
        entityEvents.clear();
    }

    /**
     * A held event's row was removed (it is stored again by an append of its own, or dropped). Chains, authors'
     * and entities' events are read from the stored events only, so they stay; before, every release dropped
     * them, and the node read them all again after each event it held back for being early.
     */
    synchronized void released(EventId id) {
        ended();
        somewhere.remove(id);
        heldSizes.clear(); // its realm is not known here
        minHeldHlc.clear();
    }

    /** Events were removed, or held events with them (a delete, a forgotten or removed realm). */
    synchronized void removed() {
        ended();
        forgetDerived();
        somewhere.clear();
    }

    /** A transaction rolled back: whatever it wrote or removed is undone (a removed event is there again). */
    synchronized void rolledBack() {
        version++;
        forgetDerived();
        notStored.clear();
        nowhere.clear();
        somewhere.clear();
    }

    private void forgetDerived() {
        chains.clear();
        authorships.clear();
        withEvents.clear();
        entityEvents.clear();
        heldSizes.clear();
        minHeldHlc.clear();
    }


    private static long weight(List<StoredEvent> events) {
        long bytes = 64;
        for (StoredEvent e : events) {
            bytes += e.sealed().length + 64L;
        }
        return bytes;
    }

    private static String entityKey(EntityKind kind, String entity) {
        return kind.code() + "\u0000" + entity;
    }
}
