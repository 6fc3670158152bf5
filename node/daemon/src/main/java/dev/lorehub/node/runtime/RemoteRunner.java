package dev.lorehub.node.runtime;

import dev.lorehub.node.remote.Backoff;
import dev.lorehub.node.remote.BackendConfig;
import dev.lorehub.node.remote.RemoteDriver;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.remote.ReplicaEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The running node's remotes: one {@code lorehub-remotes} thread owns a {@link RemoteDriver} and
 * runs each remote's rounds when due (on its adaptive schedule, none while no realm is shared), at
 * once after a local change ({@link #nudge}; a metered remote once its interval has passed), and at
 * once when a PostgreSQL hub notifies of another device's push. Network I/O never runs on the node
 * thread; the events a round reads are stored through the node ({@code withReplica}), so connected
 * peers are offered them like any other received event. {@code sync now} asks this thread for a
 * round ({@link #syncNow}) instead of opening the database a second time.
 *
 * <p>Every wait is bounded (at most a second), so closing never waits longer than one round.
 */
public final class RemoteRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteRunner.class);
    private static final long MAX_WAIT_MILLIS = 1_000;

    private record Request(String only, CompletableFuture<List<RemoteDriver.Outcome>> result) {
    }

    private final RemoteDriver driver;
    private final RemoteState state;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, String> lastErrors = new HashMap<>();
    private final Thread thread;
    private boolean nudged;
    private volatile boolean running = true;

    private RemoteRunner(RemoteDriver driver, RemoteState state, LongSupplier clock) {
        this.driver = driver;
        this.state = state;
        this.clock = clock;
        this.thread = new Thread(this::loop, "lorehub-remotes");
        this.thread.setDaemon(true);
    }

    /** Starts the thread for {@code backends}; events go through {@code runtime}. */
    static RemoteRunner start(List<BackendConfig> backends, Path nodeDir, Path database, NodeRuntime runtime,
                              LongSupplier clock) {
        RemoteState state = RemoteState.open(database);
        RemoteDriver driver = new RemoteDriver(backends, nodeDir, new ReplicaEvents(new ReplicaEvents.Runner() {
            @Override
            public <T> T run(ReplicaEvents.Work<T> work) {
                return runtime.withReplica((replica, now) -> work.run(replica));
            }
        }), state, System.getenv(), Backoff.DEFAULT);
        RemoteRunner runner = new RemoteRunner(driver, state, clock);
        runner.thread.start();
        LOG.info("Syncing with {} remote(s): {}", backends.size(), driver.names());
        return runner;
    }

    /** Names of the remotes this node drives. */
    public java.util.Set<String> names() {
        return driver.names();
    }

    /** Something changed locally: every remote runs a round soon (unless it is backing off). */
    public void nudge() {
        synchronized (lock) {
            nudged = true;
            lock.notifyAll();
        }
    }

    /**
     * Runs a round with every remote ({@code only} null) or the one named, now, on the remotes
     * thread, whatever the schedule; completes when they are done.
     */
    public CompletableFuture<List<RemoteDriver.Outcome>> syncNow(String only) {
        CompletableFuture<List<RemoteDriver.Outcome>> result = new CompletableFuture<>();
        synchronized (lock) {
            if (!running) {
                result.completeExceptionally(new NodeException("The node is stopping.", NodeException.Reason.STATE));
                return result;
            }
            requests.add(new Request(only, result));
            lock.notifyAll();
        }
        return result;
    }

    private void loop() {
        while (running) {
            try {
                List<Request> asked;
                boolean nudge;
                synchronized (lock) {
                    asked = new ArrayList<>(requests);
                    requests.clear();
                    nudge = nudged;
                    nudged = false;
                }
                for (Request r : asked) {
                    answer(r);
                }
                if (nudge) {
                    driver.nudge();
                }
                for (RemoteDriver.Outcome o : driver.runDue(clock.getAsLong(), random)) {
                    report(o);
                }
                long wait = Math.max(0, Math.min(MAX_WAIT_MILLIS, driver.nextDue() - clock.getAsLong()));
                long started = System.nanoTime();
                if (wait > 0 && driver.awaitChange(wait).isEmpty()) {
                    // no remote can notify, or none did: sleep the rest unless nudged or asked
                    long left = wait - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    synchronized (lock) {
                        if (left > 0 && running && !nudged && requests.isEmpty()) {
                            lock.wait(left);
                        }
                    }
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                // a bug or the node closing under us: keep the thread (bounded by the wait above)
                LOG.warn("Remote round failed: {}", e.toString());
                sleepQuietly();
            }
        }
        failPending();
    }

    private void answer(Request r) {
        try {
            List<RemoteDriver.Outcome> out = new ArrayList<>();
            for (String name : driver.names()) {
                if (r.only() == null || r.only().equals(name)) {
                    RemoteDriver.Outcome o = driver.syncNow(name, clock.getAsLong(), random);
                    report(o);
                    out.add(o);
                }
            }
            r.result().complete(out);
        } catch (RuntimeException e) {
            r.result().completeExceptionally(e);
        }
    }

    /** Logs what moved, and each new error once (a remote that stays down does not fill the log). */
    private void report(RemoteDriver.Outcome o) {
        if (o.attempt().error().isPresent()) {
            String error = o.attempt().error().get();
            if (!error.equals(lastErrors.put(o.remote(), error))) {
                LOG.warn("Remote {}: {} (retrying with backoff; `lorehub-node status` shows it)", o.remote(), error);
            }
            return;
        }
        if (lastErrors.remove(o.remote()) != null) {
            LOG.info("Remote {} reachable again", o.remote());
        }
        o.attempt().result().ifPresent(r -> {
            if (!r.idle() || !r.tampering().isEmpty() || !r.refusedEvents().isEmpty()) {
                LOG.info("{}", r);
            }
            r.tampering().forEach(t -> LOG.warn("Remote {}: {}", o.remote(), t.getMessage()));
        });
    }

    private void sleepQuietly() {
        synchronized (lock) {
            try {
                if (running) {
                    lock.wait(MAX_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void failPending() {
        synchronized (lock) {
            for (Request r : requests) {
                r.result().completeExceptionally(new NodeException("The node is stopping.", NodeException.Reason.STATE));
            }
            requests.clear();
        }
    }

    /** Stops the thread (after the round in progress, at most a bounded wait) and closes the remotes. */
    @Override
    public void close() {
        synchronized (lock) {
            running = false;
            lock.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        driver.close();
        state.close();
    }
}
