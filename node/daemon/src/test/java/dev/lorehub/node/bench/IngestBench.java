package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.testing.TestNode;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Node core ingest (issue 3): a fresh device ingests every event of a realm of N lores (about
 * 1 KiB of content each) in batches, next to a plain batched INSERT of the same lore rows into the
 * same schema with the same connection settings, in the same run.
 *
 * <p>Issue 12: while each ingest runs, a probe takes the write lock as lh does (5 s busy timeout)
 * every 20 ms and reports the longest wait; the measured run is repeated with two extra spinning
 * threads (both cores busy). Transactions are sized by elapsed time, as in the daemon.
 *
 * <pre>.ci/bench node IngestBench [lores=100000] [repeats=3]</pre>
 */
public final class IngestBench {
    static final int BATCH = 1000;

    /** Extra spinning threads during the measured ingests (the "loaded machine" case). */
    static int loadThreads;
    static final List<Double> lockWaits = new ArrayList<>();
    static long lockFailures;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path tmp = BenchSupport.tempDir("ingest-bench");
        TestNode.verifier = dev.lorehub.node.runtime.ParallelEnvelopeVerifier.perCore(); // as the daemon runs
        TestNode.ticker = System::nanoTime; // transactions sized by elapsed time, as the daemon runs them
        long now = 1_764_000_000_000L;

        run(tmp.resolve("warmup"), 2_000, 1, now, false);
        run(tmp.resolve("measure"), n, repeats, now, true);
        // the same with both cores kept busy by two spinning threads: what lh waits for then, with
        // transactions of a fixed count (as before issue 12) and sized by elapsed time
        loadThreads = 2;
        for (boolean elapsed : new boolean[] {false, true}) {
            TestNode.ticker = elapsed ? System::nanoTime : null;
            lockWaits.clear();
            lockFailures = 0;
            run(tmp.resolve("loaded-" + elapsed), n, 1, now, true);
        }
        BenchSupport.delete(tmp);
    }

    static void run(Path tmp, int n, int repeats, long now, boolean print) throws Exception {
        TestNode a = new TestNode("a", tmp, 1);
        TestNode b = new TestNode("b", tmp, 2);
        long t0 = System.nanoTime();
        RealmId realm = BenchSupport.sharedRealm(a, b, n, 1024, now);
        double captureSecs = (System.nanoTime() - t0) / 1e9;
        List<byte[]> events = BenchSupport.sealedEvents(a, realm);
        List<Double> ingestRates = new ArrayList<>();
        List<Double> plainRates = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            ingestRates.add(ingest(tmp, b, realm, a, events, r, now));
            plainRates.add(plainInsert(tmp, a, r));
        }
        double ingest = BenchSupport.median(ingestRates);
        double plain = BenchSupport.median(plainRates);
        if (print) {
            System.out.printf("BENCH node.lh_lock_wait load_threads=%d sizing=%s events=%d longest_wait_ms=%.0f lh_failures=%d%n",
                loadThreads, TestNode.ticker == null ? "fixed" : "elapsed", events.size(), lockWaits.stream().mapToDouble(d -> d).max().orElse(0), lockFailures);
            System.out.printf("BENCH node.capture_to_events lores=%d events_per_s=%.0f%n", n, n / captureSecs);
            System.out.printf("BENCH node.ingest events=%d batch=%d events_per_s=%.0f baseline_inserts_per_s=%.0f ratio=%.2f "
                    + "min_events_per_s=%.0f max_events_per_s=%.0f repeats=%d%n", events.size(), BATCH, ingest, plain,
                ingest / plain, ingestRates.stream().mapToDouble(d -> d).min().orElse(0),
                ingestRates.stream().mapToDouble(d -> d).max().orElse(0), repeats);
        }
        a.close();
        b.close();
    }

    /** A fresh replica with b's identity ingests every event; returns events per second. */
    static double ingest(Path tmp, TestNode b, RealmId realm, TestNode a, List<byte[]> events, int r, long now)
        throws Exception {
        TestNode fresh = TestNode.reopen("fresh" + r, tmp, b.identity);
        fresh.replica.acceptRealm(realm, a.id(), now);
        fresh.replica.mapRealm(realm, "/bench/fresh", now);
        long t0 = System.nanoTime();
        long stored = 0;
        LockWaitProbe lh = LockWaitProbe.start(tmp.resolve("fresh" + r).resolve("lorehub.db"), loadThreads);
        for (int i = 0; i < events.size(); i += BATCH) {
            IngestResult result = fresh.replica.ingest(events.subList(i, Math.min(events.size(), i + BATCH)), now);
            if (!result.rejected().isEmpty()) {
                throw new IllegalStateException("bench events rejected: " + result.rejected().get(0));
            }
            stored += result.stored().size();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        lh.close();
        lockWaits.add(lh.longestMillis());
        lockFailures += lh.failures();
        if (stored != events.size()) {
            throw new IllegalStateException("stored " + stored + " of " + events.size());
        }
        fresh.close();
        BenchSupport.delete(tmp.resolve("fresh" + r));
        return stored / secs;
    }

    /** The baseline: the same lore rows, plain batched INSERTs into a new LoreHub database. */
    static double plainInsert(Path tmp, TestNode a, int r) throws Exception {
        List<Object[]> rows = new ArrayList<>();
        try (Statement s = a.lh.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT id, content, why, type, provinces, sigils, confidence, origin, status, "
                 + "created_at, updated_at FROM lores")) {
            while (rs.next()) {
                Object[] row = new Object[11];
                for (int i = 0; i < 11; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        Path file = tmp.resolve("plain" + r + ".db");
        try (LoreHubDatabase db = LoreHubDatabase.create(file, LoreHubDatabase.Settings.DEFAULT.withYieldToOtherWriters(false))) {
            db.runInTransaction(c -> c.createStatement().execute(
                "INSERT INTO realms (id, name, path) VALUES ('r', 'bench', '/bench/plain')"));
            long t0 = System.nanoTime();
            for (int i = 0; i < rows.size(); i += BATCH) {
                List<Object[]> batch = rows.subList(i, Math.min(rows.size(), i + BATCH));
                db.runInTransaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO lores (id, realm_id, content, why, type, provinces, "
                        + "sigils, confidence, origin, status, created_at, updated_at) VALUES (?, 'r', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        for (Object[] row : batch) {
                            for (int k = 0; k < 11; k++) {
                                ps.setObject(k + 1, row[k]);
                            }
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                });
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            return rows.size() / secs;
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
