package dev.lorehub.simulator.bench;

import dev.lorehub.simulator.engine.FaultProfile;
import dev.lorehub.simulator.engine.ScratchRoot;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.Simulation;
import dev.lorehub.simulator.engine.Topology;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Simulated time against real time, and seeds per minute (BENCHMARKS.md). One thread, as the
 * simulator runs; {@code seeds_per_min} is therefore per core. The {@code cpu_} figures divide by
 * the simulating thread's CPU time instead of wall time: on a machine shared with other builds they
 * are what the run would reach with a core of its own ({@code load_avg} says how shared it was).
 *
 * <pre>
 *   .ci/bench simulator SimBench            # both cases
 *   .ci/bench simulator SimBench small      # 5 nodes only
 * </pre>
 *
 * Cases: 5 nodes × 10 simulated minutes × 1000 edits with every fault kind (and, as the
 * baseline, the same without faults; and the first case on two threads, {@code run_jobs2}: seeds
 * per minute of the whole machine, as {@code --jobs 2} sweeps); each of the three again once the
 * JIT has settled ({@code _warm}: what a long sweep sees for nearly all its seeds; the first three
 * follow only a short warm-up, as earlier rounds measured them); 50 nodes × 1 simulated hour on a ring (a mesh of 50 would
 * be 1225 connections) with 1800 edits.
 */
public final class SimBench {
    /** CPU time of the simulating thread: on a shared machine it says what wall time cannot. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SimBench() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("LOREHUB_LOG_LEVEL") == null) {
            System.setProperty("LOREHUB_LOG_LEVEL", "ERROR");
        }
        boolean smallOnly = args.length > 0 && args[0].equals("small");
        Path root = ScratchRoot.defaultRoot();
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, "simbench");
        SimConfig five = SimConfig.defaults(1).withDuration(600_000).withEditRate(1000 / 600.0).withProfile(FaultProfile.ALL);
        // warm up the JVM on shorter runs of the same shape
        for (long s = 1; s <= 3; s++) {
            Simulation.run(five.withSeed(100 + s).withDuration(120_000), tmp);
        }
        measure("run", five, 5, tmp);
        measure("run_no_faults", five.withProfile(FaultProfile.NONE), 3, tmp);
        measureParallel("run_jobs2", five, 6, 2, tmp);
        // The same cases once the JIT has settled, as a long sweep runs nearly all its seeds: after the
        // short warm-up above, the compiler threads still take about a core for the next ~30 s.
        settleJit(five, tmp);
        measure("run_warm", five, 5, tmp);
        measure("run_no_faults_warm", five.withProfile(FaultProfile.NONE), 3, tmp);
        // 32 seeds, not 6 or 16: this case stands for a long sweep, whose seeds nearly all run after the compiler
        // threads have quietened, and which has no end where one core idles while the other finishes its last seed
        // (idle_tail_ms). The compiler's time meanwhile is printed (jit_ms). run_jobs2 keeps 6 to stay comparable
        // with earlier rounds.
        measureParallel("run_jobs2_warm", five, 32, 2, tmp);
        if (!smallOnly) {
            SimConfig fifty = SimConfig.defaults(1).withNodes(50).withDuration(3_600_000).withEditRate(0.5)
                .withTopology(Topology.RING).withProfile(FaultProfile.ALL).withConvergeWithin(600_000)
                .withCheckEvery(600_000);
            measure("run_50", fifty, 1, tmp);
        }
    }

    /**
     * A warm-up run in which the compiler worked less than this share of the run's time counts as settled. At
     * 15% (until 2026-12-04) the compiler threads still took 10–14% of both cores during {@code run_jobs2_warm}
     * (3.3–5.2 s of 17–20 s), which a long sweep of two jobs sees only in its first hundred or so seeds (4.8%
     * over seeds 1–100 after 100 others); at 5% they take 3–8% (1.1–2.8 s), after 31 to 48 warm-up runs.
     */
    private static final double SETTLED_JIT_SHARE = 0.05;
    private static final int SETTLE_MAX_RUNS = 80;
    private static final long SETTLE_MAX_MS = 120_000;

    /**
     * Runs full-length seeds (not the measured ones) until the JIT compiler worked under
     * {@link #SETTLED_JIT_SHARE} of two runs in a row, at most {@link #SETTLE_MAX_RUNS} runs or
     * {@link #SETTLE_MAX_MS}; prints how long that took and whether it settled.
     */
    private static void settleJit(SimConfig config, Path tmp) {
        long start = System.nanoTime();
        int runs = 0;
        int quiet = 0;
        long lastJitMs = -1;
        while (quiet < 2 && runs < SETTLE_MAX_RUNS && (System.nanoTime() - start) / 1_000_000 < SETTLE_MAX_MS) {
            long t0 = System.nanoTime();
            long j0 = compilerMillis();
            Simulation.run(config.withSeed(200 + runs), tmp);
            long wallMs = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            lastJitMs = j0 < 0 ? -1 : compilerMillis() - j0;
            quiet = lastJitMs >= 0 && lastJitMs < SETTLED_JIT_SHARE * wallMs ? quiet + 1 : 0;
            runs++;
        }
        System.out.printf(Locale.ROOT, "BENCH simulator.jit_settle runs=%d real_ms=%d last_jit_ms=%d settled=%s%n", runs,
            (System.nanoTime() - start) / 1_000_000, lastJitMs, quiet >= 2 ? "yes" : "no");
    }

    /** Milliseconds the JIT compiler threads have worked since the JVM started, or -1 where the JVM does not say. */
    private static long compilerMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /**
     * Seeds per minute of the whole machine: {@code seeds} runs on {@code jobs} threads, as the sweep's
     * {@code --jobs} runs them (each run stays single-threaded). Wall time only: it is the figure a
     * sweep sees, load included ({@code load_avg}). Also printed, to tell the case's own cost from the
     * machine's: {@code idle_tail_ms}, how long before the end a thread found no seed left (a long sweep
     * has no such tail), and {@code jit_ms}, the compiler threads' time meanwhile (they share the cores).
     */
    private static void measureParallel(String name, SimConfig config, int seeds, int jobs, Path tmp) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        long simulated = 0;
        int failed = 0;
        List<Long> finished = Collections.synchronizedList(new ArrayList<>());
        long j0 = compilerMillis();
        long t0 = System.nanoTime();
        try {
            List<Future<SimResult>> runs = new ArrayList<>();
            for (int s = 1; s <= seeds; s++) {
                SimConfig c = config.withSeed(s);
                runs.add(pool.submit(() -> {
                    SimResult r = Simulation.run(c, tmp);
                    finished.add(System.nanoTime());
                    return r;
                }));
            }
            for (Future<SimResult> f : runs) {
                SimResult r = f.get();
                simulated += r.simulatedMs();
                failed += r.passed() ? 0 : 1;
            }
        } finally {
            pool.shutdownNow();
        }
        long end = System.nanoTime();
        long wall = Math.max(1, (end - t0) / 1_000_000);
        long jitMs = j0 < 0 ? -1 : compilerMillis() - j0;
        // the queue is empty once the last seed has started; from the first of the last `jobs` seeds to end, a thread idles
        List<Long> ends = new ArrayList<>(finished);
        ends.sort(null);
        long idleTail = ends.size() < jobs ? 0 : (end - ends.get(ends.size() - jobs)) / 1_000_000;
        System.out.printf(Locale.ROOT, "BENCH simulator.%s nodes=%d sim_s=%d jobs=%d seeds=%d real_ms=%d speedup=%.0f "
            + "seeds_per_min=%.1f failed=%d idle_tail_ms=%d jit_ms=%d load_avg=%.1f%n", name, config.nodes(),
            config.durationMs() / 1000, jobs, seeds, wall, simulated / (double) wall, seeds * 60_000.0 / wall, failed, idleTail,
            jitMs, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void measure(String name, SimConfig config, int seeds, Path tmp) {
        List<Long> real = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        long edits = 0;
        long frames = 0;
        long simulated = 0;
        int failed = 0;
        for (int s = 1; s <= seeds; s++) {
            long t0 = System.nanoTime();
            long c0 = THREADS.getCurrentThreadCpuTime();
            SimResult r = Simulation.run(config.withSeed(s), tmp);
            cpu.add((THREADS.getCurrentThreadCpuTime() - c0) / 1_000_000);
            real.add((System.nanoTime() - t0) / 1_000_000);
            edits += r.edits();
            frames += r.framesSent();
            simulated += r.simulatedMs();
            if (!r.passed()) {
                failed++;
                System.out.println("  seed " + s + " failed: " + r.failure());
            }
        }
        Collections.sort(real);
        Collections.sort(cpu);
        long median = real.get(real.size() / 2);
        long cpuMedian = Math.max(1, cpu.get(cpu.size() / 2));
        double simPerRun = simulated / (double) seeds;
        System.out.printf(Locale.ROOT, "BENCH simulator.%s nodes=%d sim_s=%d edits=%d real_ms=%d min_ms=%d max_ms=%d "
                + "speedup=%.0f seeds_per_min=%.1f cpu_ms=%d cpu_speedup=%.0f cpu_seeds_per_min=%.1f frames_per_edit=%.1f seeds=%d "
            + "failed=%d load_avg=%.1f%n", name, config.nodes(), config.durationMs() / 1000, edits / seeds, median, real.get(0),
            real.get(real.size() - 1), simPerRun / median, 60_000.0 / median, cpuMedian, simPerRun / cpuMedian,
            60_000.0 / cpuMedian, edits == 0 ? 0 : (double) frames / edits, seeds, failed,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
