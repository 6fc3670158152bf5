package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Every configured remote of a node, and when each is due: what a daemon (or {@code sync now})
 * drives. It decides nothing about threads: the caller runs {@link #runDue} from its own remote
 * thread with the current time, calls {@link #nudge} when something changed locally, and may
 * block in {@link #awaitChange} between rounds so that a PostgreSQL hub's notifications start a
 * round at once. Remotes are opened lazily; one that cannot even be opened (bad URL, missing
 * environment variable) counts as a failed attempt with its message, and is retried with backoff.
 */
public final class RemoteDriver implements AutoCloseable {
    private final Map<String, BackendConfig> backends;
    private final Path nodeDir;
    private final LocalEvents local;
    private final RemoteState state;
    private final Map<String, String> env;
    private final Map<String, RemoteSync> open = new LinkedHashMap<>();
    private final Set<String> nudged = new HashSet<>();
    private final Backoff backoff;

    /** The outcome of one attempt with one remote. */
    public record Outcome(String remote, RemoteSync.Attempt attempt) {
    }

    public RemoteDriver(List<BackendConfig> backends, Path nodeDir, LocalEvents local, RemoteState state,
                        Map<String, String> env, Backoff backoff) {
        this.backends = BackendConfig.byName(backends);
        this.nodeDir = nodeDir;
        this.local = local;
        this.state = state;
        this.env = env;
        this.backoff = backoff;
    }

    /** Names of the configured remotes. */
    public Set<String> names() {
        return backends.keySet();
    }

    private RemoteSync sync(String name) {
        return open.computeIfAbsent(name, n -> {
            BackendConfig b = backends.get(n);
            DeviceId self = local.self();
            Remote r = Remotes.open(b, nodeDir, self, env);
            return new RemoteSync(r, local, state, b.interval() * 1000L, backoff);
        });
    }

    /** Runs one attempt with a remote now, whatever its schedule. */
    public Outcome syncNow(String name, long now, RandomGenerator random) {
        if (!backends.containsKey(name)) {
            throw new IllegalArgumentException("no remote named \"" + name + "\"");
        }
        nudged.remove(name);
        RemoteSync s;
        try {
            s = sync(name);
        } catch (RemoteException e) {
            int failures = state.status(name).failures() + 1;
            long next = now + backoff.delay(failures, random);
            state.failed(name, e.getMessage(), failures, next);
            return new Outcome(name, new RemoteSync.Attempt(java.util.Optional.empty(), java.util.Optional.of(e.getMessage()),
                next));
        }
        return new Outcome(name, s.attempt(now, random));
    }

    /** Runs every remote that is due (its time has come, or it was nudged and is not backing off). */
    public List<Outcome> runDue(long now, RandomGenerator random) {
        List<Outcome> out = new ArrayList<>();
        for (String name : backends.keySet()) {
            RemoteState.Status st = state.status(name);
            boolean backingOff = st.failures() > 0 && st.nextAttempt() > now;
            if ((nudged.contains(name) && !backingOff) || st.nextAttempt() <= now) {
                out.add(syncNow(name, now, random));
            }
        }
        return out;
    }

    /** The earliest time a remote is due (ms since the epoch), so a driver knows how long it may sleep. */
    public long nextDue() {
        long next = Long.MAX_VALUE;
        for (String name : backends.keySet()) {
            next = Math.min(next, nudged.contains(name) ? 0 : state.status(name).nextAttempt());
        }
        return next;
    }

    /** Marks every remote due at once (something changed locally). */
    public void nudge() {
        nudged.addAll(backends.keySet());
    }

    /**
     * Waits up to {@code timeoutMillis} for a remote that can notify (PostgreSQL) to report another
     * device's push; the remotes that did are nudged. Returns their names (empty after the timeout,
     * or at once when no open remote can notify).
     */
    public Set<String> awaitChange(long timeoutMillis) {
        Set<String> changed = new HashSet<>();
        for (Map.Entry<String, RemoteSync> e : open.entrySet()) {
            if (e.getValue().remote() instanceof Remote.Notifying n) {
                try {
                    if (!n.awaitChange(timeoutMillis).isEmpty()) {
                        changed.add(e.getKey());
                    }
                } catch (RemoteException ex) {
                    // the next round reports it
                }
                break; // one listener per driver thread; others are polled on their interval
            }
        }
        nudged.addAll(changed);
        return changed;
    }

    /** The persistent state (status for `remote list` and `status`). */
    public RemoteState state() {
        return state;
    }

    @Override
    public void close() {
        for (RemoteSync s : open.values()) {
            s.remote().close();
        }
        open.clear();
    }
}
