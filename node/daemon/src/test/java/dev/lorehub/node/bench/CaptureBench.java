package dev.lorehub.node.bench;

import dev.lorehub.node.store.ChangeCapture;
import dev.lorehub.node.store.LhWriter;
import dev.lorehub.node.store.LoreHubDatabase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Capture overhead (BENCHMARKS.md): lh-style single-row lore inserts, each its own autocommit
 * transaction on lh's connection settings (WAL, synchronous NORMAL, foreign keys on), into a
 * database without and one with the capture triggers, side by side in the same run. Rounds
 * alternate which database goes first; the capture table is drained between rounds (outside the
 * timing), as the node does. Reports medians; overhead = captured time / plain time per insert.
 *
 * <p>Run: {@code .ci/bench node CaptureBench [insertsPerRound] [rounds]}. Target: overhead ≤ 2.
 */
public final class CaptureBench {

    private static final int WARMUP_ROUNDS = 3;
    private static final long TIME_BUDGET_NANOS = 90_000_000_000L;
    private static final String CONTENT = "Keep every write transaction short: lh waits at most five seconds "
        + "for the lock, so batch node writes in small chunks and never hold the lock across network I/O.";

    private CaptureBench() {
    }

    public static void main(String[] args) throws Exception {
        int inserts = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Path dir = Files.createTempDirectory("capture-bench");
        try {
            run(dir, inserts, rounds);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void run(Path dir, int inserts, int rounds) throws SQLException {
        Path plainFile = dir.resolve("plain.db");
        Path capturedFile = dir.resolve("captured.db");
        LoreHubDatabase.create(plainFile).close();
        try (LoreHubDatabase node = LoreHubDatabase.create(capturedFile);
             LhWriter plain = new LhWriter(plainFile);
             LhWriter captured = new LhWriter(capturedFile)) {
            node.installCapture();
            String plainRealm = plain.addRealm("bench", "/bench");
            String capturedRealm = captured.addRealm("bench", "/bench");

            long deadline = System.nanoTime() + TIME_BUDGET_NANOS;
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                insertRound(plain, plainRealm, inserts);
                insertRound(captured, capturedRealm, inserts);
                drain(node, inserts + (i == 0 ? 1 : 0));
            }
            double[] plainNanos = new double[rounds];
            double[] capturedNanos = new double[rounds];
            int done = 0;
            for (int r = 0; r < rounds && System.nanoTime() < deadline; r++) {
                if (r % 2 == 0) {
                    plainNanos[r] = insertRound(plain, plainRealm, inserts);
                    capturedNanos[r] = insertRound(captured, capturedRealm, inserts);
                } else {
                    capturedNanos[r] = insertRound(captured, capturedRealm, inserts);
                    plainNanos[r] = insertRound(plain, plainRealm, inserts);
                }
                drain(node, inserts);
                done++;
                System.out.printf(Locale.ROOT, "round %d: plain %.1f us/insert, captured %.1f us/insert%n",
                    r, plainNanos[r] / inserts / 1e3, capturedNanos[r] / inserts / 1e3);
            }
            double plainMedian = median(Arrays.copyOf(plainNanos, done)) / inserts;
            double capturedMedian = median(Arrays.copyOf(capturedNanos, done)) / inserts;
            double[] ratios = new double[done];
            for (int r = 0; r < done; r++) {
                ratios[r] = capturedNanos[r] / plainNanos[r];
            }
            Arrays.sort(ratios);
            System.out.printf(Locale.ROOT, "BENCH node.capture inserts=%d rounds=%d plain_inserts_per_s=%.0f "
                    + "captured_inserts_per_s=%.0f overhead=%.2f overhead_min=%.2f overhead_max=%.2f%n",
                inserts, done, 1e9 / plainMedian, 1e9 / capturedMedian, capturedMedian / plainMedian,
                ratios[0], ratios[done - 1]);
        }
    }

    /** One round of single-row inserts, each its own autocommit transaction, as lh writes. */
    private static double insertRound(LhWriter lh, String realm, int inserts) throws SQLException {
        List<String> sigils = List.of("bench", "sqlite");
        long started = System.nanoTime();
        for (int i = 0; i < inserts; i++) {
            lh.addLore(realm, CONTENT, "wisdom", sigils);
        }
        return System.nanoTime() - started;
    }

    /** Empties the capture table as the node would, and checks that every insert was captured. */
    private static void drain(LoreHubDatabase node, int expected) throws SQLException {
        long pending = ChangeCapture.pendingCount(node.connection());
        if (pending != expected) {
            throw new IllegalStateException("expected " + expected + " captured inserts, found " + pending);
        }
        node.runInTransaction(c -> ChangeCapture.deleteThrough(c, Long.MAX_VALUE));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
