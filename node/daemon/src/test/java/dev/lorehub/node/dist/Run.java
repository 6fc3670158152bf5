package dev.lorehub.node.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs an external command to completion with a given environment, bounded in time, and keeps what it printed. */
final class Run {
    private Run() {
    }

    /** What a finished command did. */
    record Result(List<String> command, int exit, String out, String err) {
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

    /**
     * Runs {@code command} in {@code dir} with the environment changed by {@code env} (a null value
     * removes a variable); an {@link AssertionError} if it does not finish within {@code timeout}.
     */
    static Result run(Duration timeout, Path dir, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.remove("LOREHUB_HOME");
        e.remove("LOREHUB_NODE_JAVA_OPTS");
        e.remove("LOREHUB_NODE_CDS");
        env.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close(); // nothing is ever typed in
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot run " + command, ex);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s (killed): " + command);
            }
            return new Result(command, p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted while running " + command, ex);
        } catch (ExecutionException | TimeoutException ex) {
            throw new AssertionError("cannot read the output of " + command, ex);
        }
    }

    /** True when {@code tool} is an executable on PATH. */
    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ex) {
                text.complete("(output unreadable: " + ex + ")");
            }
        }, "run-drain");
        t.setDaemon(true);
        t.start();
        return text;
    }
}
