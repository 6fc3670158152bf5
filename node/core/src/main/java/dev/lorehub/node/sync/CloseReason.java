package dev.lorehub.node.sync;

/** Why a sync session ended. Codes are part of the wire format. */
public enum CloseReason {
    /** Orderly end (shutdown, unpair). */
    NORMAL(0),
    /** No protocol version in common. */
    VERSION_MISMATCH(1),
    /** The peer broke the protocol (unexpected message, wrong realm, bad reconciliation). */
    PROTOCOL_VIOLATION(2),
    /** A frame over the size limit. */
    FRAME_TOO_LARGE(3),
    /** A frame that does not decode. */
    MALFORMED(4),
    /**
     * Too many messages, events beyond the credit granted, or requests whose replies the peer does
     * not read (the replies waiting for it would exceed the outbox bound).
     */
    FLOODING(5),
    /** No progress for too long. */
    TIMEOUT(6),
    /** The peer's Hello names a device other than the authenticated one. */
    WRONG_DEVICE(7),
    /** This side failed internally (e.g. its database); retrying later may work. */
    INTERNAL(8);

    private final int code;

    CloseReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static CloseReason ofCode(int code) {
        for (CloseReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return PROTOCOL_VIOLATION;
    }
}
