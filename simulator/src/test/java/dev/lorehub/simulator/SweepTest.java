package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.FaultProfile;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeps CI runs: 200 seeds × 5 nodes with every fault kind, and 200 with an attacker, on two threads (one run per
 * thread; each run is single-threaded). Sized to finish well within 3 minutes on 2 cores.
 */
class SweepTest {
    static final int SEEDS = 200;

    /**
     * 5 nodes, 60 simulated seconds of faults and about 60 edits, then heal. About 40 s of run
     * time on 2 idle cores (measured); the margin is for a busy machine.
     */
    static SimConfig scenario(long seed) {
        return SimConfig.defaults(seed).withDuration(60_000).withEditRate(1.0).withProfile(FaultProfile.ALL)
            .withCheckEvery(20_000);
    }

    @TempDir
    Path tmp;

    @Test
    void twoHundredSeedsOfFiveNodesWithEveryFaultKindConverge() throws Exception {
        sweep(FaultProfile.ALL);
    }

    /**
     * Issue 11: a member removed and then forging what it can (backdating, smuggling across realms,
     * far-future stamps, junk, ignoring credit) over jitter, partitions and crashes: honest devices
     * converge, no honest admin is locked out, nothing the attacker wrote outside its frontier is
     * applied anywhere, no lore moves across realms.
     */
    @Test
    void twoHundredSeedsWithAnAttackerAmongTheDevicesConverge() throws Exception {
        sweep(FaultProfile.ADVERSARIAL);
    }

    private void sweep(FaultProfile profile) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<String> failures = new ArrayList<>();
        long frames = 0;
        long edits = 0;
        try {
            List<Future<SimResult>> results = new ArrayList<>();
            for (long seed = 1; seed <= SEEDS; seed++) {
                SimConfig c = scenario(seed).withProfile(profile);
                results.add(pool.submit(() -> Simulation.run(c, tmp)));
            }
            for (Future<SimResult> f : results) {
                SimResult r = f.get();
                frames += r.framesSent();
                edits += r.edits();
                if (!r.passed()) {
                    failures.add("seed " + r.seed() + ": " + r.failure() + "\n  replay: " + CliOptions.replayCommand(r.config()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("%s: %d seeds in %.1fs, %d edits, %d frames%n", profile.cliName(), SEEDS, (System.nanoTime() - t0) / 1e9,
            edits, frames);
        assertThat(failures).as("failing seeds").isEmpty();
    }
}
