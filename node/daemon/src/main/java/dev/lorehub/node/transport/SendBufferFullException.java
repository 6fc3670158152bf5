package dev.lorehub.node.transport;

/**
 * {@link PeerConnection#send} would queue more than {@link TransportConfig#maxPendingWriteBytes()}
 * outbound bytes on one connection: the producer ignored {@link PeerConnection#writable()}. Nothing
 * is queued; the connection stays open.
 */
public final class SendBufferFullException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final long limit;
    private final long wouldBePending;

    public SendBufferFullException(long limit, long wouldBePending) {
        super("sending would queue " + wouldBePending + " bytes on one connection, over the limit of " + limit
            + " bytes; wait until the connection is writable again");
        this.limit = limit;
        this.wouldBePending = wouldBePending;
    }

    /** The configured cap in bytes. */
    public long limit() {
        return limit;
    }

    /** Queued bytes including the refused frame. */
    public long wouldBePending() {
        return wouldBePending;
    }
}
