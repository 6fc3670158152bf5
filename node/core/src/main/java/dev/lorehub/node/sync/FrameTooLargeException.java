package dev.lorehub.node.sync;

/**
 * A frame over the size limit. Inbound it is refused before decoding (the transport's framing raises
 * it from the length prefix alone, before any buffer for the frame exists; {@link SyncCodec#decode}
 * from the frame's length); outbound nothing is sent.
 */
public final class FrameTooLargeException extends ProtocolViolationException {
    private static final long serialVersionUID = 1L;
    private final long limit;
    private final long size;
    private final boolean inbound;

    /**
     * @param limit   the maximum payload size, in bytes
     * @param size    the frame's payload size as announced (inbound) or given (outbound), or -1 when the
     *                encoder stopped at the limit without knowing it
     * @param inbound true if the peer sent or announced it, false if this side tried to send it
     */
    public FrameTooLargeException(long limit, long size, boolean inbound) {
        super(CloseReason.FRAME_TOO_LARGE, (inbound ? "incoming" : "outgoing") + " frame"
            + (size < 0 ? "" : " of " + size + " bytes") + " exceeds the limit of " + limit + " bytes");
        this.limit = limit;
        this.size = size;
        this.inbound = inbound;
    }

    /** The maximum payload size in bytes. */
    public long limit() {
        return limit;
    }

    /** The offending frame's payload size in bytes, or -1 if the encoder stopped at the limit. */
    public long size() {
        return size;
    }

    /** True if the peer sent or announced the frame, false if this side tried to send it. */
    public boolean inbound() {
        return inbound;
    }
}
