package dev.lorehub.crypto;

/** A sealed envelope was rejected; {@link #reason()} says why, the message gives details. */
public final class EnvelopeException extends CryptoException {
    private static final long serialVersionUID = 1L;

    /** Why an envelope was rejected. */
    public enum Reason { TRUNCATED, TOO_LARGE, UNKNOWN_VERSION, MALFORMED, BAD_SIGNATURE, NO_KEY, DECRYPTION_FAILED }

    private final Reason reason;

    public EnvelopeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
