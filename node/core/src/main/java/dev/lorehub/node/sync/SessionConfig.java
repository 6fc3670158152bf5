package dev.lorehub.node.sync;

/**
 * Limits and timing of a sync session. All sizes in bytes, times in milliseconds.
 *
 * @param receiveWindow      bytes of events the peer may send before this side grants more (flow control).
 *                           Also the cap on the send credit this side accepts from the peer: whatever the peer
 *                           announces, at most this many bytes of events are in flight towards it
 * @param maxBatchBytes      target size of one {@link SyncMessage.Events} frame
 * @param maxBatchEvents     most events in one frame
 * @param maxOfferKeys       most keys in one {@link SyncMessage.Offer} (and ids in one {@link SyncMessage.Want})
 * @param helloTimeout       how long to wait for the peer's Hello
 * @param progressTimeout    how long a session with work outstanding may go without hearing from the peer
 * @param maxFramesPerSecond sustained inbound frame rate tolerated before the peer is cut off as flooding
 * @param frameBurst         inbound frames tolerated in a burst
 * @param maxOutboxBytes     most bytes of replies (Hello, Reconcile, Want, Credit) queued for a peer that does not
 *                           read them; a reply beyond it ends the session as flooding. At least one maximal frame
 * @param maxOutboxFrames    most replies queued, whatever their size (bounds the per-frame overhead of tiny ones)
 * @param compactEvents      announce {@link SyncCodec#CAP_COMPACT_EVENTS} in the Hello (default true)
 * @param membershipScope    announce {@link SyncCodec#CAP_MEMBERSHIP_SCOPE} in the Hello and open realms this side
 *                           may only see the membership of as {@link RealmScope#MEMBERSHIP_ONLY} (default true;
 *                           off only to test sessions with nodes that predate it)
 * @param maxPendingOffers   most keys of new local events waiting to be offered to a peer that does not read; beyond
 *                           it the session ends (normally) and the next one reconciles them instead
 */
public record SessionConfig(long receiveWindow, int maxBatchBytes, int maxBatchEvents, int maxOfferKeys, long helloTimeout,
                            long progressTimeout, int maxFramesPerSecond, int frameBurst, long maxOutboxBytes,
                            int maxOutboxFrames, int maxPendingOffers, boolean compactEvents, boolean membershipScope) {
    /**
     * Default {@link #maxOutboxBytes}: one maximal frame plus 1 MiB of small replies (4 MiB). An honest
     * peer reads its replies as they come, so its outbox holds a few frames; 4 MiB per session keeps
     * a handful of hostile peers well inside the README's 96 MiB heap.
     */
    public static final long DEFAULT_MAX_OUTBOX_BYTES = SyncCodec.MAX_FRAME + (1L << 20);
    /** Default {@link #maxOutboxFrames}: 4096 (a Credit frame is 3 bytes; 4096 of them cost ~100 KB of overhead). */
    public static final int DEFAULT_MAX_OUTBOX_FRAMES = 4096;
    /** Default {@link #maxPendingOffers}: 64 full offers, 64,000 keys (about 5 MB of keys). */
    public static final int DEFAULT_MAX_PENDING_OFFERS = 64_000;

    public SessionConfig {
        if (receiveWindow < SyncCodec.MAX_FRAME) {
            throw new IllegalArgumentException("receiveWindow must be at least one frame (" + SyncCodec.MAX_FRAME
                + " bytes), got " + receiveWindow);
        }
        if (maxBatchBytes < 1024 || maxBatchBytes > SyncCodec.MAX_FRAME / 2) {
            throw new IllegalArgumentException("maxBatchBytes must be within 1024.." + SyncCodec.MAX_FRAME / 2 + ", got "
                + maxBatchBytes);
        }
        if (maxBatchEvents < 1 || maxOfferKeys < 1 || helloTimeout < 1 || progressTimeout < 1 || maxFramesPerSecond < 1
            || frameBurst < 1 || maxOutboxFrames < 1 || maxPendingOffers < 1) {
            throw new IllegalArgumentException("session limits must be positive");
        }
        if (maxOutboxBytes < SyncCodec.MAX_FRAME) {
            throw new IllegalArgumentException("maxOutboxBytes must be at least one frame (" + SyncCodec.MAX_FRAME
                + " bytes), got " + maxOutboxBytes);
        }
    }

    /** The eleven limits and the compact-events switch, with membership scopes on. */
    public SessionConfig(long receiveWindow, int maxBatchBytes, int maxBatchEvents, int maxOfferKeys, long helloTimeout,
                         long progressTimeout, int maxFramesPerSecond, int frameBurst, long maxOutboxBytes,
                         int maxOutboxFrames, int maxPendingOffers, boolean compactEvents) {
        this(receiveWindow, maxBatchBytes, maxBatchEvents, maxOfferKeys, helloTimeout, progressTimeout, maxFramesPerSecond,
            frameBurst, maxOutboxBytes, maxOutboxFrames, maxPendingOffers, compactEvents, true);
    }

    /** The eleven limits, with compact event frames on. */
    public SessionConfig(long receiveWindow, int maxBatchBytes, int maxBatchEvents, int maxOfferKeys, long helloTimeout,
                         long progressTimeout, int maxFramesPerSecond, int frameBurst, long maxOutboxBytes,
                         int maxOutboxFrames, int maxPendingOffers) {
        this(receiveWindow, maxBatchBytes, maxBatchEvents, maxOfferKeys, helloTimeout, progressTimeout, maxFramesPerSecond,
            frameBurst, maxOutboxBytes, maxOutboxFrames, maxPendingOffers, true);
    }

    /**
     * The same limits, announcing (or not) that this side reads compact event frames
     * ({@link SyncCodec#CAP_COMPACT_EVENTS}); off only to measure what they save.
     */
    public SessionConfig withCompactEvents(boolean on) {
        return new SessionConfig(receiveWindow, maxBatchBytes, maxBatchEvents, maxOfferKeys, helloTimeout, progressTimeout,
            maxFramesPerSecond, frameBurst, maxOutboxBytes, maxOutboxFrames, maxPendingOffers, on, membershipScope);
    }

    /**
     * The same limits, announcing (or not) {@link SyncCodec#CAP_MEMBERSHIP_SCOPE}; off only to test
     * sessions with nodes that predate it.
     */
    public SessionConfig withMembershipScope(boolean on) {
        return new SessionConfig(receiveWindow, maxBatchBytes, maxBatchEvents, maxOfferKeys, helloTimeout, progressTimeout,
            maxFramesPerSecond, frameBurst, maxOutboxBytes, maxOutboxFrames, maxPendingOffers, compactEvents, on);
    }

    /** The first eight limits, with the default outbox and pending-offer bounds. */
    public SessionConfig(long receiveWindow, int maxBatchBytes, int maxBatchEvents, int maxOfferKeys, long helloTimeout,
                         long progressTimeout, int maxFramesPerSecond, int frameBurst) {
        this(receiveWindow, maxBatchBytes, maxBatchEvents, maxOfferKeys, helloTimeout, progressTimeout, maxFramesPerSecond,
            frameBurst, DEFAULT_MAX_OUTBOX_BYTES, DEFAULT_MAX_OUTBOX_FRAMES, DEFAULT_MAX_PENDING_OFFERS);
    }

    /**
     * Defaults for a LAN: an 8 MiB window and batches of up to 1 MiB or 4000 events. Each batch
     * is one ingest transaction with one fsync, so batches are as large as a frame comfortably
     * allows: at ~10 ms per fsync, small batches would cap the rate. Outbox and offers bounded as
     * documented on {@link #DEFAULT_MAX_OUTBOX_BYTES}, {@link #DEFAULT_MAX_OUTBOX_FRAMES} and
     * {@link #DEFAULT_MAX_PENDING_OFFERS}.
     */
    public static SessionConfig defaults() {
        return new SessionConfig(8L << 20, 1 << 20, 4000, 1000, 10_000, 60_000, 2_000, 4_000);
    }
}
