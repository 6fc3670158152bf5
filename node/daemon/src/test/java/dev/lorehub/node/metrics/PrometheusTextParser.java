package dev.lorehub.node.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus text-format parser for tests: npm's parse-prometheus-text-format, run by the
 * machine's node (src/test/js; `.ci/run` installs it). Tests that need it skip, saying why, when
 * node or the package is missing.
 */
public final class PrometheusTextParser {
    private static final Path TOOLS = Path.of("src/test/js").toAbsolutePath();

    private PrometheusTextParser() {
    }

    /** Skips the calling test unless the parser can run here. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isDirectory(TOOLS.resolve("node_modules/parse-prometheus-text-format")),
            "parse-prometheus-text-format is not installed: run `npm ci --prefix node/daemon/src/test/js` (.ci/run does)");
        Assumptions.assumeTrue(onPath("node"), "node (Node.js) is not on the PATH: install it to parse /metrics");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The families the parser reads from {@code text}: [{name, help, type, metrics: [...]}, ...]. Fails on a parse error. */
    public static JsonNode parse(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("node", TOOLS.resolve("parse-metrics.js").toString()).directory(TOOLS.toFile()).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the parser did not finish within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("parse-prometheus-text-format refused the exposition: "
                + new String(err, StandardCharsets.UTF_8) + "\n---\n" + text);
        }
        return new ObjectMapper().readTree(out);
    }

    /** The family named {@code name}, or null. */
    public static JsonNode family(JsonNode families, String name) {
        for (JsonNode f : families) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
