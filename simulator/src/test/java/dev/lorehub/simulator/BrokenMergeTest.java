package dev.lorehub.simulator;

import dev.lorehub.node.core.FoldPolicy;
import dev.lorehub.simulator.engine.FailureClass;
import dev.lorehub.simulator.engine.FaultProfile;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checker can fail: a deliberately broken merge is caught within 100 seeds, either by the
 * reference model (SAFETY) or earlier as divergence (NON_DETERMINISM): the device that wrote an
 * event keeps lh's row as lh wrote it, while the broken fold shows something else on its peers.
 */
class BrokenMergeTest {
    @TempDir
    Path tmp;

    /** A small scenario: 5 nodes, 40 simulated seconds, about 60 edits, all faults. */
    static SimConfig scenario(long seed, String name, FoldPolicy fold) {
        return SimConfig.defaults(seed).withDuration(40_000).withEditRate(1.5).withProfile(FaultProfile.ALL)
            .withFold(name, fold);
    }

    private SimResult firstFailure(String name, FoldPolicy fold) {
        for (long seed = 1; seed <= 100; seed++) {
            SimResult r = Simulation.run(scenario(seed, name, fold), tmp);
            if (!r.passed()) {
                System.out.println(name + " caught at seed " + seed + ": " + r.failure());
                return r;
            }
        }
        return null;
    }

    @Test
    void aSetUnionThatIgnoresRemovalsIsCaught() {
        SimResult r = firstFailure("union-ignoring-removals", BrokenMerges.UNION_IGNORING_REMOVALS);
        assertThat(r).as("a seed within 1..100 fails").isNotNull();
        assertThat(r.failure().kind()).isIn(FailureClass.SAFETY, FailureClass.NON_DETERMINISM);
        if (r.failure().kind() == FailureClass.SAFETY) {
            assertThat(r.failure().message()).contains("observed-remove set");
        } else {
            assertThat(r.failure().message()).contains("different state");
        }
    }

    @Test
    void aMergeThatIgnoresDeletesIsCaught() {
        SimResult r = firstFailure("ignoring-deletes", BrokenMerges.IGNORING_DELETES);
        assertThat(r).as("a seed within 1..100 fails").isNotNull();
        assertThat(r.failure().kind()).isIn(FailureClass.SAFETY, FailureClass.NON_DETERMINISM);
        if (r.failure().kind() == FailureClass.SAFETY) {
            assertThat(r.failure().message()).containsAnyOf("resurrection", "was deleted");
        } else {
            assertThat(r.failure().message()).contains("different state");
        }
    }

    @Test
    void theStandardMergePassesTheSameSeeds() {
        for (long seed = 1; seed <= 5; seed++) {
            SimResult r = Simulation.run(scenario(seed, "standard", FoldPolicy.STANDARD), tmp);
            assertThat(r.failure()).as("seed %d", seed).isNull();
        }
    }
}
