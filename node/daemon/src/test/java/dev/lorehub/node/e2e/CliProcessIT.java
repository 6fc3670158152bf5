package dev.lorehub.node.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shaded jar as a user runs it, one process per command, all on 127.0.0.1 with mDNS off or on
 * loopback (no root needed): Ctrl-C exits 130 after a clean stop and takes the demo's directories
 * (which hold keys) with it; {@code start --loopback} keeps the configured port; {@code pair} with
 * no daemon prints only its own messages, leaves the sync port alone, and meanwhile other commands
 * say a pairing is in progress instead of suggesting to delete the control socket.
 */
class CliProcessIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    private static final Pattern CODE = Pattern.compile("Pairing code: (\\S+)");
    private static final Pattern PEER = Pattern.compile("--peer (127\\.0\\.0\\.1:\\d+)");
    /** logback's pattern puts the level after the time: "12:00:00.000 INFO  NodeRuntime - …". */
    private static final Pattern INFO_LINE = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO ");

    @TempDir
    Path dir;
    Path jar;
    private final List<Running> started = new ArrayList<>();

    @BeforeEach
    void jar() {
        jar = Path.of(System.getProperty("lorehub.jar", "target/lorehub-node.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "CliProcessIT skipped: " + jar + " is not built (run `mvn verify`)");
    }

    @AfterEach
    void stop() {
        started.forEach(Running::kill);
    }

    /** A command that runs until it exits, its output read line by line as it comes. */
    private final class Running {
        final Process process;
        final StringBuffer out = new StringBuffer();
        final StringBuffer err = new StringBuffer();

        Running(List<String> jvm, String... args) {
            List<String> argv = new ArrayList<>(List.of(NodeCli.javaBinary()));
            argv.addAll(NodeCli.CLI_JVM);
            argv.addAll(jvm);
            argv.addAll(List.of("-jar", jar.toString()));
            argv.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().remove("LOREHUB_HOME");
            pb.environment().remove("LOREHUB_LOG_LEVEL");
            try {
                process = pb.start();
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pump(process.getInputStream(), out);
            pump(process.getErrorStream(), err);
            started.add(this);
        }

        private void pump(InputStream in, StringBuffer into) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        into.append(line).append('\n');
                    }
                } catch (IOException e) {
                    into.append("(unreadable: ").append(e).append(")\n");
                }
            }, "it-pump");
            t.setDaemon(true);
            t.start();
        }

        /** Waits (bounded) until stdout matches {@code pattern}; returns the match. */
        Matcher awaitOut(Pattern pattern) {
            await().atMost(STEP).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (pattern.matcher(out).find()) {
                    return true;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("exited (" + process.exitValue() + ") before printing " + pattern + ":\n" + this);
                }
                return false;
            });
            Matcher m = pattern.matcher(out);
            assertThat(m.find()).isTrue();
            return m;
        }

        /** Ctrl-C: SIGINT to the JVM, as a terminal sends it. */
        void interrupt() throws Exception {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(kill.exitValue()).isZero();
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(STEP.toSeconds(), TimeUnit.SECONDS)).as("exited in time:\n" + this).isTrue();
            return process.exitValue();
        }

        void kill() {
            process.destroyForcibly();
        }

        @Override
        public String toString() {
            return "--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Exec.Result cli(String... args) {
        List<String> argv = new ArrayList<>(List.of(NodeCli.javaBinary()));
        argv.addAll(NodeCli.CLI_JVM);
        argv.addAll(List.of("-jar", jar.toString()));
        argv.addAll(List.of(args));
        return Exec.run(STEP, dir, argv);
    }

    private Path init(String name, String config) throws IOException {
        Path data = dir.resolve(name);
        cli("init", "--data-dir", data.toString(), "--name", name).ok();
        Files.writeString(data.resolve("node/node.json"), config);
        return data;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String onLoopback(String name, int port) {
        return "{ \"displayName\": \"" + name + "\", \"port\": " + port + ", \"bind\": [\"127.0.0.1\"], \"mdns\": [], \"dashboard\": { \"enabled\": false } }";
    }

    @Test
    void ctrlCStopsTheDaemonCleanlyWithExit130AndLoopbackKeepsTheConfiguredPort() throws Exception {
        int port = freePort();
        Path data = init("solo", "{ \"port\": " + port + ", \"dashboard\": { \"enabled\": false } }");

        Running daemon = new Running(List.of(), "start", "--loopback", "--data-dir", data.toString());
        daemon.awaitOut(Pattern.compile("Ctrl-C to stop\\."));
        assertThat(daemon.out.toString()).contains("127.0.0.1:" + port);

        daemon.interrupt();
        assertThat(daemon.awaitExit()).as(daemon.toString()).isEqualTo(130);
        assertThat(daemon.err.toString()).contains("Stopping");
        assertThat(cli("status", "--data-dir", data.toString()).ok().out()).contains("node not running");
    }

    @Test
    void ctrlCDuringTheDemoRemovesItsDirectoriesAndKeys() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        Running demo = new Running(List.of("-Djava.io.tmpdir=" + tmp), "demo");
        demo.awaitOut(Pattern.compile("started ann-laptop"));
        try (Stream<Path> during = Files.list(tmp)) {
            assertThat(during.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("lorehub-demo"));
        }

        demo.interrupt();
        assertThat(demo.awaitExit()).as(demo.toString()).isEqualTo(130);
        try (Stream<Path> after = Files.list(tmp)) {
            assertThat(after.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("lorehub-demo"));
        }
    }

    @Test
    void pairWithoutADaemonSpeaksOnlyToTheUserAndOthersSeeAPairingInProgress() throws Exception {
        int portA = freePort();
        int portB = freePort();
        Path a = init("ann-laptop", onLoopback("ann-laptop", portA));
        Path b = init("ann-desktop", onLoopback("ann-desktop", portB));

        Running inviter = new Running(List.of(), "pair", "--data-dir", a.toString());
        String code = inviter.awaitOut(CODE).group(1);
        String address = inviter.awaitOut(PEER).group(1);

        // The node run for `pair` leaves the sync port to the daemon: it is free to bind.
        try (ServerSocket syncPort = new ServerSocket(portA, 1, InetAddress.getLoopbackAddress())) {
            assertThat(syncPort.getLocalPort()).isEqualTo(portA);
        }
        for (String command : List.of("status", "peers")) {
            Exec.Result r = cli(command, "--data-dir", a.toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.all()).as(r.toString()).contains("busy").contains("pairing code")
                .doesNotContain("control.sock").doesNotContain("remove");
        }
        Path project = Files.createDirectories(dir.resolve("work/api"));
        String added = cli("lore", "add", "--data-dir", a.toString(), "--path", project.toString(), "Written while pairing waits")
            .ok().out();
        // The looks read the database themselves while the node run for `pair` holds it (it has no control socket).
        assertThat(cli("lore", "list", "--data-dir", a.toString(), "--path", project.toString()).ok().out())
            .contains("Written while pairing waits");
        Matcher loreId = Pattern.compile("Added lore ([0-9a-f]{8})").matcher(added);
        assertThat(loreId.find()).as(added).isTrue();
        assertThat(cli("lore", "show", loreId.group(1), "--data-dir", a.toString()).ok().out()).contains("Written while pairing waits");
        assertThat(cli("conflicts", "--data-dir", a.toString()).ok().out()).contains("No conflicts.");
        assertThat(cli("realm", "list", "--data-dir", a.toString()).ok().out()).contains("No synced realms");
        Exec.Result share = cli("realm", "share", "--data-dir", a.toString(), project.toString());
        assertThat(share.exit()).as(share.toString()).isEqualTo(3);
        assertThat(share.err()).contains("is busy: another lorehub-node command is showing a pairing code")
            .doesNotContain("control.sock");

        Exec.Result joiner = cli("pair", code, "--peer", address, "--data-dir", b.toString());
        assertThat(joiner.exit()).as(joiner.toString()).isZero();
        assertThat(joiner.out()).contains("Paired with ann-laptop");
        assertThat(inviter.awaitExit()).as(inviter.toString()).isZero();
        assertThat(inviter.out.toString()).contains("Paired with ann-desktop");

        assertThat(INFO_LINE.matcher(inviter.err).find()).as("no INFO log lines:\n" + inviter).isFalse();
        assertThat(INFO_LINE.matcher(joiner.err()).find()).as("no INFO log lines:\n" + joiner).isFalse();
    }
}
