package dev.lorehub.node.transport;

/**
 * A transport operation failed: a socket could not be bound, or a one-shot connection
 * ({@link PeerTransport#connectOnce}) did not open. The message says what and why.
 */
public final class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
