package dev.lorehub.node.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The inviting side of {@code lorehub-node pair}, running: its output is read line by line as it
 * streams, because it prints the code and then blocks until someone uses it.
 */
final class PairInvitation implements AutoCloseable {
    private static final Pattern CODE = Pattern.compile("^Pairing code: (\\S+)");
    private static final Pattern PEER = Pattern.compile("--peer (\\S+?)\\)");

    private final List<String> command;
    private final Process process;
    private final Consumer<Exec.Result> onExit;
    private final List<String> lines = new ArrayList<>();
    private final CompletableFuture<String> err;
    private final CompletableFuture<Void> outRead = new CompletableFuture<>();

    PairInvitation(List<String> command, Process process, Consumer<Exec.Result> onExit) {
        this.command = command;
        this.process = process;
        this.onExit = onExit;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // stdin unused
        }
        this.err = Exec.drain(process.getErrorStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process went away
            } finally {
                outRead.complete(null);
            }
        }, "pair-invitation-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits (bounded) for the code the inviter shows; fails early if the inviter exits first. */
    String awaitCode(Duration max) {
        await("the inviter prints a pairing code").atMost(max).pollInterval(Duration.ofMillis(100))
            .failFast("the inviter exited before showing a code", () -> !process.isAlive() && find(CODE).isEmpty())
            .until(() -> find(CODE).isPresent());
        return find(CODE).orElseThrow();
    }

    /** The address printed for {@code --peer}. */
    String address() {
        return find(PEER).orElseThrow(() -> new AssertionError("the inviter printed no --peer address: " + stdout()));
    }

    /** Waits (bounded) for the inviter to exit; kills it if it does not. */
    Exec.Result awaitExit(Duration max) {
        try {
            if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the inviter did not exit within " + max.toSeconds() + " s; it printed:\n" + stdout());
            }
            String errText = err.get(5, TimeUnit.SECONDS);
            outRead.get(5, TimeUnit.SECONDS); // the last lines are in
            Exec.Result r = new Exec.Result(command, process.exitValue(), stdout(), errText);
            onExit.accept(r);
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError("cannot read the inviter's output", e);
        }
    }

    String stdout() {
        synchronized (lines) {
            return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
        }
    }

    private Optional<String> find(Pattern p) {
        synchronized (lines) {
            for (String line : lines) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
