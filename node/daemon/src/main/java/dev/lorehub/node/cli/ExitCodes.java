package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeException;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * What a command's failure means for the user: one line on standard error and the exit code.
 * Only {@link NodeException} carries a documented code (its {@link NodeException.Reason}); the
 * runtime translates what the layers below throw ({@link NodeException#translate}), so anything
 * else is an unexpected failure, exit code 1, reported with its type to help a bug report.
 */
final class ExitCodes {
    /** An exception no layer turned into a user-facing problem: a bug. */
    static final int UNEXPECTED = 1;

    private ExitCodes() {
    }

    /** Prints what {@code failure} means to {@code err} and returns the exit code for it. */
    static int exitCodeFor(Throwable failure, PrintWriter err) {
        Optional<NodeException> problem = NodeException.translate(failure);
        if (problem.isPresent()) {
            err.println("lorehub-node: " + problem.get().getMessage());
            return problem.get().exitCode();
        }
        err.println("lorehub-node: unexpected failure: " + failure);
        return UNEXPECTED;
    }
}
