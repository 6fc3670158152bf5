package dev.lorehub.node.runtime;

import dev.lorehub.crypto.KeyFileException;
import dev.lorehub.node.core.ReplicaException;
import dev.lorehub.node.store.LoreHubDatabaseException;

import java.util.Optional;

/**
 * A problem a user can act on; the message says what went wrong and what to do, and
 * {@link #reason()} what kind of problem it is, which fixes the CLI's documented exit code
 * ({@link #exitCode()}). The root of the runtime's failures, and the only type the CLI maps to exit
 * codes: {@link NodeConfig.ConfigException} is one, and {@link #translate} turns the failures of the
 * layers below that a user can act on into one.
 */
public class NodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of problem it is, with the CLI's exit code for it (listed in {@code lorehub-node --help}). */
    public enum Reason {
        /** Bad command-line usage. */
        USAGE(2),
        /** The data directory is missing, not initialised, already in use, or readable by other users. */
        STATE(3),
        /** The configuration file is invalid. */
        CONFIG(4),
        /** A network problem: port taken, peer not found, connection refused. */
        NETWORK(5),
        /** Pairing failed (wrong code, expired, tampered). */
        PAIRING(6),
        /** An operation was refused (not an admin, unknown realm or lore). */
        REFUSED(7),
        /** Anything else. */
        INTERNAL(10);

        private final int exitCode;

        Reason(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The CLI's exit code for this kind of problem. */
        public int exitCode() {
            return exitCode;
        }

        /**
         * The reason whose exit code this is, for a code that crossed the control socket;
         * {@link #INTERNAL} for a code this version does not know.
         */
        public static Reason ofExitCode(int code) {
            for (Reason r : values()) {
                if (r.exitCode == code) {
                    return r;
                }
            }
            return INTERNAL;
        }
    }

    private final Reason reason;

    public NodeException(String message, Reason reason) {
        super(message);
        this.reason = reason;
    }

    public NodeException(String message, Reason reason, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The CLI's documented exit code for this problem. */
    public int exitCode() {
        return reason.exitCode();
    }

    /**
     * The runtime boundary for failures that reach a command: {@code failure} itself if it is a
     * NodeException; a key file problem (crypto) or a database problem (store), which know nothing of
     * exit codes, as a {@link Reason#STATE} problem with the same message and the original as cause; a
     * replica's refusal ({@code ReplicaException}) as {@link Reason#REFUSED}, as the node thread maps it;
     * empty for anything else (an unexpected failure, a bug).
     */
    public static Optional<NodeException> translate(Throwable failure) {
        if (failure instanceof NodeException n) {
            return Optional.of(n);
        }
        if (failure instanceof KeyFileException || failure instanceof LoreHubDatabaseException) {
            return Optional.of(new NodeException(failure.getMessage(), Reason.STATE, failure));
        }
        if (failure instanceof ReplicaException) {
            // as the node thread maps it: the replica refused what was asked (an unknown lore prefix …)
            return Optional.of(new NodeException(failure.getMessage(), Reason.REFUSED, failure));
        }
        return Optional.empty();
    }
}
