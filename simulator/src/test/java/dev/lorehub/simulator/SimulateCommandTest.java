package dev.lorehub.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.simulator.engine.FailureClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command as a user runs it: options, output lines, report, picture, exit codes. */
class SimulateCommandTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Simulate.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheOptionsAndTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("--seeds A..B", "--faults P", "--topology T", "--replay S", "--report", "--svg",
            "1 safety, 2 liveness, 3 non-determinism");
    }

    @Test
    void usageErrorsSayWhatToTypeAndExit64() {
        assertThat(run("--nodes", "1")).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--nodes").contains("at least 2 nodes");
        err.reset();
        assertThat(run("--faults", "earthquake")).isEqualTo(64);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("none, lossy, partitions, crashes, clocks, all, adversarial or swarm");
        assertThat(run("--bogus")).isEqualTo(64);
        assertThat(run("--seeds", "5..2")).isEqualTo(64);
        assertThat(run("--duration", "soon")).isEqualTo(64);
        assertThat(run("--without", "gremlins")).isEqualTo(64);
    }

    @Test
    void aSweepPrintsOneLinePerSeedASummaryAReportAndAPicture() throws Exception {
        Path report = tmp.resolve("out/report.json");
        Path svg = tmp.resolve("out/divergence.svg");
        int code = run("--seeds", "1..3", "--nodes", "4", "--duration", "30s", "--edit-rate", "2", "--faults", "all",
            "--topology", "ring", "--report", report.toString(), "--svg", svg.toString(), "--tmp", tmp.resolve("db").toString());
        assertThat(code).as(out()).isZero();
        assertThat(out()).contains("seed 1 PASS", "seed 2 PASS", "seed 3 PASS", "3 seeds: 3 passed, 0 failed",
            "convergence after heal: p50", "frames and", "bytes per edit", "availability during partitions", "x real time");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.get("seeds")).hasSize(3);
        assertThat(json.get("summary").get("passed").asInt()).isEqualTo(3);
        assertThat(json.get("summary").get("convergence_after_heal_ms").get("p99").asLong()).isNotNegative();
        assertThat(json.get("seeds").get(0).get("trace_sha256").asText()).hasSize(64);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("path").getLength()).isPositive();
    }

    @Test
    void replayRunsTheSeedTwiceAndPrintsTheTrace() {
        assertThat(run("--replay", "5", "--nodes", "3", "--duration", "20s", "--faults", "swarm",
            "--tmp", tmp.toString())).isZero();
        assertThat(out()).contains("seed 5 in detail", "faults drawn:", "trace ");
    }

    @Test
    void replayCommandsReproduceTheScenario() {
        var c = dev.lorehub.simulator.engine.SimConfig.defaults(17).withNodes(7).withDuration(600_000).withEditRate(2.5)
            .withProfile(dev.lorehub.simulator.engine.FaultProfile.SWARM)
            .withTopology(dev.lorehub.simulator.engine.Topology.LINE);
        String cmd = CliOptions.replayCommand(c);
        assertThat(cmd).isEqualTo(Simulate.LAUNCHER + " --replay 17 --nodes 7 --duration 10m --edit-rate 2.5 --faults swarm "
            + "--topology line");
    }

    @Test
    void exitCodesRankSafetyThenNonDeterminismThenLiveness() {
        assertThat(FailureClass.SAFETY.exitCode()).isEqualTo(1);
        assertThat(FailureClass.LIVENESS.exitCode()).isEqualTo(2);
        assertThat(FailureClass.NON_DETERMINISM.exitCode()).isEqualTo(3);
        assertThat(FailureClass.worse(FailureClass.LIVENESS, FailureClass.SAFETY)).isEqualTo(FailureClass.SAFETY);
        assertThat(FailureClass.worse(FailureClass.LIVENESS, FailureClass.NON_DETERMINISM))
            .isEqualTo(FailureClass.NON_DETERMINISM);
    }
}
