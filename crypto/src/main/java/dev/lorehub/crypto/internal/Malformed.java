package dev.lorehub.crypto.internal;

/**
 * Thrown by {@link ByteReader} when input does not have the expected shape. Callers translate it
 * into the typed exception of their format; it never escapes the module.
 */
public final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code truncated}: the input ended early (as opposed to holding a bad value). */
    private final boolean truncated;

    public Malformed(String message, boolean truncated) {
        super(message, null, false, false); // no stack trace: this is a routine rejection, not a bug
        this.truncated = truncated;
    }

    public boolean truncated() {
        return truncated;
    }
}
