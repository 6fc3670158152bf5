package dev.lorehub.node.store;

/**
 * The LoreHub database could not be opened, created, changed or read. The message says which
 * file, what went wrong and what the user can do about it; the cause, if any, is SQLite's error.
 */
public final class LoreHubDatabaseException extends RuntimeException {

    public LoreHubDatabaseException(String message) {
        super(message);
    }

    public LoreHubDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
