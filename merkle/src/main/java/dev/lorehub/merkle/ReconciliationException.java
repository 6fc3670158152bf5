package dev.lorehub.merkle;

/**
 * The only exception {@link Initiator} and {@link Responder} throw for any input from the peer
 * (and for calls that do not fit the session's state). Once thrown, the session is failed and every
 * later call throws again; the caller drops it and may start a new one.
 *
 * <p>The message names the violated limit or rule and the offending value.
 */
public final class ReconciliationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The message ended before a field it announced. */
        TRUNCATED,
        /** The message is longer than the maximum message size, or a count exceeds a protocol limit. */
        OVERSIZED,
        /** The first byte names a protocol version this implementation does not speak. */
        UNKNOWN_VERSION,
        /** A field has an invalid value: reserved bits, unknown kinds, bad lengths, non-canonical varints, trailing bytes. */
        MALFORMED,
        /** Bounds, keys or range references that must ascend do not. */
        OUT_OF_ORDER,
        /** The message is well-formed but inconsistent with what this side sent or holds. */
        CONTRADICTORY,
        /** The session would exceed its configured number of rounds. */
        ROUND_LIMIT,
        /** The final result does not reproduce the peer's root fingerprint: the peer lied or a fingerprint collided. */
        VERIFICATION_FAILED,
        /** A call that does not fit the session's state: a message after completion or after a failure. */
        ILLEGAL_STATE
    }

    private final Kind kind;

    public ReconciliationException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }
}
