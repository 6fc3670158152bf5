package dev.lorehub.crypto;

import java.nio.file.Path;

/** A key file is missing, too widely readable, or corrupted. The message names the file and the fix. */
public final class KeyFileException extends CryptoException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public KeyFileException(Path file, String message) {
        super(message);
        this.file = file;
    }

    public KeyFileException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file the problem is with. */
    public Path file() {
        return file;
    }
}
