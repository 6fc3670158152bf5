package dev.lorehub.node.transport;

/**
 * A transport operation failed: a socket could not be bound, TLS could not be set up, a one-shot
 * connection ({@link PeerTransport#connectOnce}) did not open, or a send would overflow the
 * connection's buffer ({@link SendBufferFullException}). The root of this package's own failures;
 * a peer breaking the framing is the sync layer's {@link dev.lorehub.node.sync.ProtocolViolationException}.
 * The message says what and why.
 */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
