package dev.lorehub.node.sync;

/** The peer's reconciliation messages were malformed, hostile or exceeded a limit. */
public final class ReconciliationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReconciliationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
