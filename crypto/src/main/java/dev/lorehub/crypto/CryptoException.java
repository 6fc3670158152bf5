package dev.lorehub.crypto;

/** Base of every failure this module reports; unchecked so that callers handle it where they can act. */
public class CryptoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
