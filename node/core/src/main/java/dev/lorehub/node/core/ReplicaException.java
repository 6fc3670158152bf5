package dev.lorehub.node.core;

/** The replica could not complete an operation; nothing of it was applied. The message says what to do. */
public final class ReplicaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplicaException(String message) {
        super(message);
    }

    public ReplicaException(String message, Throwable cause) {
        super(message, cause);
    }
}
