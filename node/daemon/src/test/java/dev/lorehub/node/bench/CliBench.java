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
 * <p>Each line gives the median wall time and the median CPU time (user + system of the JVM and the
 * launcher), each also above {@code --version} of the same variant in the same run; the load
 * average at the start and the end says how busy the machine was.
 *
 * <p>{@code CLIBENCH_ARCHIVE=path/to/lorehub-node-*.tar.gz} measures another build's archive instead of
 * node/daemon/target's (e.g. the previous commit's, side by side).
 *
 * <pre>.ci/bench node CliBench [runs (default 7; 0: only the breakdown)] [lores (default 200)] [variants, e.g. launcher_flags_cds,java_flags]</pre>
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
        String loreId = prepare(data, project, lores);
        // For the pass with a running node: loopback only, any free port, no mDNS, no dashboard.
        Files.writeString(data.resolve("node/node.json"),
            "{ \"port\": 0, \"bind\": [\"127.0.0.1\"], \"mdns\": [], \"dashboard\": { \"enabled\": false } }");

        List<Variant> all = List.of(
            new Variant("java_jar", false, "", false),
            new Variant("java_flags", false, FLAGS, false),
            new Variant("launcher_noflags_nocds", true, "", false),
            new Variant("launcher_noflags_cds", true, "", true),
            new Variant("launcher_flags_nocds", true, FLAGS, false),
            new Variant("launcher_flags_cds", true, FLAGS, true));
        // The third argument picks variants by name (comma-separated), e.g. only what a user runs:
        // launcher_flags_cds. Default: all.
        List<String> picked = args.length > 2 ? List.of(args[2].split(",")) : List.of();
        List<Variant> variants = all.stream().filter(v -> picked.isEmpty() || picked.contains(v.name())).toList();
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("no variant named in " + args[2] + "; variants: "
                + all.stream().map(Variant::name).toList());
        }
        System.out.printf("BENCH node.cli.load at=start loadavg=%s%n", loadAverage());
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("version", List.of("--version"));
        commands.put("status", List.of("status"));
        commands.put("peers", List.of("peers"));
        commands.put("lore_list", List.of("lore", "list", "--path", project.toString()));
        commands.put("log", List.of("log", "-n", "20"));
        commands.put("conflicts", List.of("conflicts"));
        commands.put("realm_list", List.of("realm", "list"));
        commands.put("lore_show", List.of("lore", "show", loreId));

        Path cache = tmp.resolve("cache");
        // Training: the launcher records its archive on the first real command of each option set.
        for (Variant v : variants) {
            if (v.cds()) {
                time(v, launcher, jar, cache, data, List.of("status")).requireOk();
            }
        }
        System.err.printf("archives: %s%n", listArchives(cache.resolve("lorehub-node")));

        Map<String, List<Long>> samples = new HashMap<>();
        Map<String, List<Long>> cpu = new HashMap<>();
        for (int round = -1; round < runs; round++) { // round -1 warms the page cache, not counted
            for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                for (Variant v : variants) {
                    Timed t = time(v, launcher, jar, cache, data, c.getValue());
                    t.requireOk();
                    if (round >= 0) {
                        samples.computeIfAbsent(c.getKey() + "/" + v.name(), k -> new ArrayList<>()).add(t.ms());
                        cpu.computeIfAbsent(c.getKey() + "/" + v.name(), k -> new ArrayList<>()).add(t.cpuMs());
                    }
                }
            }
        }
        // The same commands while a node runs (each then asks it over its control socket and opens no database).
        Variant withNode = variants.stream().filter(v -> v.name().equals("launcher_flags_cds")).findFirst()
            .orElse(variants.get(0));
        Map<String, List<Long>> nodeSamples = new HashMap<>();
        Map<String, List<Long>> nodeCpu = new HashMap<>();
        if (runs > 0) {
            Process node = startNode(withNode, launcher, jar, cache, data, tmp);
            try {
                for (int round = -1; round < runs; round++) {
                    for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                        Timed t = time(withNode, launcher, jar, cache, data, c.getValue()).requireOk();
                        if (round >= 0) {
                            nodeSamples.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(t.ms());
                            nodeCpu.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(t.cpuMs());
                        }
                    }
                }
            } finally {
                stopNode(node);
            }
        }
        System.out.printf("BENCH node.cli.load at=end loadavg=%s%n", loadAverage());
        for (String c : runs > 0 ? commands.keySet() : List.<String>of()) {
            long floor = median(samples.get("version/" + withNode.name()));
            long med = median(nodeSamples.get(c));
            System.out.printf("BENCH node.cli.with_node command=%s variant=%s runs=%d median_ms=%d above_version_ms=%d "
                    + "cpu_median_ms=%d version_median_ms=%d%n", c, withNode.name(), nodeSamples.get(c).size(), med, med - floor,
                median(nodeCpu.get(c)), floor);
        }
        for (String c : runs > 0 ? commands.keySet() : List.<String>of()) {
            for (Variant v : variants) {
                List<Long> s = samples.get(c + "/" + v.name());
                long floor = median(samples.get("version/" + v.name()));
                long med = median(s);
                long cpuMed = median(cpu.get(c + "/" + v.name()));
                long cpuFloor = median(cpu.get("version/" + v.name()));
                System.out.printf("BENCH node.cli command=%s variant=%s runs=%d median_ms=%d min_ms=%d max_ms=%d "
                        + "above_version_ms=%d cpu_median_ms=%d cpu_above_version_ms=%d%n", c, v.name(), s.size(), med,
                    s.stream().min(Long::compare).orElseThrow(), s.stream().max(Long::compare).orElseThrow(), med - floor,
                    cpuMed, cpuMed - cpuFloor);
            }
            if (samples.containsKey(c + "/java_flags") && samples.containsKey(c + "/launcher_flags_cds")
                && samples.containsKey(c + "/launcher_flags_nocds")) {
                long plain = median(samples.get(c + "/java_flags"));
                long best = median(samples.get(c + "/launcher_flags_cds"));
                long nocds = median(samples.get(c + "/launcher_flags_nocds"));
                System.out.printf("BENCH node.cli.ratio command=%s launcher_cds_vs_java_flags=%.2f cds_vs_nocds=%.2f "
                    + "target_ms=300 launcher_cds_median_ms=%d%n", c, best / (double) plain, best / (double) nocds, best);
            }
        }
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            phases(c.getKey(), c.getValue(), launcher, jar, cache, data, tmp);
        }
    }

    /** Starts {@code start} through {@code v} and waits (at most 120 s) until {@code status} says the node runs. */
    private static Process startNode(Variant v, Path launcher, Path jar, Path cache, Path data, Path tmp)
        throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(launcher.toString(), "--data-dir", data.toString(), "start"));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile()).redirectErrorStream(true)
            .redirectOutput(tmp.resolve("node.log").toFile());
        pb.environment().remove("LOREHUB_HOME");
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("LOREHUB_NODE_JAVA_OPTS", v.javaOpts());
        pb.environment().put("LOREHUB_NODE_CDS", v.cds() ? "auto" : "off");
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Process node = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && node.isAlive()) {
            Timed t = time(v, launcher, jar, cache, data, List.of("status"));
            if (t.exit() == 0 && t.out().contains("node running")) {
                return node;
            }
            Thread.sleep(500);
        }
        stopNode(node);
        throw new IllegalStateException("the node did not come up within 120 s: " + Files.readString(tmp.resolve("node.log")));
    }

    private static void stopNode(Process node) throws InterruptedException {
        node.destroy(); // SIGTERM: the node's shutdown hook stops it cleanly
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * An initialised data directory with one shared realm of {@code lores} lores, made in this
     * process; returns the first lore's id prefix (for {@code lore show}).
     */
    private static String prepare(Path data, Path project, int lores) {
        PrintStream out = System.out;
        System.setOut(System.err); // keep stdout for the BENCH lines
        try {
            String d = data.toString();
            check(Main.run("--data-dir", d, "init", "--name", "bench"), "init");
            java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < lores; i++) {
                if (i == 0) {
                    System.setOut(new PrintStream(first, true, StandardCharsets.UTF_8));
                }
                check(Main.run("--data-dir", d, "lore", "add", "--path", project.toString(),
                    "Bench lore " + i + ": retries need jitter and a cap"), "lore add");
                System.setOut(System.err);
            }
            check(Main.run("--data-dir", d, "realm", "share", project.toString()), "realm share");
            Matcher m = Pattern.compile("Added lore ([0-9a-f]{8})").matcher(first.toString(StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("lore add printed no id: " + first);
            }
            return m.group(1);
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
        String given = System.getenv("CLIBENCH_ARCHIVE"); // another build's archive, for a side-by-side run
        if (given != null && !given.isEmpty()) {
            return Path.of(given);
        }
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

    /** The children's line of sh's {@code times} ("0m0.450000s 0m0.070000s"): user + system, in ms; -1 if absent. */
    static long childCpuMillis(List<String> timesOutput) {
        if (timesOutput.size() < 2) {
            return -1;
        }
        Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s").matcher(timesOutput.get(1));
        if (!m.find()) {
            return -1;
        }
        double seconds = Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2)) + Long.parseLong(m.group(3)) * 60
            + Double.parseDouble(m.group(4));
        return Math.round(seconds * 1000);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + "," + f[1] + "," + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(Long::compare);
        return s.get(s.size() / 2);
    }

    /** A finished child process: its wall time, its CPU time (user + system, with its children) and what it printed. */
    record Timed(List<String> argv, int exit, long ms, long cpuMs, String out) {
        Timed requireOk() {
            if (exit != 0) {
                throw new IllegalStateException("failed (exit " + exit + "): " + String.join(" ", argv) + "\n" + out);
            }
            return this;
        }
    }

    private static Timed run(Path dir, List<String> argv, Map<String, String> env) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "out", ".txt");
        Path times = Files.createTempFile(dir, "times", ".txt");
        // sh's `times` adds the CPU time of what it ran (the JVM, through the launcher): less disturbed
        // than wall time by other work on a shared machine.
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "\"$@\"; s=$?; times > " + times + "; exit $s", "sh"));
        wrapped.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(wrapped).directory(dir.toFile()).redirectErrorStream(true)
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
        List<String> t = Files.readAllLines(times);
        Files.delete(times);
        return new Timed(argv, p.exitValue(), ms, childCpuMillis(t), out);
    }
}
