package dev.lorehub.node.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * What lh experiences while the node writes: a thread that, like an `lh add`, takes the database's
 * write lock ({@code BEGIN IMMEDIATE}) with lh's 5 s busy timeout every 20 ms and records how long
 * it had to wait. The longest wait is the figure that matters (over 5 s, lh fails). Optionally,
 * {@code busyThreads} threads spin meanwhile so the measurement runs on a loaded machine.
 */
final class LockWaitProbe implements AutoCloseable {
    private final Thread probe;
    private final Thread[] load;
    private volatile boolean running = true;
    private volatile long longestNanos;
    private volatile long probes;
    private volatile long failures;

    private LockWaitProbe(Path database, int busyThreads) {
        load = new Thread[busyThreads];
        for (int i = 0; i < busyThreads; i++) {
            load[i] = new Thread(this::spin, "bench-load-" + i);
            load[i].setDaemon(true);
            load[i].start();
        }
        probe = new Thread(() -> probe(database), "bench-lock-probe");
        probe.setDaemon(true);
        probe.start();
    }

    /** Starts probing {@code database}, with {@code busyThreads} spinning threads as extra load. */
    static LockWaitProbe start(Path database, int busyThreads) {
        return new LockWaitProbe(database, busyThreads);
    }

    private void spin() {
        long x = 0;
        while (running) {
            x += System.nanoTime() % 7; // keep a core busy
        }
        if (x == 42) {
            System.out.print(""); // keep the loop from being optimised away
        }
    }

    private void probe(Path database) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000"); // better-sqlite3's default, as lh runs it
            }
            long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
            while (running && System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                try (Statement s = c.createStatement()) {
                    s.execute("BEGIN IMMEDIATE");
                    s.execute("COMMIT");
                } catch (SQLException e) {
                    failures++; // lh would have failed: SQLITE_BUSY after 5 s
                }
                longestNanos = Math.max(longestNanos, System.nanoTime() - t0);
                probes++;
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (SQLException | InterruptedException e) {
            // the bench ends the probe by closing it
        }
    }

    /** Longest wait for the lock so far, ms. */
    double longestMillis() {
        return longestNanos / 1e6;
    }

    long probes() {
        return probes;
    }

    /** Lock attempts that failed as lh's would (busy for more than 5 s). */
    long failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        probe.join(10_000);
        for (Thread t : load) {
            t.join(1_000);
        }
    }
}
