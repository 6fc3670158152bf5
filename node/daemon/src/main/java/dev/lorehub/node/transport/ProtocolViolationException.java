package dev.lorehub.node.transport;

/** The peer broke the transport's framing or handshake rules; the connection is closed with this message. */
final class ProtocolViolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolViolationException(String message) {
        super(message);
    }
}
