package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.SimTime;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The detail printed by {@code --replay}: what the seed drew and what happened. */
final class Details {
    private Details() {
    }

    static void print(SimResult r, PrintStream out) {
        out.println("seed " + r.seed() + " in detail");
        out.println("  faults drawn: " + r.faultPlan());
        out.printf(Locale.ROOT, "  %d crashes, %d sleeps, %d partition episodes, %d clock jumps, %d connections, %d resets%n",
            r.crashes(), r.pauses(), r.partitionEpisodes(), r.clockJumps(), r.connections(), r.resets());
        out.printf(Locale.ROOT, "  workload: %d operations, %d skipped, %d edits acknowledged, %d events in all%n",
            r.opsPerformed(), r.opsSkipped(), r.edits(), r.events());
        for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(r.closeReasons()).entrySet()) {
            out.printf(Locale.ROOT, "  sessions ended: %-45s %d%n", e.getKey(), e.getValue());
        }
        out.printf(Locale.ROOT, "  reference model: %d fields checked per node, %d undecidable, %d entities skipped%n",
            r.oracleCheckedFields(), r.oracleSkippedFields(), r.oracleSkippedEntities());
        out.println("  heal at " + SimTime.format(r.healAtMs()) + ", "
            + (r.convergenceMs() >= 0 ? "converged " + SimTime.format(r.convergenceMs()) + " later" : "did not converge"));
        out.println("  trace " + r.traceHash());
        if (r.failure() != null) {
            out.println("  FAILED: " + r.failure());
        }
    }
}
