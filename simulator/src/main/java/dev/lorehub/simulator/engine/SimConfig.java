package dev.lorehub.simulator.engine;

import dev.lorehub.node.core.FoldPolicy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One simulated scenario. A run is a pure function of this record: the same config (seed
 * included) gives the same trace.
 *
 * @param seed               the one seed every random choice derives from
 * @param nodes              number of devices
 * @param durationMs         simulated time of workload and faults; then everything heals
 * @param editsPerSecond     lh edits per simulated second, over all devices together
 * @param profile            which fault kinds may occur
 * @param without            fault kinds forced off (used by shrinking, or by hand)
 * @param topology           which pairs of devices are paired
 * @param convergeWithinMs   after the heal, identical state on every device is required within this bound
 * @param membershipChanges  whether the workload adds a device late and revokes and re-adds one
 * @param checkEveryMs       how often the invariants are checked while faults run
 * @param availabilityMs     an edit made during a partition counts as available if it reached every
 *                           node on its author's side within this time
 * @param foldName           name of the merge under test ("standard" unless a test substitutes one)
 * @param fold               the merge under test
 */
public record SimConfig(long seed, int nodes, long durationMs, double editsPerSecond, FaultProfile profile,
                        Set<FaultKind> without, Topology topology, long convergeWithinMs, boolean membershipChanges,
                        long checkEveryMs, long availabilityMs, String foldName, FoldPolicy fold) {

    public SimConfig {
        if (nodes < 2) {
            throw new IllegalArgumentException("a simulation needs at least 2 nodes, got " + nodes);
        }
        if (nodes > 500) {
            throw new IllegalArgumentException("at most 500 nodes, got " + nodes);
        }
        if (durationMs < 1000) {
            throw new IllegalArgumentException("the simulated duration must be at least 1s, got " + durationMs + "ms");
        }
        if (!(editsPerSecond >= 0) || editsPerSecond > 10_000) {
            throw new IllegalArgumentException("the edit rate must be within 0..10000 per second, got " + editsPerSecond);
        }
        if (convergeWithinMs < 1000) {
            throw new IllegalArgumentException("the convergence bound must be at least 1s");
        }
        if (checkEveryMs < 100 || availabilityMs < 1) {
            throw new IllegalArgumentException("check period and availability window must be positive");
        }
        without = Collections.unmodifiableSet(without.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(without));
    }

    /** 5 nodes, 2 simulated minutes, about one edit per second, all faults, full mesh, the standard merge. */
    public static SimConfig defaults(long seed) {
        return new SimConfig(seed, 5, 120_000, 1.0, FaultProfile.ALL, EnumSet.noneOf(FaultKind.class), Topology.MESH,
            120_000, true, 60_000, 10_000, "standard", FoldPolicy.STANDARD);
    }

    public SimConfig withSeed(long s) {
        return new SimConfig(s, nodes, durationMs, editsPerSecond, profile, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withNodes(int n) {
        return new SimConfig(seed, n, durationMs, editsPerSecond, profile, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withDuration(long ms) {
        return new SimConfig(seed, nodes, ms, editsPerSecond, profile, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withEditRate(double r) {
        return new SimConfig(seed, nodes, durationMs, r, profile, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withProfile(FaultProfile p) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, p, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withWithout(Set<FaultKind> w) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, w, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withTopology(Topology t) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, without, t, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withConvergeWithin(long ms) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, without, topology, ms,
            membershipChanges, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withMembershipChanges(boolean on) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, without, topology, convergeWithinMs,
            on, checkEveryMs, availabilityMs, foldName, fold);
    }

    public SimConfig withCheckEvery(long ms) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, without, topology, convergeWithinMs,
            membershipChanges, ms, availabilityMs, foldName, fold);
    }

    public SimConfig withAvailabilityWindow(long ms) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, ms, foldName, fold);
    }

    /** The same scenario under another merge (tests substitute a deliberately broken one). */
    public SimConfig withFold(String name, FoldPolicy f) {
        return new SimConfig(seed, nodes, durationMs, editsPerSecond, profile, without, topology, convergeWithinMs,
            membershipChanges, checkEveryMs, availabilityMs, name, f);
    }

    /** Fault kinds that may occur: the profile's, less those forced off. */
    public Set<FaultKind> enabledKinds() {
        EnumSet<FaultKind> k = EnumSet.noneOf(FaultKind.class);
        k.addAll(profile.kinds());
        k.removeAll(without);
        return k;
    }

    /** Expected number of edits over the run. */
    public long expectedEdits() {
        return Math.round(editsPerSecond * durationMs / 1000.0);
    }

    /** The command-line options that reproduce this scenario for one seed (without the launcher). */
    public List<String> cliArgs() {
        List<String> args = new ArrayList<>();
        args.add("--seed");
        args.add(Long.toString(seed));
        args.add("--nodes");
        args.add(Integer.toString(nodes));
        args.add("--duration");
        args.add(SimTime.cli(durationMs));
        args.add("--edit-rate");
        args.add(trim(editsPerSecond));
        args.add("--faults");
        args.add(profile.cliName());
        if (!without.isEmpty()) {
            args.add("--without");
            args.add(String.join(",", without.stream().map(FaultKind::cliName).toList()));
        }
        args.add("--topology");
        args.add(topology.cliName());
        if (convergeWithinMs != 120_000) {
            args.add("--converge-within");
            args.add(SimTime.cli(convergeWithinMs));
        }
        if (!membershipChanges) {
            args.add("--no-membership-changes");
        }
        if (checkEveryMs != 60_000) {
            args.add("--check-every");
            args.add(SimTime.cli(checkEveryMs));
        }
        if (availabilityMs != 10_000) {
            args.add("--availability-window");
            args.add(SimTime.cli(availabilityMs));
        }
        return args;
    }

    private static String trim(double d) {
        if (d == Math.rint(d)) {
            return Long.toString((long) d);
        }
        String s = String.format(Locale.ROOT, "%.6f", d);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
