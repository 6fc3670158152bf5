package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.FaultProfile;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Same seed, same trace: everything random comes from the seed. */
class DeterminismTest {
    @TempDir
    Path tmp;

    @Test
    void theSameSeedTwiceGivesTheSameTraceHash() {
        SimConfig c = SimConfig.defaults(42).withDuration(60_000).withEditRate(2).withProfile(FaultProfile.SWARM);
        SimResult first = Simulation.run(c, tmp);
        SimResult second = Simulation.run(c, tmp);
        assertThat(first.failure()).isNull();
        assertThat(second.traceHash()).isEqualTo(first.traceHash());
        assertThat(second.framesSent()).isEqualTo(first.framesSent());
        assertThat(second.convergenceMs()).isEqualTo(first.convergenceMs());
        assertThat(second.divergence()).usingRecursiveComparison().isEqualTo(first.divergence());
    }

    @Test
    void everyFaultKindAtOnceIsReproducibleToo() {
        SimConfig c = SimConfig.defaults(7).withDuration(60_000).withEditRate(2).withProfile(FaultProfile.ALL);
        assertThat(Simulation.run(c, tmp).traceHash()).isEqualTo(Simulation.run(c, tmp).traceHash());
    }

    @Test
    void anotherSeedGivesAnotherTrace() {
        SimConfig c = SimConfig.defaults(1).withDuration(30_000);
        assertThat(Simulation.run(c, tmp).traceHash()).isNotEqualTo(Simulation.run(c.withSeed(2), tmp).traceHash());
    }
}
