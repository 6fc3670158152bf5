package dev.lorehub.simulator;

import dev.lorehub.simulator.engine.SimResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a sweep of seeds showed, over all of them.
 *
 * <p>Availability during partitions: of the edits made while a partition was in force (and that
 * had at least one realm member on the author's side of it), the fraction that reached every
 * member on the author's side within the availability window.
 */
record Summary(int seeds, int passed, List<Long> convergenceMs, long p50, long p95, long p99, long max, long frames,
               long bytes, long edits, long partitionEdits, long partitionReached, long simulatedMs, long realMs,
               long wallMs, int jobs) {

    static Summary of(List<Simulate.Timed> results, long wallNanos, int jobs) {
        List<Long> conv = new ArrayList<>();
        long frames = 0;
        long bytes = 0;
        long edits = 0;
        long pe = 0;
        long pr = 0;
        long sim = 0;
        long real = 0;
        int passed = 0;
        for (Simulate.Timed t : results) {
            SimResult r = t.result();
            if (r.passed()) {
                passed++;
                conv.add(r.convergenceMs());
            }
            frames += r.framesSent();
            bytes += r.bytesSent();
            edits += r.edits();
            pe += r.partitionEdits();
            pr += r.partitionReached();
            sim += r.simulatedMs();
            real += t.realNanos() / 1_000_000;
        }
        conv.sort(Long::compare);
        return new Summary(results.size(), passed, conv, percentile(conv, 50), percentile(conv, 95), percentile(conv, 99),
            conv.isEmpty() ? -1 : conv.get(conv.size() - 1), frames, bytes, edits, pe, pr, sim, real, wallNanos / 1_000_000,
            jobs);
    }

    /** Nearest-rank percentile; -1 when empty. */
    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    double framesPerEdit() {
        return edits == 0 ? 0 : (double) frames / edits;
    }

    double bytesPerEdit() {
        return edits == 0 ? 0 : (double) bytes / edits;
    }

    double availability() {
        return partitionEdits == 0 ? Double.NaN : (double) partitionReached / partitionEdits;
    }

    /** Simulated time over the real time the runs took (first runs only, not determinism re-runs). */
    double speedup() {
        return realMs == 0 ? 0 : (double) simulatedMs / realMs;
    }

    double seedsPerMinute() {
        return wallMs == 0 ? 0 : seeds * 60_000.0 / wallMs;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%d seeds: %d passed, %d failed%n", seeds, passed, seeds - passed);
        if (!convergenceMs.isEmpty()) {
            out.printf(Locale.ROOT, "convergence after heal: p50 %.1fs  p95 %.1fs  p99 %.1fs  max %.1fs%n", p50 / 1000.0,
                p95 / 1000.0, p99 / 1000.0, max / 1000.0);
        }
        out.printf(Locale.ROOT, "traffic: %.1f frames and %.0f bytes per edit (%d edits, %d frames, %s)%n", framesPerEdit(),
            bytesPerEdit(), edits, frames, Simulate.bytes(bytes));
        if (partitionEdits > 0) {
            out.printf(Locale.ROOT, "availability during partitions: %.1f%% of %d edits made during a partition reached every "
                + "member on the author's side within the window%n", 100 * availability(), partitionEdits);
        } else {
            out.println("availability during partitions: no edits were made during a partition");
        }
        out.printf(Locale.ROOT, "speed: %.0fs simulated in %.1fs of run time (%.0fx real time), %.1f seeds/min with %d job%s%n",
            simulatedMs / 1000.0, realMs / 1000.0, speedup(), seedsPerMinute(), jobs, jobs == 1 ? "" : "s");
    }
}
