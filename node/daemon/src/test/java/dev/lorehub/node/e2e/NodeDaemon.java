package dev.lorehub.node.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * One node's daemon, {@code lorehub-node start}, as a child process inside the node's network
 * namespace ({@code ip netns exec} execs java in place, so the child's pid is the JVM's own and
 * {@link #kill9} really is {@code kill -9} of the node). Its output is appended to a log file.
 */
final class NodeDaemon implements AutoCloseable {
    private static final List<String> DAEMON_JVM = List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:-UsePerfData");
    /** Printed by {@code start} once the control socket listens: from then on CLI commands go to this daemon. */
    private static final String READY = "Ctrl-C to stop.";

    private final BridgedNamespaces.Host host;
    private final Path jar;
    private final Path dataDir;
    private final Path log;
    private Process process;
    private long logOffset;

    NodeDaemon(BridgedNamespaces.Host host, Path jar, Path dataDir, Path log) {
        this.host = host;
        this.jar = jar;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts the daemon (call {@link #awaitReady} before talking to it). */
    void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(host.name() + " is already running");
        }
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), NodeCli.javaBinary()));
        argv.addAll(DAEMON_JVM);
        argv.addAll(List.of("-jar", jar.toString(), "start", "--data-dir", dataDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("LOREHUB_HOME");
        pb.environment().put("LOREHUB_LOG_LEVEL", "INFO");
        try {
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "==== " + String.join(" ", argv) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv, e);
        }
    }

    /** Waits (bounded) until this run of the daemon serves commands; fails at once if it exits. */
    void awaitReady(Duration max) {
        await(host.name() + "'s daemon is ready").atMost(max).pollInterval(Duration.ofMillis(100))
            .failFast(host.name() + "'s daemon exited: " + tail(), () -> !process.isAlive())
            .until(() -> logSinceStart().contains(READY));
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook, no goodbye, no flush. */
    void kill9() {
        process.destroyForcibly();
        waitGone(Duration.ofSeconds(10));
    }

    /** SIGTERM (Ctrl-C's clean shutdown), bounded; SIGKILL if it does not stop in time. */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        waitGone(Duration.ofSeconds(10));
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    private void waitGone(Duration max) {
        try {
            if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(host.name() + "'s daemon (pid " + process.pid() + ") did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The whole log, every run. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private String logSinceStart() {
        String all = log();
        return all.length() > logOffset ? all.substring((int) logOffset) : "";
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        String[] lines = log().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    @Override
    public void close() {
        stop();
    }
}
