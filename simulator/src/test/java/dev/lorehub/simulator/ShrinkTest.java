package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.Shrinker;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A failing case shrinks to a smaller one that fails the same way. */
class ShrinkTest {
    @TempDir
    Path tmp;

    @Test
    void theBrokenMergeShrinksToASmallerFailingCase() {
        SimResult failing = null;
        for (long seed = 1; seed <= 100 && failing == null; seed++) {
            SimResult r = Simulation.run(BrokenMergeTest.scenario(seed, "union-ignoring-removals",
                BrokenMerges.UNION_IGNORING_REMOVALS), tmp);
            if (!r.passed()) {
                failing = r;
            }
        }
        assertThat(failing).isNotNull();
        SimConfig original = failing.config();
        Shrinker.Outcome out = Shrinker.shrink(original, failing, c -> Simulation.run(c, tmp), 30);
        SimConfig small = out.smallest();
        System.out.println("shrunk " + out.steps() + " in " + out.runs() + " runs: " + CliOptions.replayCommand(small));
        assertThat(out.steps()).isNotEmpty();
        assertThat(out.result().failure().kind()).isEqualTo(failing.failure().kind());
        assertThat(small.nodes() < original.nodes() || small.expectedEdits() < original.expectedEdits()
            || small.enabledKinds().size() < original.enabledKinds().size()).isTrue();
        assertThat(small.nodes()).isLessThanOrEqualTo(original.nodes());
        // the shrunk case replays: the same config fails again, identically
        SimResult again = Simulation.run(small, tmp);
        assertThat(again.traceHash()).isEqualTo(out.result().traceHash());
        assertThat(again.passed()).isFalse();
    }
}
