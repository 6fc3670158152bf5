package dev.lorehub.node.sync;

import dev.lorehub.merkle.ReconciliationException;

/**
 * The peer's reconciliation messages were malformed, hostile or exceeded a limit. Keeps the
 * merkle module's {@link ReconciliationException.Kind}, so what went wrong survives the wrapping.
 */
public final class ReconciliationFailedException extends ProtocolViolationException {
    private static final long serialVersionUID = 1L;

    private final ReconciliationException.Kind kind;

    /** Wraps the reconciliation protocol's own failure, keeping its kind and message. */
    public ReconciliationFailedException(ReconciliationException cause) {
        super(CloseReason.PROTOCOL_VIOLATION, cause.getMessage(), cause);
        this.kind = cause.kind();
    }

    /** What the reconciliation protocol found wrong. */
    public ReconciliationException.Kind kind() {
        return kind;
    }
}
