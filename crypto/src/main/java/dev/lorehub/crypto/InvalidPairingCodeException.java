package dev.lorehub.crypto;

/** A pairing code's text could not be parsed; the message says what is wrong. */
public final class InvalidPairingCodeException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public InvalidPairingCodeException(String message) {
        super(message);
    }
}
