package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.Failure;
import dev.lorehub.simulator.engine.FailureClass;
import dev.lorehub.simulator.engine.Shrinker;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimResult;
import dev.lorehub.simulator.engine.SimTime;
import dev.lorehub.simulator.engine.Simulation;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The simulator's command: runs seeds, prints one line per seed and a summary, shrinks a failing
 * seed, writes the JSON report and the SVG picture. Reads the wall clock only to report how fast
 * the simulation ran; everything simulated is in {@code dev.lorehub.simulator.engine}.
 */
public final class Simulate {
    /** How users start the simulator (printed in replay commands). */
    public static final String LAUNCHER = "java -jar simulator/target/lorehub-simulator.jar";

    /** How a trace mismatch is reported (such a failure is not shrunk: it is about the simulator's inputs, not the scenario). */
    static final String TWO_TRACES = "the same seed gave two different traces: ";

    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 64;
    static final int EXIT_INTERNAL = 70;

    private Simulate() {
    }

    public static void main(String[] args) {
        quietNodeLogs();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Simulated nodes log like real ones (to stderr, with wall-clock times), thousands of lines
     * per run; keep only errors unless the user set {@code LOREHUB_LOG_LEVEL} (node's logback.xml
     * reads it as a system property or an environment variable).
     */
    static void quietNodeLogs() {
        if (System.getProperty("LOREHUB_LOG_LEVEL") == null && System.getenv("LOREHUB_LOG_LEVEL") == null) {
            System.setProperty("LOREHUB_LOG_LEVEL", "ERROR");
        }
    }

    /** A run of seeds with its wall-clock cost. */
    record Timed(SimResult result, long realNanos) {
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CliOptions o;
        try {
            o = CliOptions.parse(args);
        } catch (CliOptions.UsageException e) {
            err.println("simulate: " + e.getMessage());
            err.println("Try --help.");
            return EXIT_USAGE;
        }
        if (o.help) {
            out.print(CliOptions.USAGE);
            return EXIT_OK;
        }
        try {
            return new Simulate.Session(o, out).run();
        } catch (IllegalStateException | IOException e) {
            err.println("simulate: the simulator itself failed: " + e.getMessage());
            return EXIT_INTERNAL;
        }
    }

    /** One invocation. */
    private static final class Session {
        private final CliOptions o;
        private final PrintStream out;

        Session(CliOptions o, PrintStream out) {
            this.o = o;
            this.out = out;
        }

        private Timed runOne(SimConfig c) {
            long t0 = System.nanoTime();
            SimResult r = Simulation.run(c, o.tmp);
            long t1 = System.nanoTime();
            if (o.checkDeterminism || o.replay) {
                SimResult again = Simulation.run(c, o.tmp);
                if (!again.traceHash().equals(r.traceHash()) && (r.passed() || r.failure().kind() != FailureClass.SAFETY)) {
                    Failure nd = new Failure(FailureClass.NON_DETERMINISM, r.simulatedMs(), TWO_TRACES + r.traceHash() + " then " + again.traceHash()
                        + (r.passed() == again.passed() ? "" : " (and a different outcome)"));
                    r = withFailure(r, nd);
                }
            }
            return new Timed(r, t1 - t0);
        }

        int run() throws IOException {
            List<Long> seeds = o.seeds();
            SimConfig base = o.base;
            if (!o.quiet) {
                out.printf(Locale.ROOT, "simulating %d seed%s: %d nodes, %s simulated each, %s edits/s (~%d edits), faults %s, "
                        + "topology %s%n", seeds.size(), seeds.size() == 1 ? "" : "s", base.nodes(),
                    SimTime.cli(base.durationMs()), trim(base.editsPerSecond()), base.expectedEdits(), base.profile().cliName()
                        + (base.without().isEmpty() ? "" : " without " + base.without()), base.topology().cliName());
            }
            long started = System.nanoTime();
            List<Timed> results = new ArrayList<>();
            ExecutorService pool = o.jobs > 1 ? Executors.newFixedThreadPool(o.jobs) : null;
            try {
                List<Future<Timed>> futures = new ArrayList<>();
                for (long seed : seeds) {
                    SimConfig c = base.withSeed(seed);
                    if (pool == null) {
                        Timed t = runOne(c);
                        results.add(t);
                        printLine(t);
                    } else {
                        futures.add(pool.submit(() -> runOne(c)));
                    }
                }
                for (Future<Timed> f : futures) {
                    Timed t = f.get();
                    results.add(t);
                    printLine(t);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IllegalStateException ise) {
                    throw ise;
                }
                throw new IllegalStateException(cause.toString(), cause);
            } finally {
                if (pool != null) {
                    pool.shutdownNow();
                }
            }
            long wallNanos = System.nanoTime() - started;
            Summary summary = Summary.of(results, wallNanos, o.jobs);
            summary.print(out);

            Shrinker.Outcome shrunk = null;
            Timed firstFailure = results.stream().filter(t -> !t.result().passed()).findFirst().orElse(null);
            if (firstFailure != null && o.shrink && !firstFailure.result().failure().message().startsWith(TWO_TRACES)) {
                out.println("shrinking seed " + firstFailure.result().seed() + " ...");
                shrunk = Shrinker.shrink(firstFailure.result().config(), firstFailure.result(),
                    c -> Simulation.run(c, o.tmp), 40);
                if (shrunk.steps().isEmpty()) {
                    out.println("  no smaller failing case found in " + shrunk.runs() + " runs");
                } else {
                    out.println("  smaller failing case after " + shrunk.runs() + " runs (" + String.join(", ", shrunk.steps())
                        + "):");
                    out.println("  " + shrunk.result().failure());
                    out.println("  replay: " + CliOptions.replayCommand(shrunk.smallest()));
                }
            }
            if (o.replay) {
                for (Timed t : results) {
                    Details.print(t.result(), out);
                }
            }
            if (o.report != null) {
                JsonReport.write(o.report, base, results, summary, shrunk);
                out.println("report: " + o.report);
            }
            if (o.svg != null && !results.isEmpty()) {
                Timed pick = firstFailure != null ? firstFailure
                    : results.stream().max((a, b) -> Long.compare(a.result().convergenceMs(), b.result().convergenceMs()))
                        .orElseThrow();
                DivergenceSvg.write(o.svg, pick.result());
                out.println("picture: " + o.svg + " (seed " + pick.result().seed() + ")");
            }
            FailureClass worst = null;
            for (Timed t : results) {
                if (!t.result().passed()) {
                    worst = FailureClass.worse(worst, t.result().failure().kind());
                }
            }
            return worst == null ? EXIT_OK : worst.exitCode();
        }

        private void printLine(Timed t) {
            SimResult r = t.result();
            if (r.passed()) {
                if (!o.quiet) {
                    out.printf(Locale.ROOT, "seed %d PASS converged %s after heal, %d frames, %s, %d edits, real %s%n", r.seed(),
                        SimTime.format(r.convergenceMs()), r.framesSent(), bytes(r.bytesSent()), r.edits(),
                        SimTime.format(t.realNanos() / 1_000_000));
                }
            } else {
                out.printf(Locale.ROOT, "seed %d FAIL %s%n", r.seed(), r.failure());
                out.printf(Locale.ROOT, "  replay: %s%n", CliOptions.replayCommand(r.config()));
            }
        }
    }

    static SimResult withFailure(SimResult r, Failure f) {
        return new SimResult(r.config(), r.faultPlan(), f, r.healAtMs(), r.convergenceMs(), r.simulatedMs(), r.framesSent(),
            r.bytesSent(), r.edits(), r.opsPerformed(), r.opsSkipped(), r.partitionEdits(), r.partitionReached(),
            r.traceHash(), r.events(), r.connections(), r.resets(), r.closeReasons(), r.crashes(), r.pauses(),
            r.partitionEpisodes(), r.clockJumps(), r.divergence(), r.partitions(), r.downtimes(), r.oracleCheckedFields(),
            r.oracleSkippedFields(), r.oracleSkippedEntities(), r.counters());
    }

    static String bytes(long b) {
        if (b >= 10L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
        }
        if (b >= 10L << 10) {
            return String.format(Locale.ROOT, "%.1f kB", b / 1024.0);
        }
        return b + " B";
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d);
    }
}
