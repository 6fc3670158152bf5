package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.remote.BackendConfig;
import dev.lorehub.node.remote.Backoff;
import dev.lorehub.node.remote.Loopback;
import dev.lorehub.node.remote.PostgresServer;
import dev.lorehub.node.remote.Remote;
import dev.lorehub.node.remote.RemoteDriver;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.remote.ReplicaEvents;
import dev.lorehub.node.remote.Schedule;
import dev.lorehub.node.testing.TestNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Requests per hour to an idle remote (issue 17): two devices share a realm through each backend
 * and then write nothing, and the real {@link RemoteDriver} runs their rounds over simulated hours
 * (the clock jumps to each due time, as the daemon's remotes thread would wait) against the real
 * servers on 127.0.0.1 (git daemon, S3Proxy, PostgreSQL). Side by side: the fixed rule from before
 * (a round every interval), the adaptive rule and the adaptive rule on a metered link, all with the
 * default interval of 60 s. Requests are what the clients sent, counted by {@code RemoteMetrics};
 * the figure is one device's, per hour on average after the first (the steady state). A device that shares
 * no realm is driven for a simulated day as well.
 *
 * <pre>.ci/bench node RemoteIdleBench [hours=6]</pre>
 */
public final class RemoteIdleBench {
    static final long HOUR = 3_600_000;
    static final long START = 1_764_000_000_000L;

    enum Rule { FIXED, ADAPTIVE, METERED }

    public static void main(String[] args) throws Exception {
        int hours = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        if (hours < 2 || hours > 48) {
            throw new IllegalArgumentException("hours must be within 2..48");
        }
        Path tmp = BenchSupport.tempDir("remote-idle-bench");
        List<RemoteBench.Backend> backends = new ArrayList<>();
        try {
            if (Loopback.onPath("git")) {
                backends.add(RemoteBench.git(tmp.resolve("git")));
            } else {
                System.out.println("BENCH remote.skipped backend=git reason=git_not_installed");
            }
            backends.add(RemoteBench.s3());
            if (PostgresServer.unavailable() == null) {
                backends.add(RemoteBench.postgres());
            } else {
                System.out.println("BENCH remote.skipped backend=postgres reason=postgresql_not_installed");
            }
            int run = 0;
            for (RemoteBench.Backend b : backends) {
                long[][] perHour = new long[Rule.values().length][];
                for (Rule rule : Rule.values()) {
                    perHour[rule.ordinal()] = idle(b, tmp.resolve(b.name() + "-" + rule), rule, run++, hours);
                }
                long noRealm = noRealm(b, tmp.resolve(b.name() + "-alone"), run++);
                double fixed = steady(perHour[Rule.FIXED.ordinal()]);
                double adaptive = steady(perHour[Rule.ADAPTIVE.ordinal()]);
                double metered = steady(perHour[Rule.METERED.ordinal()]);
                System.out.printf("BENCH remote.idle_requests_per_hour backend=%s adaptive=%.1f fixed=%.1f metered=%.1f "
                        + "ratio=%.1f metered_ratio=%.1f first_hour_adaptive=%d first_hour_fixed=%d no_realm_per_day=%d "
                        + "interval_s=60 simulated_hours=%d per=device%n", b.name(), adaptive, fixed, metered,
                    adaptive == 0 ? 0.0 : fixed / adaptive, metered == 0 ? 0.0 : fixed / metered,
                    perHour[Rule.ADAPTIVE.ordinal()][0], perHour[Rule.FIXED.ordinal()][0], noRealm, hours);
            }
        } finally {
            for (RemoteBench.Backend b : backends) {
                b.close();
            }
            BenchSupport.delete(tmp);
        }
    }

    /** Requests per hour once the first hour (the initial sync, and the gaps growing to their cap) is over. */
    static double steady(long[] perHour) {
        long sum = 0;
        for (int h = 1; h < perHour.length; h++) {
            sum += perHour[h];
        }
        return (double) sum / (perHour.length - 1);
    }

    /** The configuration a rule runs with (the opener below ignores the type: it reaches the bench's server). */
    static BackendConfig config(String name, Rule rule) {
        return new BackendConfig.Git(name, "unused", "lorehub-sync", null, BackendConfig.DEFAULT_INTERVAL, rule == Rule.METERED);
    }

    static Function<BackendConfig, Schedule> scheduling(Rule rule) {
        return rule == Rule.FIXED ? c -> Schedule.fixed(c.interval() * 1000L) : Schedule::of;
    }

    /** Requests the second device sent in each simulated hour. */
    static long[] idle(RemoteBench.Backend b, Path dir, Rule rule, int run, int hours) throws Exception {
        TestNode a = new TestNode("a", dir, 1);
        TestNode reader = new TestNode("b", dir, 2);
        List<Remote> remotes = new ArrayList<>();
        List<RemoteDriver> drivers = new ArrayList<>();
        List<RemoteState> states = new ArrayList<>();
        try {
            RealmId realm = BenchSupport.sharedRealm(a, reader, 100, 512, START);
            reader.replica.acceptRealm(realm, a.id(), START);
            reader.replica.mapRealm(realm, "/bench/" + reader.name, START);
            int port = b.fresh(run);
            for (TestNode node : List.of(a, reader)) {
                RemoteState state = RemoteState.open(node.dir.resolve("lorehub.db"));
                states.add(state);
                drivers.add(new RemoteDriver(List.of(config(b.name(), rule)), ReplicaEvents.direct(node.replica), state,
                    Backoff.DEFAULT, (c, self) -> {
                        Remote r = b.open(node, port);
                        remotes.add(r);
                        return r;
                    }, scheduling(rule)));
            }
            long[] perHour = new long[hours];
            RandomGenerator random = SeededRandom.of(run);
            long now = START;
            long end = START + hours * HOUR;
            for (int guard = 0; guard < 1_000_000; guard++) {
                long next = Math.max(now, Math.min(drivers.get(0).nextDue(), drivers.get(1).nextDue()));
                if (next >= end) {
                    break;
                }
                now = next;
                for (int d = 0; d < drivers.size(); d++) {
                    for (RemoteDriver.Outcome o : drivers.get(d).runDue(now, random)) {
                        if (o.attempt().error().isPresent()) {
                            throw new IllegalStateException(b.name() + ": a round failed: " + o.attempt().error().get());
                        }
                        if (d == 1) {
                            perHour[(int) ((now - START) / HOUR)] += o.attempt().result().orElseThrow().cost().requests();
                        }
                    }
                    if (drivers.get(d).nextDue() <= now) {
                        throw new IllegalStateException(b.name() + ": still due right after running (the remotes thread would spin)");
                    }
                }
            }
            if (a.replica.events().count(realm) != reader.replica.events().count(realm)) {
                throw new IllegalStateException(b.name() + ": the devices did not converge");
            }
            return perHour;
        } finally {
            for (RemoteDriver d : drivers) {
                d.close();
            }
            for (RemoteState s : states) {
                s.close();
            }
            a.close();
            reader.close();
        }
    }

    /** Requests a device that shares no realm sends in a simulated day (nudged every ten minutes, as local writes would). */
    static long noRealm(RemoteBench.Backend b, Path dir, int run) throws Exception {
        TestNode alone = new TestNode("alone", dir, 3);
        List<Remote> remotes = new ArrayList<>();
        int port = b.fresh(run);
        try (RemoteState state = RemoteState.open(alone.dir.resolve("lorehub.db"));
             RemoteDriver driver = new RemoteDriver(List.of(config(b.name(), Rule.ADAPTIVE)), ReplicaEvents.direct(alone.replica),
                 state, Backoff.DEFAULT, (c, self) -> {
                     Remote r = b.open(alone, port);
                     remotes.add(r);
                     return r;
                 }, Schedule::of)) {
            RandomGenerator random = SeededRandom.of(run);
            long now = START;
            long nudge = START;
            for (int guard = 0; guard < 1_000_000 && now < START + 24 * HOUR; guard++) {
                now = Math.max(now, Math.min(driver.nextDue(), nudge));
                if (now >= nudge) {
                    driver.nudge();
                    nudge += HOUR / 6;
                }
                driver.runDue(now, random);
            }
            return remotes.stream().mapToLong(r -> r.metrics().snapshot().requests()).sum();
        } finally {
            alone.close();
        }
    }
}
