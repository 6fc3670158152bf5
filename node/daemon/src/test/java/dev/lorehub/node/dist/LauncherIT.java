package dev.lorehub.node.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/lorehub-node} from the unpacked archive: it finds a Java 17+ (bundled runtime,
 * JAVA_HOME, PATH), says what to install when there is none, applies the recommended JVM options
 * or {@code LOREHUB_NODE_JAVA_OPTS}, works through symlinks, and manages its class-data sharing
 * archive so that a missing or damaged one never breaks a command. Fake {@code java} scripts stand
 * in for missing or old runtimes (and, printing their arguments, show what the launcher passes);
 * the real Java runs the real jar.
 */
class LauncherIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String EXPECTED_DEFAULTS =
        "-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m";

    @TempDir
    static Path unpacked;
    static Distribution dist;

    @TempDir
    Path tmp;

    @BeforeAll
    static void unpack() throws IOException {
        dist = Distribution.unpack(unpacked);
    }

    private Map<String, String> env(Object... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put((String) pairs[i], (String) pairs[i + 1]);
        }
        return env;
    }

    private Run.Result launch(Path launcher, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher.toString());
        cmd.addAll(Arrays.asList(args));
        return Run.run(TIMEOUT, tmp, env, cmd);
    }

    /** A JAVA_HOME whose bin/java is {@code script}, with a {@code release} file when {@code version} is not null. */
    private Path fakeJavaHome(String name, String version, String script) throws IOException {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (version != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Fake\"\nJAVA_VERSION=\"" + version + "\"\n");
        }
        return home;
    }

    /**
     * A Java 17 that prints each argument on a line and, like the JVM, writes the class list it is asked
     * to and, when dumping, the archive.
     */
    private Path echoingJava17() throws IOException {
        return fakeJavaHome("echo17", "17.0.2",
            "dump=no; for a in \"$@\"; do [ \"$a\" = -Xshare:dump ] && dump=yes; done\n"
                + "for a in \"$@\"; do printf 'ARG %s\\n' \"$a\"; case $a in -XX:DumpLoadedClassList=*) "
                + "printf x > \"${a#*=}\";; -XX:SharedArchiveFile=*) [ $dump = yes ] && printf x > \"${a#*=}\";; esac; done");
    }

    private static List<String> args(Run.Result r) {
        return r.out().lines().filter(l -> l.startsWith("ARG ")).map(l -> l.substring(4)).toList();
    }

    private void assertInstallHint(Run.Result r) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(9);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Install a Java 17 or newer runtime", "sudo apt install openjdk-17-jre-headless",
            "sudo dnf install java-17-openjdk-headless", "brew install openjdk@17", "JAVA_HOME");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void runsWithTheJavaOnPath() {
        Run.Result r = launch(dist.launcher(), env(), "--version").ok();
        assertThat(r.out()).startsWith("lorehub-node ");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void findsItselfThroughAChainOfSymlinksFoundOnPath() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("usr/bin"));
        Path other = Files.createDirectories(tmp.resolve("opt/links"));
        Files.createSymbolicLink(other.resolve("lorehub-node"), dist.launcher());
        Files.createSymbolicLink(bin.resolve("lorehub-node"), Path.of("../../opt/links/lorehub-node")); // relative
        Map<String, String> env = env("PATH", bin + ":" + System.getenv("PATH"));
        // As a shell finds it: sh looks it up on the PATH given (ProcessBuilder would use this JVM's).
        Run.Result r = Run.run(TIMEOUT, tmp, env, List.of("sh", "-c", "lorehub-node --version")).ok();
        assertThat(r.out()).startsWith("lorehub-node ");
    }

    @Test
    void aJavaHomeWithoutJavaIsNamedWithWhatToInstall() {
        Run.Result r = launch(dist.launcher(), env("JAVA_HOME", "/nonexistent/jdk"), "--version");
        assertInstallHint(r);
        assertThat(r.err()).contains("JAVA_HOME=/nonexistent/jdk: /nonexistent/jdk/bin/java does not exist");
    }

    @Test
    void aTooOldJavaHomeIsRefusedByItsReleaseFile() throws IOException {
        Path home = fakeJavaHome("jdk11", "11.0.22", "echo 'should not run' >&2; exit 99");
        Run.Result r = launch(dist.launcher(), env("JAVA_HOME", home.toString()), "status");
        assertInstallHint(r);
        assertThat(r.err()).contains("needs Java 17 or newer, but JAVA_HOME=" + home + " is Java 11")
            .doesNotContain("should not run");
    }

    @Test
    void aTooOldJavaWithoutReleaseFileIsRefusedByItsVersionOutput() throws IOException {
        Path home = fakeJavaHome("jre8", null,
            "echo 'java version \"1.8.0_392\"' >&2; echo 'Java(TM) SE Runtime Environment' >&2; exit 0");
        Run.Result r = launch(dist.launcher(), env("JAVA_HOME", home.toString()), "--version");
        assertInstallHint(r);
        assertThat(r.err()).contains("but JAVA_HOME=" + home + " is Java 8");
    }

    @Test
    void noJavaAnywhereSaysWhatToInstall() throws IOException {
        Path emptyPath = Files.createDirectories(tmp.resolve("empty-path"));
        Run.Result r = launch(dist.launcher(), env("PATH", emptyPath.toString()), "--version");
        assertInstallHint(r);
        assertThat(r.err()).contains("no Java found: JAVA_HOME is not set and there is no java on PATH");
    }

    @Test
    void passesTheRecommendedOptionsOrTheUsersAndKeepsArgumentsWhole() throws IOException {
        Path home = echoingJava17();
        List<String> a = args(launch(dist.launcher(), env("JAVA_HOME", home.toString()), "lore", "add", "two words").ok());
        Path jar = dist.file("lib/lorehub-node.jar").toRealPath();
        assertThat(String.join(" ", a)).startsWith(EXPECTED_DEFAULTS + " ");
        assertThat(a).endsWith("-jar", jar.toString(), "lore", "add", "two words");

        a = args(launch(dist.launcher(), env("JAVA_HOME", home.toString(), "LOREHUB_NODE_JAVA_OPTS", "-Xmx200m -Dx=y"),
            "--version").ok());
        assertThat(a).contains("-Xmx200m", "-Dx=y").doesNotContain("-Xmx96m", "-XX:+UseSerialGC");

        a = args(launch(dist.launcher(), env("JAVA_HOME", home.toString(), "LOREHUB_NODE_JAVA_OPTS", ""), "--version").ok());
        assertThat(a).noneMatch(x -> x.startsWith("-Xmx") || x.startsWith("-XX:+Use"));
    }

    @Test
    void quickCommandsRunOnTheQuickCompilerAlone() throws IOException {
        Map<String, String> env = env("JAVA_HOME", echoingJava17().toString(), "LOREHUB_NODE_CDS", "off");
        for (String[] quick : new String[][] {{"status"}, {"--data-dir", "/x", "peers", "--json"}, {"lore", "list"},
            {"realm", "list"}, {"--version"}, {"log", "-n", "3"}}) {
            assertThat(args(launch(dist.launcher(), env, quick).ok())).as(String.join(" ", quick))
                .contains("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");
        }
        for (String[] full : new String[][] {{"start"}, {"lore", "add", "x"}, {"--data-dir", "/x", "realm", "share"},
            {"sync", "now"}}) {
            assertThat(args(launch(dist.launcher(), env, full).ok())).as(String.join(" ", full))
                .noneMatch(x -> x.startsWith("-XX:TieredStopAtLevel"));
        }
        // The user's options come after, so they can undo it.
        List<String> a = args(launch(dist.launcher(), env("JAVA_HOME", echoingJava17().toString(), "LOREHUB_NODE_CDS", "off",
            "LOREHUB_NODE_JAVA_OPTS", "-XX:TieredStopAtLevel=4"), "status").ok());
        assertThat(a.lastIndexOf("-XX:TieredStopAtLevel=4")).isGreaterThan(a.indexOf("-XX:TieredStopAtLevel=1"));
    }

    @Test
    void recordsTheSharingArchiveOnceThenMapsItAndCanBeTurnedOff() throws IOException {
        Map<String, String> env = env("JAVA_HOME", echoingJava17().toString());
        Path cache = tmp.resolve("cache/lorehub-node");

        // Help and version neither make the archive nor fail without one.
        assertThat(args(launch(dist.launcher(), env, "--version").ok())).noneMatch(x -> x.contains("Archive")
            || x.contains("ClassList"));
        assertThat(archives(cache)).isEmpty();

        // The first real command lists its classes, then they are dumped into an archive under a name tied
        // to this jar, Java and options; the list itself does not stay.
        List<String> first = args(launch(dist.launcher(), env, "status").ok());
        assertThat(first).anyMatch(x -> x.startsWith("-XX:DumpLoadedClassList="));
        assertThat(archives(cache)).as("the fake Java writes the archive only when asked to dump").hasSize(1);
        Path archive = archives(cache).get(0);
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".classlist"));
        }

        // Later runs map it, with -Xshare:auto so that an unusable one is skipped, not fatal; version and
        // help too (the archive holds picocli, which is most of their start).
        List<String> a = args(launch(dist.launcher(), env, "peers").ok());
        assertThat(a).contains("-XX:SharedArchiveFile=" + archive, "-Xshare:auto")
            .noneMatch(x -> x.contains("ClassList") || x.equals("-Xshare:dump"));
        assertThat(args(launch(dist.launcher(), env, "--version").ok())).contains("-XX:SharedArchiveFile=" + archive);

        // Other options make another archive, beside this one.
        Map<String, String> other = new HashMap<>(env);
        other.put("LOREHUB_NODE_JAVA_OPTS", "-Xmx64m");
        assertThat(args(launch(dist.launcher(), other, "status").ok())).anyMatch(x -> x.startsWith("-XX:DumpLoadedClassList="));
        assertThat(archives(cache)).hasSize(2).contains(archive);
        assertThat(args(launch(dist.launcher(), env, "status").ok())).contains("-XX:SharedArchiveFile=" + archive);

        Map<String, String> off = new HashMap<>(env);
        off.put("LOREHUB_NODE_CDS", "off");
        assertThat(args(launch(dist.launcher(), off, "status").ok())).noneMatch(x -> x.contains("Archive"));
    }

    @Test
    void aNewBuildReplacesItsOldArchive() throws IOException {
        Path app = fakeApp();
        Path cache = tmp.resolve("cache/lorehub-node");
        Map<String, String> env = env();
        launch(app.resolve("bin/lorehub-node"), env, "status").ok();
        List<Path> first = archives(cache);
        assertThat(first).hasSize(1);
        Files.writeString(app.resolve("lib/lorehub-node.jar"), "a rebuilt jar, of another size");
        assertThat(args(launch(app.resolve("bin/lorehub-node"), env, "status").ok()))
            .anyMatch(x -> x.startsWith("-XX:DumpLoadedClassList="));
        assertThat(archives(cache)).hasSize(1).doesNotContainAnyElementsOf(first);
    }

    /** A copy of the launcher in an app directory whose bundled runtime is the echoing Java 17 (and whose jar is a stub). */
    private Path fakeApp() throws IOException {
        Path app = tmp.resolve("app");
        Files.createDirectories(app.resolve("bin"));
        Files.createDirectories(app.resolve("lib"));
        Files.copy(dist.launcher(), app.resolve("bin/lorehub-node"));
        Files.writeString(app.resolve("lib/lorehub-node.jar"), "not a real jar: the fake runtime never opens it");
        Files.move(echoingJava17(), app.resolve("runtime"));
        return app;
    }

    @Test
    void aBundledRuntimeComesBeforeJavaHome() throws IOException {
        Path app = fakeApp();
        Path tooOld = fakeJavaHome("jdk11", "11.0.22", "exit 99");
        Run.Result r = launch(app.resolve("bin/lorehub-node"), env("JAVA_HOME", tooOld.toString()), "--version").ok();
        assertThat(args(r)).endsWith("-jar", app.resolve("lib/lorehub-node.jar").toRealPath().toString(), "--version");
    }

    /** The real Java and jar: the archive is made by the first command, used by the next, and a damaged one is harmless. */
    @Test
    void realJavaSharingArchiveSpeedsUpAndNeverBreaksACommand() throws IOException {
        Path data = tmp.resolve("data");
        Map<String, String> env = env();
        Path cache = tmp.resolve("cache/lorehub-node");
        Run.Result init = launch(dist.launcher(), env, "--data-dir", data.toString(), "init", "--name", "launcher-test").ok();
        assertThat(init.out()).contains("Created device identity");
        assertThat(archives(cache)).as("init records the archive").hasSize(1);

        JsonNode status = new ObjectMapper().readTree(launch(dist.launcher(), env, "--data-dir", data.toString(), "status",
            "--json").ok().out());
        assertThat(status.get("shortId").asText()).hasSize(7);

        Path archive = archives(cache).get(0);
        archive.toFile().setWritable(true);
        byte[] junk = new byte[(int) Files.size(archive)];
        new java.util.Random(7).nextBytes(junk);
        Files.write(archive, junk);
        Run.Result damaged = launch(dist.launcher(), env, "--data-dir", data.toString(), "status", "--json").ok();
        assertThat(new ObjectMapper().readTree(damaged.out()).get("shortId").asText()).isEqualTo(status.get("shortId").asText());
        assertThat(damaged.err()).isEmpty();
    }

    private static List<Path> archives(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsa")).sorted().toList();
        }
    }
}
