package dev.lorehub.node.transport;

/**
 * A frame longer than {@link TransportConfig#maxFrameBytes()}. Outbound, {@link PeerConnection#send}
 * throws it and sends nothing. Inbound, it is raised from the 4-byte length prefix alone, before any
 * buffer for the frame exists, and closes the connection with its message as the reason.
 */
public final class OversizedFrameException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long limit;
    private final long size;
    private final boolean inbound;

    /**
     * @param limit   the configured maximum, in bytes of application payload
     * @param size    the frame's payload size as declared (inbound) or given (outbound)
     * @param inbound true if the peer announced it
     */
    public OversizedFrameException(long limit, long size, boolean inbound) {
        super((inbound ? "incoming" : "outgoing") + " frame of " + size + " bytes exceeds the limit of " + limit + " bytes");
        this.limit = limit;
        this.size = size;
        this.inbound = inbound;
    }

    /** The configured maximum payload size in bytes. */
    public long limit() {
        return limit;
    }

    /** The offending frame's payload size in bytes. */
    public long size() {
        return size;
    }

    /** True if the peer announced the frame, false if the local producer tried to send it. */
    public boolean inbound() {
        return inbound;
    }
}
