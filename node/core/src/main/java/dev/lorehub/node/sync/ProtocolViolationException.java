package dev.lorehub.node.sync;

/**
 * A frame or message outside the wire protocol's rules, whichever layer found it: the transport's
 * framing, {@link SyncCodec} or {@link SyncSession}. The root of this package's failures;
 * {@link #reason()} is the {@link CloseReason} the connection or session ends with, so callers branch
 * on it, never on the message. The message names the rule and the offending value.
 *
 * <p>Subtypes carry what their kind knows: {@link FrameTooLargeException} (the limit and the size),
 * {@link MalformedFrameException}, {@link ReconciliationFailedException} (merkle's kind).
 */
public class ProtocolViolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final CloseReason reason;

    public ProtocolViolationException(CloseReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    ProtocolViolationException(CloseReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** How the session or connection that met it ends. */
    public CloseReason reason() {
        return reason;
    }
}
