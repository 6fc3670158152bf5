package dev.lorehub.node.sync;

/** A frame that does not decode (to a transport frame or a sync message); the message says where and why. */
public final class MalformedFrameException extends ProtocolViolationException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(CloseReason.MALFORMED, message);
    }
}
