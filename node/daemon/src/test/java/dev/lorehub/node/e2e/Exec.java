package dev.lorehub.node.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs an external command to completion, bounded in time, and keeps what it printed. */
final class Exec {
    private Exec() {
    }

    /** What a finished command did. */
    record Result(List<String> command, int exit, String out, String err) {
        /** Both streams, for messages that may go to either. */
        String all() {
            return out + err;
        }

        /** This result, or an {@link AssertionError} with everything printed when the exit code was not 0. */
        Result ok() {
            if (exit != 0) {
                throw new AssertionError("command failed: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exit + "\n  --- stdout\n" + out + "  --- stderr\n" + err;
        }
    }

    /** Runs {@code command}; an {@link AssertionError} if it does not finish within {@code timeout} (it is killed). */
    static Result run(Duration timeout, Path directory, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        pb.environment().remove("LOREHUB_HOME");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        try {
            p.getOutputStream().close(); // nothing is ever typed in
        } catch (IOException e) {
            // the child's stdin: nothing to clean up
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s (killed): " + String.join(" ", command)
                    + "\n--- stdout\n" + out.completeOnTimeout("", 2, TimeUnit.SECONDS).join()
                    + "\n--- stderr\n" + err.completeOnTimeout("", 2, TimeUnit.SECONDS).join());
            }
            return new Result(command, p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted while running " + command, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read the output of " + command, e);
        }
    }

    /** Reads a stream to its end on a daemon thread (so a full pipe never blocks the child). */
    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("(output unreadable: " + e + ")");
            }
        }, "exec-drain");
        t.setDaemon(true);
        t.start();
        return text;
    }
}
