package dev.lorehub.node.bench;

import dev.lorehub.node.core.EntityFold;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EntityState;
import dev.lorehub.node.core.FoldEvent;
import dev.lorehub.node.core.FoldHistories;
import dev.lorehub.node.core.QuadraticEntityFold;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Folding one lore with many events (issue 11: "folding one entity with n events takes O(n log n)
 * time and O(n) memory"). The history is {@link FoldHistories#lore}: mostly linear edits of a
 * ~300-byte text by three devices, a concurrent episode of 2-3 short branches every ~30 edits, sigil
 * adds and removes. Prints, for 16k events, the fold next to the quadratic fold it replaced
 * ({@code QuadraticEntityFold}, the old code kept as the test oracle): wall time (median of the runs
 * after warm-up), thread CPU time (steadier on a shared machine) and bytes allocated by the folding
 * thread. The same again for a history whose branches only change the confidence, so that no JGit
 * text merge runs and the figures are the fold's own. Then the new fold alone at 1k, 4k, 16k and 64k
 * events to show the growth; then two adversarial shapes (long parallel chains with criss-cross
 * merges, and a wide fan that exhausts the chain method's budget) next to the old fold.
 *
 * <pre>.ci/bench node FoldBench [runs=7]</pre>
 */
public final class FoldBench {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * One measured configuration: median and range of the wall times, median thread CPU time (steadier
     * than wall time on a loaded machine), and the median of the bytes one fold allocated.
     */
    record Figure(double medianMs, double minMs, double maxMs, double cpuMs, long allocatedBytes) {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        THREADS.setThreadAllocatedMemoryEnabled(true);
        Function<List<FoldEvent>, EntityState> fold = e -> EntityFold.fold(EntityKind.LORE, FoldHistories.LORE, e);
        Function<List<FoldEvent>, EntityState> quadratic = e -> QuadraticEntityFold.fold(EntityKind.LORE, FoldHistories.LORE, e);

        List<FoldEvent> warm = FoldHistories.lore(4096, 1);
        for (int i = 0; i < 5; i++) {
            check(fold.apply(warm), quadratic.apply(warm));
        }

        List<FoldEvent> lore = FoldHistories.lore(16_384, 2);
        check(fold.apply(lore), quadratic.apply(lore));
        Figure neu = measure(fold, lore, runs);
        Figure old = measure(quadratic, lore, Math.max(3, runs / 2));
        System.out.printf("BENCH node.fold events=%d method=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f "
                + "allocated_bytes=%d quadratic_median_ms=%.1f quadratic_cpu_ms=%.1f quadratic_allocated_bytes=%d "
                + "cpu_ratio=%.2f allocated_ratio=%.3f runs=%d%n",
            lore.size(), FoldHistories.ancestryMethod(lore), neu.medianMs, neu.minMs, neu.maxMs, neu.cpuMs,
            neu.allocatedBytes, old.medianMs, old.cpuMs, old.allocatedBytes, neu.cpuMs / old.cpuMs,
            (double) neu.allocatedBytes / old.allocatedBytes, runs);

        List<FoldEvent> structure = FoldHistories.lore(16_384, 2, false);
        check(fold.apply(structure), quadratic.apply(structure));
        Figure sNew = measure(fold, structure, runs);
        Figure sOld = measure(quadratic, structure, Math.max(3, runs / 2));
        System.out.printf("BENCH node.fold_without_text_merges events=%d method=%s median_ms=%.1f cpu_ms=%.1f "
                + "allocated_bytes=%d quadratic_median_ms=%.1f quadratic_cpu_ms=%.1f quadratic_allocated_bytes=%d "
                + "cpu_ratio=%.2f allocated_ratio=%.3f runs=%d%n",
            structure.size(), FoldHistories.ancestryMethod(structure), sNew.medianMs, sNew.cpuMs, sNew.allocatedBytes,
            sOld.medianMs, sOld.cpuMs, sOld.allocatedBytes, sNew.cpuMs / sOld.cpuMs,
            (double) sNew.allocatedBytes / sOld.allocatedBytes, runs);

        for (int n : new int[] {1024, 4096, 16_384, 65_536}) {
            List<FoldEvent> events = FoldHistories.lore(n, 3);
            Figure f = measure(fold, events, runs);
            System.out.printf("BENCH node.fold_growth events=%d method=%s median_ms=%.1f min_ms=%.1f max_ms=%.1f cpu_ms=%.1f "
                    + "allocated_bytes=%d cpu_ns_per_event=%.0f allocated_bytes_per_event=%.0f runs=%d%n",
                n, FoldHistories.ancestryMethod(events), f.medianMs, f.minMs, f.maxMs, f.cpuMs, f.allocatedBytes,
                f.cpuMs * 1e6 / n, (double) f.allocatedBytes / n, runs);
        }

        adversarial("parallel_chains", FoldHistories.parallelChains(16_384, 8, 20, 4), fold, quadratic, runs);
        adversarial("wide_fan", FoldHistories.wideFan(16_384, 5), fold, quadratic, runs);
    }

    private static void adversarial(String shape, List<FoldEvent> events, Function<List<FoldEvent>, EntityState> fold,
                                    Function<List<FoldEvent>, EntityState> quadratic, int runs) {
        check(fold.apply(events), quadratic.apply(events));
        Figure neu = measure(fold, events, runs);
        Figure old = measure(quadratic, events, Math.max(3, runs / 2));
        System.out.printf("BENCH node.fold_adversarial shape=%s events=%d method=%s median_ms=%.1f cpu_ms=%.1f "
                + "allocated_bytes=%d quadratic_median_ms=%.1f quadratic_cpu_ms=%.1f quadratic_allocated_bytes=%d "
                + "cpu_ratio=%.2f allocated_ratio=%.3f runs=%d%n",
            shape, events.size(), FoldHistories.ancestryMethod(events), neu.medianMs, neu.cpuMs, neu.allocatedBytes,
            old.medianMs, old.cpuMs, old.allocatedBytes, neu.cpuMs / old.cpuMs,
            (double) neu.allocatedBytes / old.allocatedBytes, runs);
    }

    private static void check(EntityState actual, EntityState expected) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("the fold and the quadratic oracle disagree on a bench history");
        }
    }

    /** Runs {@code fold} once unmeasured, then {@code runs} times: median time, and the median of the bytes each run allocated. */
    static Figure measure(Function<List<FoldEvent>, EntityState> fold, List<FoldEvent> events, int runs) {
        fold.apply(events);
        List<Double> times = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Long> allocated = new ArrayList<>();
        long thread = Thread.currentThread().getId();
        for (int r = 0; r < runs; r++) {
            long a0 = THREADS.getThreadAllocatedBytes(thread);
            long c0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            EntityState s = fold.apply(events);
            long t1 = System.nanoTime();
            long c1 = THREADS.getCurrentThreadCpuTime();
            long a1 = THREADS.getThreadAllocatedBytes(thread);
            if (s.heads().isEmpty()) {
                throw new IllegalStateException("nothing folded");
            }
            times.add((t1 - t0) / 1e6);
            cpu.add((c1 - c0) / 1e6);
            allocated.add(a1 - a0);
        }
        allocated.sort(null);
        return new Figure(BenchSupport.median(times), times.stream().mapToDouble(d -> d).min().orElse(0),
            times.stream().mapToDouble(d -> d).max().orElse(0), BenchSupport.median(cpu), allocated.get(allocated.size() / 2));
    }
}
