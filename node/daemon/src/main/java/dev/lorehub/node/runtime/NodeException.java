package dev.lorehub.node.runtime;

/**
 * A problem a user can act on; the message says what went wrong and what to do, and
 * {@link #exitCode()} is the CLI's documented exit code for that kind of problem.
 */
public class NodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Bad command-line usage. */
    public static final int USAGE = 2;
    /** The data directory is missing, not initialised, already in use, or readable by other users. */
    public static final int STATE = 3;
    /** The configuration file is invalid. */
    public static final int CONFIG = 4;
    /** A network problem: port taken, peer not found, connection refused. */
    public static final int NETWORK = 5;
    /** Pairing failed (wrong code, expired, tampered). */
    public static final int PAIRING = 6;
    /** An operation was refused (not an admin, unknown realm or lore). */
    public static final int REFUSED = 7;
    /** Anything else. */
    public static final int INTERNAL = 10;

    private final int exitCode;

    public NodeException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
