package dev.lorehub.node.core;

/** An event body's bytes could not be decoded; the message names what is wrong and where. */
public final class EventFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
