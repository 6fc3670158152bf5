package dev.lorehub.simulator.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Shrinks a failing scenario to a smaller one that fails the same way: fewer nodes, fewer fault
 * kinds, no membership changes, fewer edits, a shorter run — keeping the seed and accepting a
 * candidate only if it still fails with the same {@link FailureClass}. Greedy, to a fixpoint, with
 * a bounded number of runs (each candidate is a whole simulation).
 */
public final class Shrinker {
    /**
     * @param smallest the smallest failing scenario found
     * @param result   its run
     * @param runs     simulations tried
     * @param steps    what was removed, in order
     */
    public record Outcome(SimConfig smallest, SimResult result, int runs, List<String> steps) {
    }

    private Shrinker() {
    }

    /** Shrinks {@code failing} (whose run gave {@code original}) using {@code runner}, at most {@code maxRuns} runs. */
    public static Outcome shrink(SimConfig failing, SimResult original, Function<SimConfig, SimResult> runner, int maxRuns) {
        FailureClass kind = original.failure().kind();
        SimConfig best = failing;
        SimResult bestResult = original;
        List<String> steps = new ArrayList<>();
        Set<String> tried = new LinkedHashSet<>();
        int runs = 0;
        boolean progress = true;
        while (progress && runs < maxRuns) {
            progress = false;
            for (Candidate c : candidates(best)) {
                if (runs >= maxRuns) {
                    break;
                }
                String key = c.config().cliArgs().toString();
                if (!tried.add(key)) {
                    continue;
                }
                runs++;
                SimResult r = runner.apply(c.config());
                if (!r.passed() && r.failure().kind() == kind) {
                    best = c.config();
                    bestResult = r;
                    steps.add(c.step());
                    progress = true;
                    break; // restart from the most aggressive candidates of the smaller case
                }
            }
        }
        return new Outcome(best, bestResult, runs, steps);
    }

    private record Candidate(SimConfig config, String step) {
    }

    /** Smaller variants, most aggressive first. */
    private static List<Candidate> candidates(SimConfig c) {
        List<Candidate> out = new ArrayList<>();
        for (int n : new int[] {2, 3, c.nodes() / 2, c.nodes() - 1}) {
            if (n >= 2 && n < c.nodes()) {
                out.add(new Candidate(c.withNodes(n), "nodes " + c.nodes() + " → " + n));
            }
        }
        Set<FaultKind> on = c.enabledKinds();
        if (!on.isEmpty()) {
            out.add(new Candidate(c.withProfile(FaultProfile.NONE).withWithout(EnumSet.noneOf(FaultKind.class)),
                "no faults at all"));
            for (FaultKind k : on) {
                EnumSet<FaultKind> w = EnumSet.noneOf(FaultKind.class);
                w.addAll(c.without());
                w.add(k);
                out.add(new Candidate(c.withWithout(w), "without " + k.cliName()));
            }
        }
        if (c.membershipChanges()) {
            out.add(new Candidate(c.withMembershipChanges(false), "no membership changes"));
        }
        if (c.editsPerSecond() > 0.01) {
            out.add(new Candidate(c.withEditRate(c.editsPerSecond() / 4), "edit rate / 4"));
            out.add(new Candidate(c.withEditRate(c.editsPerSecond() / 2), "edit rate / 2"));
        }
        if (c.durationMs() >= 20_000) {
            long shorter = Math.max(10_000, c.durationMs() / 2 / 1000 * 1000);
            out.add(new Candidate(c.withDuration(shorter), "duration " + SimTime.cli(c.durationMs()) + " → "
                + SimTime.cli(shorter)));
        }
        return out;
    }
}
