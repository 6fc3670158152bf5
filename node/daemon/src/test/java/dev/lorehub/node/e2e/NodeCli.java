package dev.lorehub.node.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code lorehub-node} command line of one node, as its user would type it, run from the real
 * shaded jar inside the node's network namespace ({@code ip netns exec <ns> java -jar … <command>
 * --data-dir <dir> …}). Every command and what it printed is appended to a transcript next to the
 * node's log.
 */
final class NodeCli {
    /** A one-shot command starts many JVMs: favour start-up time over peak speed. */
    static final List<String> CLI_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
        "-Xshare:auto", "-Xmx192m");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final BridgedNamespaces.Host host;
    private final Path jar;
    private final Path dataDir;
    private final Path workDir;
    private final Path transcript;

    NodeCli(BridgedNamespaces.Host host, Path jar, Path dataDir, Path workDir, Path transcript) {
        this.host = host;
        this.jar = jar;
        this.dataDir = dataDir;
        this.workDir = workDir;
        this.transcript = transcript;
    }

    /** Runs {@code command} (its words, e.g. "lore add") with {@code args} to completion. */
    Exec.Result run(String command, String... args) {
        Exec.Result r = Exec.run(COMMAND_TIMEOUT, workDir, argv(command, args));
        record(r);
        return r;
    }

    /** Starts {@code pair} with {@code args} as the inviting side: it prints a code and waits until it is used. */
    PairInvitation invite(String... args) {
        List<String> argv = argv("pair", args);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile());
        pb.environment().remove("LOREHUB_HOME");
        try {
            return new PairInvitation(argv, pb.start(), this::record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv, e);
        }
    }

    List<String> argv(String command, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), javaBinary()));
        argv.addAll(CLI_JVM);
        argv.add("-jar");
        argv.add(jar.toString());
        argv.addAll(List.of(command.split(" ")));
        argv.add("--data-dir");
        argv.add(dataDir.toString());
        argv.addAll(List.of(args));
        return argv;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private synchronized void record(Exec.Result r) {
        List<String> shown = r.command().subList(r.command().indexOf("-jar") + 2, r.command().size());
        try {
            Files.writeString(transcript, "$ lorehub-node " + String.join(" ", shown) + "   [exit " + r.exit() + "]\n"
                + r.out() + (r.err().isEmpty() ? "" : "(stderr)\n" + r.err()) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the transcript is a debugging aid only
        }
    }
}
