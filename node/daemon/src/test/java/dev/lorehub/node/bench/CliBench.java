package dev.lorehub.node.bench;

import dev.lorehub.node.cli.Main;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Start-up cost of the command line: each read-only command run as a user runs it, a fresh JVM
 * per call, on an initialised data directory with a shared realm of lores (made in-process
 * first), no node running. Spawns the launcher from the unpacked distribution archive (built by
 * the README's build command) and, for comparison, {@code java -jar} directly.
 *
 * <p>Variants: plain {@code java -jar}; {@code java} with the recommended flags; the launcher with
 * and without those flags ({@code LOREHUB_NODE_JAVA_OPTS=""}), each with and without its
 * class-data sharing archive. Runs are interleaved round-robin so load from other work on the
 * machine spreads over all variants. {@code --version} is the JVM-and-picocli floor.
 *
 * <p>Then one run per command with class loading logged shows where the time goes, per library
 * (see {@link #phases}).
 *
 * <pre>.ci/bench node CliBench [runs (default 7; 0: only the breakdown)] [lores (default 200)]</pre>
 */
public final class CliBench {
    private static final String FLAGS =
        "-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m";
    private static final long RUN_TIMEOUT_S = 60;

    private CliBench() {
    }

    /** One way of starting the program. */
    record Variant(String name, boolean launcher, String javaOpts, boolean cds) {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int lores = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path archive = findArchive();
        Path tmp = BenchSupport.tempDir("clibench");
        run(tmp, List.of("tar", "xzf", archive.toAbsolutePath().toString()), Map.of()).requireOk();
        Path home;
        try (Stream<Path> s = Files.list(tmp)) {
            home = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path launcher = home.resolve("bin/lorehub-node");
        Path jar = home.resolve("lib/lorehub-node.jar");
        Path data = tmp.resolve("data");
        Path project = Files.createDirectories(tmp.resolve("project"));
        prepare(data, project, lores);

        List<Variant> variants = List.of(
            new Variant("java_jar", false, "", false),
            new Variant("java_flags", false, FLAGS, false),
            new Variant("launcher_noflags_nocds", true, "", false),
            new Variant("launcher_noflags_cds", true, "", true),
            new Variant("launcher_flags_nocds", true, FLAGS, false),
            new Variant("launcher_flags_cds", true, FLAGS, true));
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("version", List.of("--version"));
        commands.put("status", List.of("status"));
        commands.put("peers", List.of("peers"));
        commands.put("lore_list", List.of("lore", "list", "--path", project.toString()));
        commands.put("log", List.of("log", "-n", "20"));

        Path cache = tmp.resolve("cache");
        // Training: the launcher records its archive on the first real command of each option set.
        for (Variant v : variants) {
            if (v.cds()) {
                time(v, launcher, jar, cache, data, List.of("status")).requireOk();
            }
        }
        System.err.printf("archives: %s%n", listArchives(cache.resolve("lorehub-node")));

        Map<String, List<Long>> samples = new HashMap<>();
        for (int round = -1; round < runs; round++) { // round -1 warms the page cache, not counted
            for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                for (Variant v : variants) {
                    Timed t = time(v, launcher, jar, cache, data, c.getValue());
                    t.requireOk();
                    if (round >= 0) {
                        samples.computeIfAbsent(c.getKey() + "/" + v.name(), k -> new ArrayList<>()).add(t.ms());
                    }
                }
            }
        }
        for (String c : runs > 0 ? commands.keySet() : List.<String>of()) {
            for (Variant v : variants) {
                List<Long> s = samples.get(c + "/" + v.name());
                long floor = median(samples.get("version/" + v.name()));
                long med = median(s);
                System.out.printf("BENCH node.cli command=%s variant=%s runs=%d median_ms=%d min_ms=%d max_ms=%d "
                        + "above_version_ms=%d%n", c, v.name(), s.size(), med, s.stream().min(Long::compare).orElseThrow(),
                    s.stream().max(Long::compare).orElseThrow(), med - floor);
            }
            long plain = median(samples.get(c + "/java_flags"));
            long best = median(samples.get(c + "/launcher_flags_cds"));
            long nocds = median(samples.get(c + "/launcher_flags_nocds"));
            System.out.printf("BENCH node.cli.ratio command=%s launcher_cds_vs_java_flags=%.2f cds_vs_nocds=%.2f "
                + "target_ms=300 launcher_cds_median_ms=%d%n", c, best / (double) plain, best / (double) nocds, best);
        }
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            phases(c.getKey(), c.getValue(), launcher, jar, cache, data, tmp);
        }
    }

    /** An initialised data directory with one shared realm of {@code lores} lores, made in this process. */
    private static void prepare(Path data, Path project, int lores) {
        PrintStream out = System.out;
        System.setOut(System.err); // keep stdout for the BENCH lines
        try {
            String d = data.toString();
            check(Main.run("--data-dir", d, "init", "--name", "bench"), "init");
            for (int i = 0; i < lores; i++) {
                check(Main.run("--data-dir", d, "lore", "add", "--path", project.toString(),
                    "Bench lore " + i + ": retries need jitter and a cap"), "lore add");
            }
            check(Main.run("--data-dir", d, "realm", "share", project.toString()), "realm share");
        } finally {
            System.setOut(out);
        }
    }

    private static void check(int exit, String what) {
        if (exit != 0) {
            throw new IllegalStateException(what + " failed with exit code " + exit);
        }
    }

    private static Timed time(Variant v, Path launcher, Path jar, Path cache, Path data, List<String> command)
        throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        if (v.launcher()) {
            argv.add(launcher.toString());
            env.put("LOREHUB_NODE_JAVA_OPTS", v.javaOpts());
            env.put("LOREHUB_NODE_CDS", v.cds() ? "auto" : "off");
            env.put("XDG_CACHE_HOME", cache.toString());
        } else {
            argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (!v.javaOpts().isEmpty()) {
                argv.addAll(Arrays.asList(v.javaOpts().split(" ")));
            }
            argv.add("-jar");
            argv.add(jar.toString());
        }
        argv.add("--data-dir");
        argv.add(data.toString());
        argv.addAll(command);
        return run(data.getParent(), argv, env);
    }

    /**
     * Where the time of one {@code command} goes (launcher, flags, no archive), from the JVM's
     * class-loading log: the JVM's own start until our main class loads, then each gap between two
     * class loads charged to the library of the class loaded after it (loading, linking and
     * initialising it, and the work that led to needing it), and the time after the last load.
     */
    private static void phases(String name, List<String> command, Path launcher, Path jar, Path cache, Path data, Path tmp)
        throws IOException, InterruptedException {
        Path log = tmp.resolve("classload-" + name + ".log");
        Variant v = new Variant("phases", true, FLAGS + " -Xlog:class+load=info:file=" + log + ":uptimemillis", false);
        Timed t = time(v, launcher, jar, cache, data, command);
        t.requireOk();
        Map<String, Long> charged = new LinkedHashMap<>();
        for (String g : List.of("jvm_start", "picocli", "lorehub", "sqlite", "logging", "crypto", "json", "netty", "other_lib",
            "jdk")) {
            charged.put(g, 0L);
        }
        Pattern line = Pattern.compile("^\\[(\\d+)ms\\] (\\S+) source: (.*)$");
        long previous = 0;
        boolean mainSeen = false;
        int classes = 0;
        int fromJar = 0;
        for (String l : Files.readAllLines(log)) {
            Matcher m = line.matcher(l);
            if (!m.matches()) {
                continue;
            }
            long ms = Long.parseLong(m.group(1));
            String cls = m.group(2);
            classes++;
            if (m.group(3).startsWith("file:") || m.group(3).startsWith("jar:")) {
                fromJar++;
            }
            if (!mainSeen && cls.equals("dev.lorehub.node.cli.Main")) {
                mainSeen = true;
                charged.merge("jvm_start", ms, Long::sum);
            } else if (mainSeen) {
                charged.merge(group(cls), ms - previous, Long::sum);
            }
            previous = ms;
        }
        StringBuilder sb = new StringBuilder("BENCH node.cli.phases command=" + name + " wall_ms=" + t.ms());
        charged.forEach((g, ms) -> sb.append(' ').append(g).append("_ms=").append(ms));
        sb.append(" after_last_class_ms=").append(Math.max(0, t.ms() - previous)).append(" classes=").append(classes)
            .append(" classes_from_jar=").append(fromJar);
        System.out.println(sb);
    }

    private static String group(String cls) {
        if (cls.startsWith("picocli.")) {
            return "picocli";
        } else if (cls.startsWith("dev.lorehub.")) {
            return "lorehub";
        } else if (cls.startsWith("org.sqlite.")) {
            return "sqlite";
        } else if (cls.startsWith("ch.qos.logback.") || cls.startsWith("org.slf4j.")) {
            return "logging";
        } else if (cls.startsWith("org.bouncycastle.")) {
            return "crypto";
        } else if (cls.startsWith("com.fasterxml.jackson.")) {
            return "json";
        } else if (cls.startsWith("io.netty.")) {
            return "netty";
        } else if (cls.startsWith("java.") || cls.startsWith("javax.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
            || cls.startsWith("com.sun.")) {
            return "jdk";
        }
        return "other_lib";
    }

    private static Path findArchive() throws IOException {
        Path target = Path.of("node/daemon/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                List<Path> found = s.filter(p -> p.getFileName().toString().matches("lorehub-node-.*\\.tar\\.gz")).toList();
                if (found.size() == 1) {
                    return found.get(0);
                }
            }
        }
        System.err.println("CliBench measures the packaged launcher: run the README's build command first "
            + "(`mvn -B -q package -DskipTests`), which makes node/daemon/target/lorehub-node-<version>.tar.gz.");
        System.exit(2);
        return null;
    }

    private static List<String> listArchives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName() + " " + p.toFile().length() / (1024 * 1024) + "MB").toList();
        }
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(Long::compare);
        return s.get(s.size() / 2);
    }

    /** A finished child process: its wall time and what it printed. */
    record Timed(List<String> argv, int exit, long ms, String out) {
        Timed requireOk() {
            if (exit != 0) {
                throw new IllegalStateException("failed (exit " + exit + "): " + String.join(" ", argv) + "\n" + out);
            }
            return this;
        }
    }

    private static Timed run(Path dir, List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile());
        pb.environment().remove("LOREHUB_HOME");
        pb.environment().remove("JAVA_HOME"); // the launcher takes the java on PATH, as a user's shell would
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out after " + RUN_TIMEOUT_S + " s: " + argv);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        String out = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Timed(argv, p.exitValue(), ms, out);
    }
}
