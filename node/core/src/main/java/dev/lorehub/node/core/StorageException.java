package dev.lorehub.node.core;

/**
 * The node's storage (its ports: {@link EventLog}, {@link LhRows}, {@link CaptureQueue},
 * {@link NodeStorage}) could not do what was asked. The core's own failure type, so no storage
 * technology's exception appears in the domain; the adapter that raised it keeps the original as
 * the cause, and its message unchanged (users see it in {@link ReplicaException} messages).
 */
public final class StorageException extends Exception {

    /** What kind of failure it was, as far as the adapter can tell; callers branch on this, never on the message. */
    public enum Reason {
        /** Another writer held the lock for longer than the busy timeout. */
        BUSY,
        /** A uniqueness, foreign-key or check constraint refused the write. */
        CONSTRAINT,
        /** The file is damaged or is not a database. */
        CORRUPT,
        /** The disk is full, read-only or failed. */
        IO,
        /** Anything else. */
        OTHER
    }

    private final Reason reason;

    public StorageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
