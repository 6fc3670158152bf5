package dev.lorehub.node.core;

/**
 * An event body (or a seal, or a text delta) that does not decode. {@link #kind()} says which
 * way it failed, so the ingest path picks the refusal reason by type, never by the message.
 */
public final class EventFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which way the bytes failed to decode. */
    public enum Kind {
        /** The bytes stop before the structure they declare ends. */
        TRUNCATED,
        /** A body format this node does not read (a newer release wrote it). */
        UNKNOWN_FORMAT,
        /** Anything else structurally wrong. */
        MALFORMED
    }

    private final Kind kind;

    public EventFormatException(String message) {
        this(Kind.MALFORMED, message);
    }

    public EventFormatException(String message, Throwable cause) {
        this(Kind.MALFORMED, message, cause);
    }

    public EventFormatException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EventFormatException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
