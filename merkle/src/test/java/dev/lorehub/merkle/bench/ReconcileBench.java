package dev.lorehub.merkle.bench;

import dev.lorehub.merkle.FingerprintSet;
import dev.lorehub.merkle.Initiator;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.merkle.ReconcileResult;
import dev.lorehub.merkle.Responder;
import dev.lorehub.merkle.EventKey;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Reconciliation cost at a million keys per side (BENCHMARKS.md). Run with
 * {@code .ci/bench merkle ReconcileBench [n=1000000] [reps=5] [modes=default,full]}.
 *
 * <p>Workload: timestamps are HLC values ({@code ms << 16 | counter}) spread uniformly over one
 * year; ids are random. {@code d} differences are split between the sides ({@code ceil(d/2)} keys
 * only the initiator holds, {@code floor(d/2)} only the responder holds), everything else is
 * shared. Layout {@code scattered}: the differing keys have timestamps anywhere in the year;
 * {@code clustered}: they all fall in the newest 6 hours, interleaved, as when two devices worked
 * offline at the same time. Rounds and bytes are deterministic; CPU time (both sides, one thread)
 * is the median of the measured repetitions after warm-up.
 */
public final class ReconcileBench {

    private static final long YEAR_START_MS = 1_735_689_600_000L; // 2025-01-01, a fixed workload epoch
    private static final long YEAR_MS = 365L * 24 * 3600 * 1000;
    private static final long CLUSTER_MS = 6L * 3600 * 1000;

    private ReconcileBench() {
    }

    public static void main(String[] args) {
        int n = 1_000_000;
        int reps = 5;
        List<String> modes = List.of("default", "full");
        for (String a : args) {
            if (a.startsWith("n=")) {
                n = Integer.parseInt(a.substring(2));
            } else if (a.startsWith("reps=")) {
                reps = Integer.parseInt(a.substring(5));
            } else if (a.startsWith("modes=")) {
                modes = List.of(a.substring(6).split(","));
            }
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom rnd = new SplittableRandom(20_250_101L);
        int extra = 10_000;
        long[] ts = new long[n + extra];
        byte[] ids = new byte[32 * (n + extra)];
        for (int i = 0; i < n + extra; i++) {
            ts[i] = hlc(YEAR_START_MS + rnd.nextLong(YEAR_MS), rnd.nextInt(4));
        }
        rnd.nextBytes(ids);

        benchBuild(mx, ts, ids, n, reps);
        benchInsertAndQuery(mx, ts, ids, n, reps, rnd);

        int[] ds = {0, 1, 10, 100, 1000, 10000};
        for (String mode : modes) {
            ReconcileConfig cfg = switch (mode) {
                case "default" -> ReconcileConfig.defaults();
                case "full" -> ReconcileConfig.defaults().withIdPrefixBytes(0);
                default -> ReconcileConfig.defaults().withIdPrefixBytes(Integer.parseInt(mode.substring("prefix".length())));
            };
            for (String layout : List.of("scattered", "clustered")) {
                for (int d : ds) {
                    if (!mode.equals("default") && d < 100) {
                        continue; // prefixes only matter where many ranges differ
                    }
                    benchReconcile(mx, ts, ids, n, d, layout, mode, cfg, reps, new SplittableRandom(d * 31L + layout.length()));
                }
            }
        }
    }

    private static long hlc(long ms, int counter) {
        return (ms << 16) | counter;
    }

    private static void benchBuild(ThreadMXBean mx, long[] ts, byte[] ids, int n, int reps) {
        long[] t = Arrays.copyOf(ts, n);
        byte[] id = Arrays.copyOf(ids, 32 * n);
        long[] ms = new long[reps];
        for (int r = -2; r < reps; r++) {
            long t0 = System.nanoTime();
            FingerprintSet s = FingerprintSet.build(t, id);
            long el = System.nanoTime() - t0;
            if (s.size() != n) {
                throw new AssertionError("built " + s.size());
            }
            if (r >= 0) {
                ms[r] = el;
            }
        }
        Arrays.sort(ms);
        System.out.printf("BENCH merkle.build n=%d build_ms=%.1f min_ms=%.1f max_ms=%.1f%n", n, ms[reps / 2] / 1e6,
            ms[0] / 1e6, ms[reps - 1] / 1e6);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static void benchInsertAndQuery(ThreadMXBean mx, long[] ts, byte[] ids, int n, int reps, SplittableRandom rnd) {
        long[] baseTs = Arrays.copyOf(ts, n);
        byte[] baseIds = Arrays.copyOf(ids, 32 * n);
        long before = usedHeap();
        FingerprintSet base = FingerprintSet.build(baseTs, baseIds);
        long after = usedHeap();
        System.out.printf("BENCH merkle.memory n=%d heap_mb=%.1f bytes_per_key=%.1f%n", n, (after - before) / 1e6,
            (double) (after - before) / n);
        int inserts = 10_000;
        long[] ins = new long[reps];
        for (int r = -2; r < reps; r++) {
            FingerprintSet s = FingerprintSet.build(Arrays.copyOf(ts, n), Arrays.copyOf(ids, 32 * n));
            List<EventKey> fresh = new ArrayList<>(inserts);
            for (int i = 0; i < inserts; i++) {
                byte[] id = new byte[32];
                rnd.nextBytes(id);
                fresh.add(new EventKey(hlc(YEAR_START_MS + rnd.nextLong(YEAR_MS), 0), id));
            }
            long t0 = System.nanoTime();
            for (EventKey k : fresh) {
                s.add(k);
            }
            long el = System.nanoTime() - t0;
            if (r >= 0) {
                ins[r] = el;
            }
        }
        Arrays.sort(ins);
        System.out.printf("BENCH merkle.insert n=%d inserts=%d insert_ms=%.2f per_insert_us=%.2f%n", n, inserts,
            ins[reps / 2] / 1e6, ins[reps / 2] / 1e3 / inserts);

        int queries = 200_000;
        EventKey[] lo = new EventKey[queries];
        EventKey[] hi = new EventKey[queries];
        for (int i = 0; i < queries; i++) {
            byte[] a = new byte[32];
            byte[] b = new byte[32];
            rnd.nextBytes(a);
            rnd.nextBytes(b);
            EventKey x = new EventKey(hlc(YEAR_START_MS + rnd.nextLong(YEAR_MS), 0), a);
            EventKey y = new EventKey(hlc(YEAR_START_MS + rnd.nextLong(YEAR_MS), 0), b);
            lo[i] = x.compareTo(y) <= 0 ? x : y;
            hi[i] = x.compareTo(y) <= 0 ? y : x;
        }
        long[] q = new long[reps];
        int sink = 0;
        for (int r = -2; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < queries; i++) {
                sink += base.fingerprint(lo[i], hi[i]).hashCode();
            }
            long el = System.nanoTime() - t0;
            if (r >= 0) {
                q[r] = el;
            }
        }
        Arrays.sort(q);
        System.out.printf("BENCH merkle.range_fingerprint n=%d queries=%d ns_per_query=%.0f sink=%d%n", n, queries,
            (double) q[reps / 2] / queries, sink & 1);
    }

    private static void benchReconcile(ThreadMXBean mx, long[] ts, byte[] ids, int n, int d, String layout, String mode,
                                       ReconcileConfig cfg, int reps, SplittableRandom rnd) {
        int dA = (d + 1) / 2;
        int dB = d / 2;
        int common = n - dA;
        long[] aTs = new long[n];
        byte[] aIds = new byte[32 * n];
        long[] bTs = new long[common + dB];
        byte[] bIds = new byte[32 * (common + dB)];
        System.arraycopy(ts, 0, aTs, 0, common);
        System.arraycopy(ids, 0, aIds, 0, 32 * common);
        System.arraycopy(ts, 0, bTs, 0, common);
        System.arraycopy(ids, 0, bIds, 0, 32 * common);
        long end = YEAR_START_MS + YEAR_MS;
        for (int i = 0; i < dA + dB; i++) {
            long ms = layout.equals("scattered") ? YEAR_START_MS + rnd.nextLong(YEAR_MS) : end - rnd.nextLong(CLUSTER_MS);
            long t = hlc(ms, 4 + rnd.nextInt(4));
            byte[] id = new byte[32];
            rnd.nextBytes(id);
            if (i < dA) {
                aTs[common + i] = t;
                System.arraycopy(id, 0, aIds, 32 * (common + i), 32);
            } else {
                bTs[common + i - dA] = t;
                System.arraycopy(id, 0, bIds, 32 * (common + i - dA), 32);
            }
        }
        FingerprintSet a = FingerprintSet.build(aTs, aIds);
        FingerprintSet b = FingerprintSet.build(bTs, bIds);
        long[] cpu = new long[reps];
        ReconcileResult ra = null;
        ReconcileResult rb = null;
        for (int r = -2; r < reps; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            Initiator ini = new Initiator(a, cfg, 1234L + r);
            Responder res = new Responder(b, cfg);
            byte[] msg = ini.start();
            while (true) {
                Optional<byte[]> reply = res.onMessage(msg);
                if (reply.isEmpty()) {
                    break;
                }
                Optional<byte[]> next = ini.onMessage(reply.get());
                if (next.isEmpty()) {
                    break;
                }
                msg = next.get();
            }
            long el = mx.getCurrentThreadCpuTime() - t0;
            ra = ini.result();
            rb = res.result();
            if (r >= 0) {
                cpu[r] = el;
            }
        }
        if (ra.have().size() != dA || ra.need().size() != dB || rb.have().size() != dB || rb.need().size() != dA) {
            throw new AssertionError("wrong result: " + ra.have().size() + "/" + ra.need().size());
        }
        Arrays.sort(cpu);
        long bytes = ra.bytesSent() + ra.bytesReceived();
        System.out.printf("BENCH merkle.reconcile n=%d d=%d layout=%s mode=%s rounds=%d messages=%d bytes=%d bytes_per_diff=%.1f cpu_ms=%.1f%n",
            n, d, layout, mode, ra.rounds(), ra.messagesSent() + ra.messagesReceived(), bytes,
            d == 0 ? 0.0 : (double) bytes / d, cpu[reps / 2] / 1e6);
    }
}
