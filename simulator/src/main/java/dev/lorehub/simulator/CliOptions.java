package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.FaultKind;
import dev.lorehub.simulator.engine.FaultProfile;
import dev.lorehub.simulator.engine.ScratchRoot;
import dev.lorehub.simulator.engine.SimConfig;
import dev.lorehub.simulator.engine.SimTime;
import dev.lorehub.simulator.engine.Topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The command line of {@link Simulate}, parsed by hand (no dependency) with errors that say what to type. */
final class CliOptions {
    /** A usage error: the message names the option and what it expects. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static final String USAGE = """
        Usage: simulate [options]
          Runs N real LoreHub sync node cores on a simulated network, deterministically from a seed,
          through faults; then heals everything and checks that every device converges.

        Seeds
          --seed S               one seed (default 1)
          --seeds A..B | N       a range of seeds, or N seeds starting at 1
          --replay S             run seed S twice: print details, check the trace is identical
        Scenario
          --nodes N              devices (default 5)
          --duration D           simulated time of workload and faults, e.g. 90s, 10m, 1h (default 2m)
          --edit-rate R          lh edits per simulated second, all devices together (default 1)
          --edits N              total edits over the duration (sets --edit-rate)
          --faults P             none | lossy | partitions | crashes | clocks | all | adversarial | swarm
                                 (default all)
          --without K[,K..]      turn fault kinds off: jitter, loss, resets, duplicates, reorder,
                                 partitions, crashes, restarts, pauses, clocks, adversarial
          --topology T           mesh | ring | star | line (default mesh)
          --converge-within D    bound on convergence after the heal (default 2m)
          --no-membership-changes  no late joiner, no revoke and re-add
          --check-every D        invariant checks while faults run (default 1m)
          --availability-window D  an edit made during a partition is available if it reached its side within D (default 10s)
        Output
          --report FILE.json     a JSON report of every seed and the summary
          --svg FILE.svg         divergence over simulated time (first failing seed, else the slowest to converge)
          --no-shrink            do not shrink failing seeds
          --check-determinism    run every seed twice and compare trace hashes
          --jobs N               seeds run in parallel (default 1; each run is single-threaded)
          --tmp DIR              where devices' key stores go (default: /dev/shm/lorehub-sim, else the system temp directory)
          --quiet                only failures and the summary
          --help                 this text

        Exit codes: 0 all passed, 1 safety, 2 liveness, 3 non-determinism (the worst class among failing
        seeds: safety, then non-determinism, then liveness), 64 usage error, 70 the simulator itself failed.
        """;

    long firstSeed = 1;
    long lastSeed = 1;
    boolean replay;
    SimConfig base = SimConfig.defaults(1).withDuration(120_000);
    Integer totalEdits;
    Path report;
    Path svg;
    boolean shrink = true;
    boolean checkDeterminism;
    int jobs = 1;
    Path tmp = ScratchRoot.defaultRoot();
    boolean quiet;
    boolean help;

    static CliOptions parse(String[] args) throws UsageException {
        CliOptions o = new CliOptions();
        boolean seedGiven = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inline = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            final String a = arg;
            final String v;
            if (takesValue(a)) {
                if (inline != null) {
                    v = inline;
                } else {
                    v = next(args, ++i, a);
                }
            } else {
                v = null;
            }
            switch (a) {
                case "--help", "-h" -> o.help = true;
                case "--seed" -> {
                    long s = parseLong(a, v);
                    o.firstSeed = s;
                    o.lastSeed = s;
                    seedGiven = true;
                }
                case "--seeds" -> {
                    if (v.contains("..")) {
                        String[] parts = v.split("\\.\\.", 2);
                        o.firstSeed = parseLong(a, parts[0]);
                        o.lastSeed = parseLong(a, parts[1]);
                    } else {
                        long n = parseLong(a, v);
                        if (n < 1) {
                            throw new UsageException("--seeds N needs N >= 1, got " + v);
                        }
                        o.firstSeed = 1;
                        o.lastSeed = n;
                    }
                    if (o.lastSeed < o.firstSeed) {
                        throw new UsageException("--seeds A..B needs A <= B, got " + v);
                    }
                    if (o.lastSeed - o.firstSeed >= 1_000_000) {
                        throw new UsageException("--seeds covers at most a million seeds at once, got " + v);
                    }
                    seedGiven = true;
                }
                case "--replay" -> {
                    long s = parseLong(a, v);
                    o.firstSeed = s;
                    o.lastSeed = s;
                    o.replay = true;
                    seedGiven = true;
                }
                case "--nodes" -> {
                    int n = (int) parseLong(a, v);
                    o.base = wrap(a, () -> o.base.withNodes(n));
                }
                case "--duration" -> o.base = wrap(a, () -> o.base.withDuration(SimTime.parseMillis(v)));
                case "--edit-rate" -> {
                    double r = parseDouble(a, v);
                    o.base = wrap(a, () -> o.base.withEditRate(r));
                }
                case "--edits" -> o.totalEdits = (int) parseLong(a, v);
                case "--faults" -> o.base = wrap(a, () -> o.base.withProfile(FaultProfile.parse(v)));
                case "--without" -> {
                    Set<FaultKind> w = EnumSet.noneOf(FaultKind.class);
                    w.addAll(o.base.without());
                    o.base = wrap(a, () -> {
                        w.addAll(FaultKind.parseList(v));
                        return o.base.withWithout(w);
                    });
                }
                case "--topology" -> o.base = wrap(a, () -> o.base.withTopology(Topology.parse(v)));
                case "--converge-within" -> o.base = wrap(a, () -> o.base.withConvergeWithin(SimTime.parseMillis(v)));
                case "--no-membership-changes" -> o.base = o.base.withMembershipChanges(false);
                case "--check-every" -> o.base = wrap(a, () -> o.base.withCheckEvery(SimTime.parseMillis(v)));
                case "--availability-window" -> o.base = wrap(a, () -> o.base.withAvailabilityWindow(SimTime.parseMillis(v)));
                case "--report" -> o.report = Path.of(v);
                case "--svg" -> o.svg = Path.of(v);
                case "--no-shrink" -> o.shrink = false;
                case "--check-determinism" -> o.checkDeterminism = true;
                case "--jobs" -> {
                    o.jobs = (int) parseLong(a, v);
                    if (o.jobs < 1 || o.jobs > 64) {
                        throw new UsageException("--jobs must be within 1..64, got " + o.jobs);
                    }
                }
                case "--tmp" -> o.tmp = Path.of(v);
                case "--quiet", "-q" -> o.quiet = true;
                default -> throw new UsageException("unknown option '" + args[i] + "' (see --help)");
            }
        }
        if (o.totalEdits != null) {
            int edits = o.totalEdits;
            o.base = wrap("--edits", () -> o.base.withEditRate(edits * 1000.0 / o.base.durationMs()));
        }
        if (!seedGiven) {
            o.firstSeed = 1;
            o.lastSeed = 1;
        }
        return o;
    }

    private static boolean takesValue(String option) {
        return switch (option) {
            case "--seed", "--seeds", "--replay", "--nodes", "--duration", "--edit-rate", "--edits", "--faults", "--without",
                "--topology", "--converge-within", "--check-every", "--availability-window", "--report", "--svg", "--jobs",
                "--tmp" -> true;
            default -> false;
        };
    }

    @FunctionalInterface
    private interface Build {
        SimConfig get() throws UsageException;
    }

    private static SimConfig wrap(String option, Build b) throws UsageException {
        try {
            return b.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || (args[i].startsWith("--") && !args[i].matches("--?\\d.*"))) {
            throw new UsageException(option + " needs a value (see --help)");
        }
        return args[i];
    }

    private static long parseLong(String option, String v) throws UsageException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a whole number, got '" + v + "'");
        }
    }

    private static double parseDouble(String option, String v) throws UsageException {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, got '" + v + "'");
        }
    }

    List<Long> seeds() {
        List<Long> out = new ArrayList<>();
        for (long s = firstSeed; s <= lastSeed; s++) {
            out.add(s);
        }
        return out;
    }

    /** The exact command that replays one seed of this scenario. */
    static String replayCommand(SimConfig c) {
        List<String> args = new ArrayList<>(c.cliArgs());
        args.set(0, "--replay");
        StringBuilder sb = new StringBuilder(Simulate.LAUNCHER);
        for (String a : args) {
            sb.append(' ').append(a);
        }
        if (!"standard".equals(c.foldName())) {
            sb.append("   # with the test merge '").append(c.foldName()).append("'");
        }
        return sb.toString();
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
