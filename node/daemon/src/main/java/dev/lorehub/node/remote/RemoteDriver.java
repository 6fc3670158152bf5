package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Every configured remote of a node, and when each is due: what a daemon (or {@code sync now})
 * drives. It decides nothing about threads: the caller runs {@link #runDue} from its own remote
 * thread with the current time, calls {@link #nudge} when something changed locally, and may
 * block in {@link #awaitChange} between rounds so that a PostgreSQL hub's notifications start a
 * round at once. Remotes are opened lazily; one that cannot even be opened (bad URL, missing
 * environment variable) counts as a failed attempt with its message, and is retried with backoff.
 *
 * <p>When rounds come is each remote's {@link Schedule} (adaptive by default: often while edits
 * flow, rarely while idle, rarer on a metered link) and, after failures, {@link Backoff}; nothing
 * prompts a remote that is backing off. While the device shares no realm (and nothing is queued)
 * no remote is even opened, so an idle, unshared device sends no request at all; the shared realms
 * are read again on every nudge and at least every {@link #REALM_CHECK_MILLIS}, and a newly shared
 * realm prompts every remote at once.
 */
public final class RemoteDriver implements AutoCloseable {
    /** How often the shared realms are read again between nudges (a realm may be joined meanwhile). */
    public static final long REALM_CHECK_MILLIS = 5_000;

    /** Opens the remote a backend describes ({@link Remotes#open} in the daemon; tests and benchmarks give their own). */
    @FunctionalInterface
    public interface Opener {
        Remote open(BackendConfig backend, DeviceId self);
    }

    private final Map<String, BackendConfig> backends;
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    private final LocalEvents local;
    private final RemoteState state;
    private final Opener opener;
    private final Map<String, RemoteSync> open = new LinkedHashMap<>();
    private final Set<String> nudged = new HashSet<>();
    private final Backoff backoff;
    /** The realms this device shares, as last read (null: not read yet). */
    private Set<RealmId> shared;
    private long sharedReadAt;
    private boolean recheck;

    /** The outcome of one attempt with one remote. */
    public record Outcome(String remote, RemoteSync.Attempt attempt) {
    }

    /** The daemon's driver: remotes opened from their configuration, each on its {@link Schedule#of own schedule}. */
    public RemoteDriver(List<BackendConfig> backends, Path nodeDir, LocalEvents local, RemoteState state,
                        Map<String, String> env, Backoff backoff) {
        this(backends, local, state, backoff, (b, self) -> Remotes.open(b, nodeDir, self, env), Schedule::of);
    }

    /**
     * A driver whose remotes come from {@code opener} and whose schedules from {@code scheduling}
     * (benchmarks compare {@link Schedule#fixed} with {@link Schedule#of}).
     */
    public RemoteDriver(List<BackendConfig> backends, LocalEvents local, RemoteState state, Backoff backoff, Opener opener,
                        Function<BackendConfig, Schedule> scheduling) {
        this.backends = BackendConfig.byName(backends);
        this.local = local;
        this.state = state;
        this.backoff = backoff;
        this.opener = opener;
        for (BackendConfig b : this.backends.values()) {
            schedules.put(b.name(), scheduling.apply(b));
        }
    }

    /** Names of the configured remotes. */
    public Set<String> names() {
        return backends.keySet();
    }

    /** The schedule a remote follows. */
    public Schedule schedule(String name) {
        Schedule s = schedules.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no remote named \"" + name + "\"");
        }
        return s;
    }

    private RemoteSync sync(String name) {
        return open.computeIfAbsent(name, n -> {
            BackendConfig b = backends.get(n);
            Remote r = opener.open(b, local.self());
            return new RemoteSync(r, local, state, schedules.get(n), backoff);
        });
    }

    /** Runs one attempt with a remote now, whatever its schedule (it counts as prompted: someone asked). */
    public Outcome syncNow(String name, long now, RandomGenerator random) {
        if (!backends.containsKey(name)) {
            throw new IllegalArgumentException("no remote named \"" + name + "\"");
        }
        return run(name, now, random, true);
    }

    private Outcome run(String name, long now, RandomGenerator random, boolean prompted) {
        nudged.remove(name);
        RemoteSync s;
        try {
            s = sync(name);
        } catch (RemoteException e) {
            schedules.get(name).failed(now);
            int failures = state.status(name).failures() + 1;
            long next = now + backoff.delay(failures, random);
            state.failed(name, e.getMessage(), failures, next);
            return new Outcome(name, new RemoteSync.Attempt(java.util.Optional.empty(), java.util.Optional.of(e.getMessage()),
                next));
        }
        return new Outcome(name, s.attempt(now, random, prompted));
    }

    /**
     * Runs every remote that is due: its time has come, or it was prompted (a nudge, a notification,
     * a newly shared realm) and is neither backing off nor, on a metered link, within an interval of
     * its last round. Nothing runs while no realm is shared and nothing is queued.
     */
    public List<Outcome> runDue(long now, RandomGenerator random) {
        List<Outcome> out = new ArrayList<>();
        Set<RealmId> realms = shared(now);
        for (String name : backends.keySet()) {
            if (realms.isEmpty() && state.outboxSize(name) == 0) {
                nudged.remove(name); // nothing to exchange: a nudge is answered by reading the realms again
                continue;
            }
            RemoteState.Status st = state.status(name);
            boolean backingOff = st.failures() > 0 && st.nextAttempt() > now;
            boolean prompted = nudged.contains(name) && !backingOff && now >= schedules.get(name).promptedNotBefore();
            if (prompted || st.nextAttempt() <= now) {
                out.add(run(name, now, random, prompted));
            }
        }
        return out;
    }

    /** The shared realms, read again when asked to or when the last read is older than {@link #REALM_CHECK_MILLIS}. */
    private Set<RealmId> shared(long now) {
        if (shared == null || recheck || now - sharedReadAt >= REALM_CHECK_MILLIS || now < sharedReadAt) {
            Set<RealmId> fresh = Set.copyOf(local.realms());
            if (shared != null && !shared.containsAll(fresh)) {
                nudged.addAll(backends.keySet()); // a realm became shared: there is news to exchange everywhere
            }
            shared = fresh;
            sharedReadAt = now;
            recheck = false;
        }
        return shared;
    }

    /**
     * The earliest time {@link #runDue} has something to do (ms since the epoch), so a driver knows
     * how long it may sleep: a remote's due time, at once for a prompted one (its backoff's end while
     * it backs off; an interval after its last round on a metered link), and while no realm is shared
     * only the next read of the realms.
     */
    public long nextDue() {
        boolean nothingShared = shared != null && shared.isEmpty();
        long next = Long.MAX_VALUE;
        if (nothingShared) {
            next = recheck ? 0 : sharedReadAt + REALM_CHECK_MILLIS;
        }
        for (String name : backends.keySet()) {
            if (nothingShared && state.outboxSize(name) == 0) {
                continue;
            }
            RemoteState.Status st = state.status(name);
            long at = st.nextAttempt();
            if (nudged.contains(name) && st.failures() == 0) {
                at = Math.min(at, Math.max(0, schedules.get(name).promptedNotBefore()));
            }
            next = Math.min(next, at);
        }
        return next;
    }

    /** Something changed locally: every remote is prompted (and the shared realms are read again). */
    public void nudge() {
        nudged.addAll(backends.keySet());
        recheck = true;
    }

    /**
     * Waits up to {@code timeoutMillis} for a remote that can notify (PostgreSQL) to report another
     * device's push to a realm this device shares; the remotes that did are prompted. Returns their
     * names (empty after the timeout, or at once when no open remote can notify).
     */
    public Set<String> awaitChange(long timeoutMillis) {
        Set<String> changed = new HashSet<>();
        for (Map.Entry<String, RemoteSync> e : open.entrySet()) {
            if (e.getValue().remote() instanceof Remote.Notifying n) {
                try {
                    Set<RealmId> realms = n.awaitChange(timeoutMillis);
                    // Other teams' realms on the same hub are none of this device's business.
                    if (realms.stream().anyMatch(r -> shared == null || shared.contains(r))) {
                        changed.add(e.getKey());
                    }
                } catch (RemoteException ex) {
                    // the next round reports it
                }
                break; // one listener per driver thread; others are polled on their schedule
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
