package dev.lorehub.discovery.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A {@link LanNodeMain} running in a network namespace, seen through the lines it prints. */
public final class ChildNode implements AutoCloseable {

    private final String deviceId;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path log;

    private ChildNode(String deviceId, Process process, Path log) {
        this.deviceId = deviceId;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::readLines, "child-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a node in host {@code host} of {@code lan}; it waits for {@link #go()}. */
    public static ChildNode start(NetNamespaces lan, int host, String name, int port, long maxSeconds) throws IOException {
        return start(lan, host, lan.address(host).getHostAddress(), name, port, maxSeconds);
    }

    /** Like {@link #start(NetNamespaces, int, String, int, long)}, running mDNS on {@code addresses} (comma-separated). */
    public static ChildNode start(NetNamespaces lan, int host, String addresses, String name, int port, long maxSeconds) throws IOException {
        String deviceId = TestIds.deviceId();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", testClasspath(), LanNodeMain.class.getName(),
                deviceId, name, addresses, Integer.toString(port), Long.toString(maxSeconds)));
        Path logs = Files.createDirectories(Path.of("target", "lan-logs"));
        Path log = logs.resolve(lan.namespace(host) + "-" + name + ".log");
        Process process = lan.inHost(host, command).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new ChildNode(deviceId, process, log);
    }

    /** The class path of this test run (surefire's, or the JVM's), for child JVMs. */
    public static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    public String deviceId() {
        return deviceId;
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines printed so far, from index {@code from} on. */
    public List<String> linesFrom(int from) {
        List<String> all = List.copyOf(lines);
        return all.subList(Math.min(from, all.size()), all.size());
    }

    public int lineCount() {
        return lines.size();
    }

    public boolean printed(String line) {
        return lines.contains(line);
    }

    public void awaitReady(Duration within) {
        await(deviceId + " READY (stderr in " + log + ")").atMost(within).pollInterval(Duration.ofMillis(20))
                .until(() -> printed("READY") || !process.isAlive());
        if (!printed("READY")) {
            throw new IllegalStateException("child exited before READY; stderr in " + log);
        }
    }

    public void go() throws IOException {
        send("go");
    }

    /** The first FOUND line about {@code other}, as its ms-since-start value. */
    public Optional<Long> foundMs(String other) {
        return event("FOUND", other);
    }

    public Optional<Long> lostMs(String other) {
        return event("LOST", other);
    }

    private Optional<Long> event(String kind, String other) {
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts.length >= 3 && parts[0].equals(kind) && parts[1].equals(other)) {
                return Optional.of(Long.parseLong(parts[2]));
            }
        }
        return Optional.empty();
    }

    /** Kills the JVM at once: no goodbye is sent. */
    public void kill() {
        process.destroyForcibly();
        waitFor(5);
    }

    /** Asks for a clean close (goodbyes) and waits for the exit; kills it if it does not exit in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                send("quit");
            } catch (IOException e) {
                // already gone
            }
            if (!waitFor(10)) {
                process.destroyForcibly();
                waitFor(5);
            }
        }
    }

    private boolean waitFor(long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Sends one command line (see {@link LanNodeMain}). */
    public void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private void readLines() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // process gone
        }
    }
}
