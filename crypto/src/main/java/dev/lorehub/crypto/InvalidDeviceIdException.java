package dev.lorehub.crypto;

/** A device id's text could not be parsed; the message names what is wrong and how to fix it. */
public final class InvalidDeviceIdException extends CryptoException {
    private static final long serialVersionUID = 1L;

    public InvalidDeviceIdException(String message) {
        super(message);
    }
}
