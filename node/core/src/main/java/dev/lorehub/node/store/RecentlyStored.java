package dev.lorehub.node.store;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.WeighedLru;
import java.util.ArrayDeque;

/**
 * The events this connection stored most recently, with their sealed bytes. Right after an event is
 * stored, sync asks about it again and again: each peer's session is offered it and sends it (its
 * bytes), relays offer it back, copies arrive from other peers (is it here?). Answered from here, those
 * take no SQL statement. Bounded by the sealed bytes kept; what it has forgotten is read from the log.
 *
 * <p>Sound because:
 * <ul>
 *   <li>an event id is the hash of its sealed bytes, so what is kept under an id is that event;</li>
 *   <li>an event enters only when the transaction that stored it committed: appends are staged and
 *       promoted by {@link #committed}, dropped by {@link #rolledBack};</li>
 *   <li>it leaves when this connection deletes the event ({@link #forget}) or forgets a realm
 *       ({@link #clear}). No other connection removes events while this one is open: the commands that
 *       do ({@code doctor --repair}, {@code restore}) run without a daemon (see {@link LogAnswers}, which
 *       relies on the same).</li>
 * </ul>
 * So it can only answer "stored" for an event the log holds, never the reverse wrongly: a miss reads the log.
 *
 * <p>Thread-safe: a status read may ask while the node's thread ends a transaction.
 */
final class RecentlyStored {
    /** The most sealed bytes kept (about two thousand events of a typical size). */
    static final long MAX_BYTES = 1L << 20;

    /** An event as kept: its realm (for the realm-checked read) and its sealed bytes. */
    record Entry(RealmId realm, EventId id, byte[] sealed) {
    }

    private final long maxBytes;
    private final WeighedLru<EventId, Entry> kept;
    /** Appended in the open transaction, oldest first; no heavier in all than {@link #maxBytes}. */
    private final ArrayDeque<Entry> staged = new ArrayDeque<>();
    private long stagedBytes;

    RecentlyStored(long maxBytes) {
        this.maxBytes = maxBytes;
        this.kept = new WeighedLru<>(maxBytes);
    }

    /** An event appended in the transaction now open (kept once it commits). */
    synchronized void appended(EventId id, RealmId realm, byte[] sealed) {
        if (sealed == null || sealed.length > maxBytes) {
            return;
        }
        staged.addLast(new Entry(realm, id, sealed));
        stagedBytes += sealed.length;
        while (stagedBytes > maxBytes) { // a large batch: only its newest would have been kept anyway
            stagedBytes -= staged.removeFirst().sealed().length;
        }
    }

    /** The transaction committed: what it appended is stored. */
    synchronized void committed() {
        for (Entry e : staged) {
            kept.put(e.id(), e, e.sealed().length);
        }
        staged.clear();
        stagedBytes = 0;
    }

    /** The transaction rolled back: nothing it appended was stored. */
    synchronized void rolledBack() {
        staged.clear();
        stagedBytes = 0;
    }

    /** The event kept under {@code id}, or null when it is not (which says nothing about the log). */
    synchronized Entry get(EventId id) {
        return kept.get(id);
    }

    /** The event is being deleted. */
    synchronized void forget(EventId id) {
        kept.remove(id);
        staged.removeIf(e -> e.id().equals(id));
        stagedBytes = staged.stream().mapToLong(e -> e.sealed().length).sum();
    }

    /** Events are being deleted in bulk. */
    synchronized void clear() {
        kept.clear();
        staged.clear();
        stagedBytes = 0;
    }
}
