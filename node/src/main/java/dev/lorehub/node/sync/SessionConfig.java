package dev.lorehub.node.sync;

/**
 * Limits and timing of a sync session. All sizes in bytes, times in milliseconds.
 *
 * @param receiveWindow     bytes of events the peer may send before this side grants more (flow control)
 * @param maxBatchBytes     target size of one {@link SyncMessage.Events} frame
 * @param maxBatchEvents    most events in one frame
 * @param maxOfferKeys      most keys in one {@link SyncMessage.Offer}
 * @param helloTimeout      how long to wait for the peer's Hello
 * @param progressTimeout   how long a session with work outstanding may go without hearing from the peer
 * @param maxFramesPerSecond sustained inbound frame rate tolerated before the peer is cut off as flooding
 * @param frameBurst        inbound frames tolerated in a burst
 */
public record SessionConfig(long receiveWindow, int maxBatchBytes, int maxBatchEvents, int maxOfferKeys, long helloTimeout,
                            long progressTimeout, int maxFramesPerSecond, int frameBurst) {
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
            || frameBurst < 1) {
            throw new IllegalArgumentException("session limits must be positive");
        }
    }

    /**
     * Defaults for a LAN: an 8 MiB window and batches of up to 1 MiB or 4000 events. Each batch
     * is one ingest transaction with one fsync, so batches are as large as a frame comfortably
     * allows: at ~10 ms per fsync, small batches would cap the rate.
     */
    public static SessionConfig defaults() {
        return new SessionConfig(8L << 20, 1 << 20, 4000, 1000, 10_000, 60_000, 2_000, 4_000);
    }
}
