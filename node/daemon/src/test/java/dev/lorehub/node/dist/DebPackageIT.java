package dev.lorehub.node.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The .deb made by {@code mvn -B package -Pdeb} (skipped when it was not built): its files are where
 * Debian puts commands, manuals and completions, and, unpacked with {@code dpkg-deb -x} (no root
 * needed), {@code usr/bin/lorehub-node} runs on the bundled runtime, initialises a data directory,
 * and runs the demo (TLS and mDNS on 127.0.0.1, so the runtime has every module the node needs).
 */
class DebPackageIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    private static Path deb() throws IOException {
        String target = System.getProperty("lorehub.target");
        assumeTrue(target != null, "no lorehub.target property: run with `mvn verify`");
        try (Stream<Path> s = Files.list(Path.of(target))) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("lorehub-node_.*\\.deb")).toList();
            assumeTrue(!debs.isEmpty(), "no .deb in " + target + ": it is built only by `mvn -B package -Pdeb` "
                + "(where jpackage, dpkg-deb and fakeroot exist)");
            return debs.get(0);
        }
    }

    @Test
    void installsTheCommandManualsCompletionsAndDocs() throws IOException {
        Path deb = deb();
        String files = Run.run(TIMEOUT, tmp, Map.of(), List.of("dpkg-deb", "-c", deb.toString())).ok().out();
        assertThat(files).contains("./usr/bin/lorehub-node -> ../lib/lorehub-node/bin/lorehub-node",
            "./usr/lib/lorehub-node/bin/lorehub-node", "./usr/lib/lorehub-node/lib/lorehub-node.jar",
            "./usr/lib/lorehub-node/runtime/bin/java", "./usr/share/man/man1/lorehub-node.1.gz",
            "./usr/share/man/man1/lorehub-node-status.1.gz", "./usr/share/bash-completion/completions/lorehub-node",
            "./usr/share/zsh/vendor-completions/_lorehub-node", "./usr/share/doc/lorehub-node/copyright");
        String control = Run.run(TIMEOUT, tmp, Map.of(), List.of("dpkg-deb", "-f", deb.toString())).ok().out();
        assertThat(control).contains("Package: lorehub-node").containsPattern("Version: \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void theInstalledCommandRunsOnItsBundledRuntime() throws IOException {
        Path deb = deb();
        Path root = tmp.resolve("root");
        Run.run(TIMEOUT, tmp, Map.of(), List.of("dpkg-deb", "-x", deb.toString(), root.toString())).ok();
        String cmd = root.resolve("usr/bin/lorehub-node").toString();
        // No Java on PATH and none in JAVA_HOME: only the bundled runtime can run it.
        Map<String, String> env = new java.util.HashMap<>();
        env.put("JAVA_HOME", null);
        env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        Path noJava = Files.createDirectories(tmp.resolve("bin-without-java"));
        for (String tool : List.of("ls", "sed", "cksum", "mkdir", "rm", "mv")) {
            Path t = Path.of("/usr/bin", tool);
            Files.createSymbolicLink(noJava.resolve(tool), Files.exists(t) ? t : Path.of("/bin", tool));
        }
        env.put("PATH", noJava.toString());

        assertThat(Run.run(TIMEOUT, tmp, env, List.of(cmd, "--version")).ok().out()).startsWith("lorehub-node ");
        Path data = tmp.resolve("data");
        Run.run(TIMEOUT, tmp, env, List.of(cmd, "--data-dir", data.toString(), "init", "--name", "deb-test")).ok();
        String status = Run.run(TIMEOUT, tmp, env, List.of(cmd, "--data-dir", data.toString(), "status", "--json")).ok().out();
        assertThat(new ObjectMapper().readTree(status).get("shortId").asText()).hasSize(7);
        Run.Result demo = Run.run(TIMEOUT, tmp, env, List.of(cmd, "demo")).ok(); // exits 0 only once all three converged
        assertThat(demo.out()).isNotBlank();
    }
}
