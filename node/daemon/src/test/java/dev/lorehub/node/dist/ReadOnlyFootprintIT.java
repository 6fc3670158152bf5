package dev.lorehub.node.dist;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the read-only commands load, from the unpacked distribution's launcher with class loading logged:
 * none creates Jackson's ObjectMapper (its date format loads the JDK's locale data, a sixth of such a
 * command's start), also with a node.json to read; and none unpacks a native library into the JVM's
 * temporary directory (SQLite's and zstd's come from the verified copies in the cache). Start-up time is CliBench's to measure; this pins a
 * cause found there so it does not come back unnoticed (CommandLinesTest pins the other: one subcommand
 * built, not the whole picocli tree).
 */
class ReadOnlyFootprintIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path unpacked;
    static Distribution dist;

    @TempDir
    Path tmp;
    /** Each test's data directory, project directory and environment (its own class-data cache). */
    Path data;
    Path project;
    Map<String, String> env;

    @org.junit.jupiter.api.BeforeEach
    void directories() throws IOException {
        data = tmp.resolve("data");
        project = Files.createDirectories(tmp.resolve("project"));
        env = new HashMap<>();
        env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    }

    @BeforeAll
    static void unpack() throws IOException {
        dist = Distribution.unpack(unpacked);
    }

    private Run.Result launch(Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(dist.launcher().toString());
        cmd.addAll(args);
        return Run.run(TIMEOUT, tmp, env, cmd);
    }

    /**
     * A data directory as a user leaves it after {@code init} (the first command: it records the
     * class-data archive), writing {@code nodeJson} (unless null), adding one lore and sharing its
     * realm; returns the lore's short id.
     */
    private String prepare(String nodeJson) throws IOException {
        String d = data.toString();
        launch(env, List.of("--data-dir", d, "init", "--name", "footprint")).ok();
        if (nodeJson != null) {
            Files.writeString(data.resolve("node/node.json"), nodeJson);
        }
        Run.Result added = launch(env, List.of("--data-dir", d, "lore", "add", "--path", project.toString(), "retries need jitter")).ok();
        Matcher id = Pattern.compile("Added lore ([0-9a-f]{8})").matcher(added.out());
        assertThat(id.find()).as(added.out()).isTrue();
        launch(env, List.of("--data-dir", d, "realm", "share", project.toString())).ok();
        return id.group(1);
    }

    @Test
    void readOnlyCommandsCreateNoObjectMapperAndUnpackNoNativeLibrary() throws IOException {
        String d = data.toString();
        String loreId = prepare("{ \"displayName\": \"footprint\", \"mdns\": [] }");

        Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp"));
        Map<String, List<String>> commands = quickCommands(loreId);
        commands.put("status-json", List.of("status", "--json"));
        commands.put("log-json", List.of("log", "--json"));
        commands.put("unsynced-json", List.of("unsynced", "--json"));
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            Path log = tmp.resolve(c.getKey() + ".classes");
            Map<String, String> logged = new HashMap<>(env);
            // The launcher's recommended options stay; the log is added after them.
            logged.put("LOREHUB_NODE_JAVA_OPTS", "-Xmx96m -XX:+UseSerialGC -Xlog:class+load=info:file=" + log
                + " -Djava.io.tmpdir=" + jvmTmp);
            List<String> args = new ArrayList<>(List.of("--data-dir", d));
            args.addAll(c.getValue());
            // Twice: the first run of these options records their class-data archive, and the launcher then
            // checks the archive with a second JVM (these options included), which rewrites the log.
            launch(logged, args).ok();
            launch(logged, args).ok();
            String classes = Files.readString(log);
            assertThat(classes).as(c.getKey() + " ran (its class log names picocli)").contains("picocli.CommandLine ");
            assertThat(classes).as(c.getKey() + " creates no ObjectMapper")
                .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ");
        }
        // SQLite's and zstd's native libraries come from the cache, never unpacked into the JVM's temporary directory.
        try (var cached = Files.list(tmp.resolve("cache/lorehub-node"))) {
            assertThat(cached.map(f -> f.getFileName().toString()))
                .anyMatch(n -> n.startsWith("sqlite-")).anyMatch(n -> n.startsWith("zstd-"));
        }
        try (var unpacked = Files.list(jvmTmp)) {
            assertThat(unpacked.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("zstd") || n.contains("sqlite"));
        }
    }

    @Test
    void withADaemonRunningTheQuickCommandsAskItAndOpenNoDatabase() throws Exception {
        String d = data.toString();
        // Loopback only, no mDNS: nothing reaches a real interface.
        String loreId = prepare("{ \"displayName\": \"footprint\", \"bind\": [\"127.0.0.1\"], \"port\": 0, "
            + "\"mdns\": [], \"dashboard\": { \"enabled\": false } }");

        ProcessBuilder pb = new ProcessBuilder(dist.launcher().toString(), "--data-dir", d, "start", "--loopback");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.out").toFile());
        Process daemon = pb.start();
        try {
            org.awaitility.Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(data.resolve("node/control.sock")) || !daemon.isAlive());
            assertThat(daemon.isAlive()).as(Files.readString(tmp.resolve("daemon.out"))).isTrue();
            for (Map.Entry<String, List<String>> c : quickCommands(loreId).entrySet()) {
                String command = c.getKey();
                Path log = tmp.resolve(command + "-with-node.classes");
                Map<String, String> logged = new HashMap<>(env);
                logged.put("LOREHUB_NODE_JAVA_OPTS", "-Xmx96m -XX:+UseSerialGC -Xlog:class+load=info:file=" + log);
                List<String> args = new ArrayList<>(List.of("--data-dir", d));
                args.addAll(c.getValue());
                launch(logged, args).ok();
                Run.Result r = launch(logged, args).ok();
                if (command.equals("status")) {
                    assertThat(r.out()).contains("node running").contains("project");
                } else if (command.startsWith("lore-")) {
                    assertThat(r.out()).as(command + " answered").contains("retries need jitter");
                } else if (command.equals("realm")) {
                    assertThat(r.out()).as(command + " answered").contains("project").contains("admin");
                }
                String classes = Files.readString(log);
                assertThat(classes).as(command + " ran").contains("picocli.CommandLine ");
                assertThat(classes).as(command + " leaves the database to the daemon: no SQLite driver loaded")
                    .doesNotContain("org.sqlite.");
                assertThat(classes).as(command + " leaves decoding to the daemon: no Kryo, no cipher")
                    .doesNotContain("com.esotericsoftware.kryo.Kryo ").doesNotContain("javax.crypto.Cipher ");
                assertThat(classes).as(command + " creates no ObjectMapper")
                    .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ");
            }
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    /** The quick commands, as a user types them, in a data directory with one shared realm holding one lore. */
    private Map<String, List<String>> quickCommands(String loreId) {
        Map<String, List<String>> commands = new java.util.LinkedHashMap<>();
        commands.put("status", List.of("status"));
        commands.put("peers", List.of("peers"));
        commands.put("log", List.of("log"));
        commands.put("conflicts", List.of("conflicts"));
        commands.put("realm", List.of("realm", "list"));
        commands.put("lore-list", List.of("lore", "list", "--path", project.toString()));
        commands.put("lore-show", List.of("lore", "show", loreId));
        return commands;
    }

    /**
     * Classes a run loaded from the jar (and, with {@code alsoJdk}, the JDK's modules), not from a
     * class-data archive: generated ones (lambdas, proxies) aside. picocli's count: its class files are
     * too old for Java 17's dynamic archives, which is why the launcher dumps a static one. Which JDK classes a run loads varies (security providers are looked up
     * lazily), so only the jar's are asserted on.
     */
    private static java.util.SortedSet<String> loadedOutsideArchives(Path classLog, boolean alsoJdk) throws IOException {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        Pattern line = Pattern.compile("\\] (\\S+) source: " + (alsoJdk ? "(jrt:|file:)" : "file:"));
        for (String l : Files.readAllLines(classLog)) {
            Matcher m = line.matcher(l);
            if (m.find() && !m.group(1).contains("/0x")
                && !m.group(1).contains("$$Lambda") && !m.group(1).startsWith("jdk.proxy")) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    @Test
    void anArchiveRecordedByInitServesEveryQuickCommand() throws IOException {
        String d = data.toString();
        String loreId = prepare(null); // init first, as a new user runs it: it records the archive
        try (var cached = Files.list(tmp.resolve("cache/lorehub-node"))) {
            assertThat(cached.map(f -> f.getFileName().toString())).as("init recorded the archive")
                .anyMatch(n -> n.startsWith("cds-") && n.endsWith(".jsa"));
        }

        // 1. The shipped list names every class the quick commands load beyond the JDK's own archive.
        java.util.SortedSet<String> needed = new java.util.TreeSet<>();
        java.util.SortedSet<String> jarNeeded = new java.util.TreeSet<>();
        Map<String, List<String>> commands = quickCommands(loreId);
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            Path log = tmp.resolve(c.getKey() + ".no-archive.classes");
            Map<String, String> logged = new HashMap<>(env);
            logged.put("LOREHUB_NODE_CDS", "off");
            logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
            List<String> args = new ArrayList<>(List.of("--data-dir", d));
            args.addAll(c.getValue());
            launch(logged, args).ok();
            needed.addAll(loadedOutsideArchives(log, true));
            jarNeeded.addAll(loadedOutsideArchives(log, false));
        }
        Path shipped = Path.of("src/main/resources/META-INF/lorehub-node/quick-command-classes.txt");
        java.util.Set<String> listed = new java.util.HashSet<>(Files.readAllLines(shipped));
        java.util.SortedSet<String> missing = new java.util.TreeSet<>(jarNeeded);
        missing.removeAll(listed);
        // A class of ours that no longer exists (renamed, moved) is a stale entry: the list must follow the code.
        java.util.SortedSet<String> stale = new java.util.TreeSet<>();
        for (String name : listed) {
            if (name.startsWith("dev.lorehub.") && !loadable(name)) {
                stale.add(name);
            }
        }
        missing.addAll(stale);
        if (!missing.isEmpty()) {
            java.util.SortedSet<String> proposed = new java.util.TreeSet<>();
            for (String name : listed) {
                if (!name.isBlank() && loadable(name)) {
                    proposed.add(name);
                }
            }
            proposed.addAll(needed);
            Path out = Path.of("target/quick-command-classes.txt");
            Files.write(out, proposed);
            throw new AssertionError("The class list " + shipped + " is stale: the quick commands load " + jarNeeded.stream()
                .filter(n -> !listed.contains(n)).toList() + ", which an archive recorded by another command would lack; "
                + "it names classes that no longer exist: " + stale + ". Copy " + out.toAbsolutePath() + " over it.");
        }

        // 2. With the archive init recorded, the quick commands (and --version) load next to nothing from the jar.
        commands.put("version", List.of("--version"));
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            Path log = tmp.resolve(c.getKey() + ".archive.classes");
            Map<String, String> logged = new HashMap<>(env);
            logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
            List<String> args = new ArrayList<>(List.of("--data-dir", d));
            args.addAll(c.getValue());
            launch(logged, args).ok();
            assertThat(loadedOutsideArchives(log, false)).as(c.getKey() + " loads its classes from the archive init recorded")
                .hasSizeLessThan(5);
        }
    }

    /** Whether this build has a class of that name (the test class path holds the jar's classes). */
    private static boolean loadable(String name) {
        try {
            Class.forName(name, false, ReadOnlyFootprintIT.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
