package dev.lorehub.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.simulator.engine.Shrinker;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The machine-readable report ({@code --report}): the scenario, every seed, the summary, the shrunk case. */
final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    static void write(Path file, SimConfig base, List<Simulate.Timed> results, Summary s, Shrinker.Outcome shrunk)
        throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode scenario = root.putObject("scenario");
        scenario.put("nodes", base.nodes());
        scenario.put("duration_ms", base.durationMs());
        scenario.put("edits_per_second", base.editsPerSecond());
        scenario.put("faults", base.profile().cliName());
        ArrayNode without = scenario.putArray("without");
        base.without().forEach(k -> without.add(k.cliName()));
        scenario.put("topology", base.topology().cliName());
        scenario.put("converge_within_ms", base.convergeWithinMs());
        scenario.put("membership_changes", base.membershipChanges());
        scenario.put("availability_window_ms", base.availabilityMs());

        ObjectNode summary = root.putObject("summary");
        summary.put("seeds", s.seeds());
        summary.put("passed", s.passed());
        summary.put("failed", s.seeds() - s.passed());
        ObjectNode conv = summary.putObject("convergence_after_heal_ms");
        conv.put("p50", s.p50());
        conv.put("p95", s.p95());
        conv.put("p99", s.p99());
        conv.put("max", s.max());
        summary.put("frames_per_edit", s.framesPerEdit());
        summary.put("bytes_per_edit", s.bytesPerEdit());
        summary.put("edits", s.edits());
        summary.put("partition_edits", s.partitionEdits());
        summary.put("partition_edits_reached_side", s.partitionReached());
        if (s.partitionEdits() > 0) {
            summary.put("availability_during_partitions", s.availability());
        } else {
            summary.putNull("availability_during_partitions");
        }
        summary.put("simulated_ms", s.simulatedMs());
        summary.put("real_ms", s.realMs());
        summary.put("speedup", s.speedup());
        summary.put("seeds_per_minute", s.seedsPerMinute());
        summary.put("jobs", s.jobs());

        ArrayNode seeds = root.putArray("seeds");
        for (Simulate.Timed t : results) {
            SimResult r = t.result();
            ObjectNode n = seeds.addObject();
            n.put("seed", r.seed());
            n.put("passed", r.passed());
            if (r.failure() != null) {
                n.put("failure_class", r.failure().kind().name().toLowerCase(java.util.Locale.ROOT));
                n.put("failure", r.failure().message());
                n.put("failure_at_ms", r.failure().atMs());
                n.put("replay", CliOptions.replayCommand(r.config()));
            }
            n.put("fault_plan", r.faultPlan());
            n.put("heal_at_ms", r.healAtMs());
            n.put("convergence_ms", r.convergenceMs());
            n.put("simulated_ms", r.simulatedMs());
            n.put("real_ms", t.realNanos() / 1_000_000);
            n.put("frames", r.framesSent());
            n.put("bytes", r.bytesSent());
            n.put("edits", r.edits());
            n.put("operations", r.opsPerformed());
            n.put("operations_skipped", r.opsSkipped());
            n.put("events", r.events());
            n.put("partition_edits", r.partitionEdits());
            n.put("partition_edits_reached_side", r.partitionReached());
            n.put("connections", r.connections());
            n.put("resets", r.resets());
            n.put("crashes", r.crashes());
            n.put("sleeps", r.pauses());
            n.put("partition_episodes", r.partitionEpisodes());
            n.put("clock_jumps", r.clockJumps());
            ObjectNode reasons = n.putObject("sessions_ended");
            for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(r.closeReasons()).entrySet()) {
                reasons.put(e.getKey(), e.getValue());
            }
            ObjectNode counts = n.putObject("counts");
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(r.counters()).entrySet()) {
                counts.put(e.getKey(), e.getValue());
            }
            n.put("oracle_fields_checked", r.oracleCheckedFields());
            n.put("oracle_fields_undecidable", r.oracleSkippedFields());
            n.put("trace_sha256", r.traceHash());
        }
        if (shrunk != null) {
            ObjectNode sh = root.putObject("shrunk");
            sh.put("from_seed", shrunk.smallest().seed());
            sh.put("runs", shrunk.runs());
            ArrayNode steps = sh.putArray("steps");
            shrunk.steps().forEach(steps::add);
            sh.put("nodes", shrunk.smallest().nodes());
            sh.put("expected_edits", shrunk.smallest().expectedEdits());
            sh.put("failure", String.valueOf(shrunk.result().failure()));
            sh.put("replay", CliOptions.replayCommand(shrunk.smallest()));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), root);
    }
}
