package dev.lorehub.node.remote;

import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adaptive scheduling of remote rounds (issue 17) over simulated days: real node cores (real SQLite
 * files) and the real {@link RemoteDriver}, {@link RemoteSync} and {@link RemoteState}, with remotes
 * over an in-memory bucket that counts requests like S3, and a clock the test moves. The drivers
 * are run as the daemon's remotes thread runs them: woken when {@link RemoteDriver#nextDue} says,
 * nudged when the device writes.
 */
class AdaptiveSchedulingTest {
    static final long SECOND = 1_000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    @TempDir
    Path tmp;

    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A round one driver ran, when. */
    record Round(int device, long at, RemoteDriver.Outcome outcome) {
        String remote() {
            return outcome.remote();
        }

        RoundResult result() {
            return outcome.attempt().result().orElseThrow(() -> new AssertionError("round failed: " + outcome.attempt().error()));
        }
    }

    /** Buckets by remote name, shared by every device. */
    final Map<String, MemorySegmentStore.Bucket> buckets = new HashMap<>();
    final Map<String, List<MemorySegmentStore>> stores = new HashMap<>();

    MemorySegmentStore.Bucket bucket(String remote) {
        return buckets.computeIfAbsent(remote, r -> new MemorySegmentStore.Bucket());
    }

    /** Requests sent to a remote so far, by every device. */
    long requests(String remote) {
        return stores.getOrDefault(remote, List.of()).stream().mapToLong(s -> s.metrics().snapshot().requests()).sum();
    }

    /** The daemon's driver for a device, with remotes over memory buckets. */
    RemoteDriver driver(TestNode node, List<BackendConfig> backends, Function<BackendConfig, Schedule> scheduling) {
        RemoteState state = RemoteState.open(node.dir.resolve("lorehub.db"));
        RemoteDriver d = new RemoteDriver(backends, ReplicaEvents.direct(node.replica), state, Backoff.DEFAULT, (b, self) -> {
            MemorySegmentStore s = new MemorySegmentStore(bucket(b.name()));
            stores.computeIfAbsent(b.name(), n -> new ArrayList<>()).add(s);
            return new SegmentRemote(b.name(), s);
        }, scheduling);
        closing.add(state);
        closing.add(d);
        return d;
    }

    static BackendConfig remote(String name, boolean metered) {
        return new BackendConfig.Git(name, "file:///unused", "lorehub-sync", null, 60, metered);
    }

    /** Drivers of several devices on one simulated clock. */
    static final class Sim {
        final List<RemoteDriver> drivers = new ArrayList<>();
        final List<Round> rounds = new ArrayList<>();
        final RandomGenerator random = SeededRandom.of(17);
        long now;
        long wakeups;

        Sim(long start, RemoteDriver... drivers) {
            this.now = start;
            this.drivers.addAll(List.of(drivers));
        }

        /** Wakes every driver when one is due, until {@code until}. */
        void runUntil(long until) {
            for (int guard = 0; guard < 1_000_000; guard++) {
                long next = Long.MAX_VALUE;
                for (RemoteDriver d : drivers) {
                    next = Math.min(next, d.nextDue());
                }
                next = Math.max(now, next);
                if (next > until) {
                    now = until;
                    return;
                }
                now = next;
                wakeups++;
                for (int i = 0; i < drivers.size(); i++) {
                    for (RemoteDriver.Outcome o : drivers.get(i).runDue(now, random)) {
                        rounds.add(new Round(i, now, o));
                    }
                }
                for (RemoteDriver d : drivers) {
                    // Still due right after running: the daemon's remotes thread would spin.
                    assertThat(d.nextDue()).as("next due after a wake-up at %d", now).isGreaterThan(now);
                }
            }
            throw new AssertionError("more than a million wake-ups");
        }

        List<Round> of(int device, String remote, long from, long to) {
            return rounds.stream().filter(r -> r.device() == device && r.remote().equals(remote) && r.at() >= from && r.at() < to)
                .toList();
        }

        static List<Long> gaps(List<Round> rounds) {
            List<Long> out = new ArrayList<>();
            for (int i = 1; i < rounds.size(); i++) {
                out.add(rounds.get(i).at() - rounds.get(i - 1).at());
            }
            return out;
        }

        static long requests(List<Round> rounds) {
            return rounds.stream().mapToLong(r -> r.result().cost().requests()).sum();
        }
    }

    @Test
    void aDeviceThatSharesNoRealmSendsNoRequestAllDayUntilARealmIsShared() throws Exception {
        TestNode node = new TestNode("alone", tmp, 1);
        closing.add(node);
        RemoteDriver d = driver(node, List.of(remote("plain", false), remote("metered", true), remote("other", false)),
            Schedule::of);
        long start = 1_764_000_000_000L;
        Sim sim = new Sim(start, d);
        // A day, with lh writing in a realm it does not share (the daemon nudges on every local change).
        for (long t = start; t < start + DAY; t += 10 * MINUTE) {
            sim.runUntil(t);
            d.nudge();
        }
        sim.runUntil(start + DAY);
        assertThat(sim.rounds).isEmpty();
        for (String r : List.of("plain", "metered", "other")) {
            assertThat(requests(r)).as(r).isZero();
            assertThat(bucket(r).opened.get()).as("nothing even connects to %s", r).isZero();
        }
        // Sharing a realm is noticed without any nudge, within the realm check, and every remote gets it.
        String local = node.lh.addRealm("api", "/home/ann/api");
        node.lh.addLore(local, "the first shared lore");
        node.replica.captureLocalChanges(sim.now);
        node.replica.shareRealm(local, sim.now);
        long shared = sim.now;
        sim.runUntil(shared + RemoteDriver.REALM_CHECK_MILLIS);
        for (String r : List.of("plain", "metered", "other")) {
            List<Round> rounds = sim.of(0, r, shared, Long.MAX_VALUE);
            assertThat(rounds).as(r).hasSize(1);
            assertThat(rounds.get(0).result().pushedEvents()).isPositive();
            assertThat(rounds.get(0).at() - shared).isLessThanOrEqualTo(RemoteDriver.REALM_CHECK_MILLIS);
        }
    }

    @Test
    void aNudgeAfterSharingARealmStartsARoundAtOnce() throws Exception {
        TestNode node = new TestNode("alone", tmp, 1);
        closing.add(node);
        RemoteDriver d = driver(node, List.of(remote("plain", false)), Schedule::of);
        Sim sim = new Sim(1_764_000_000_000L, d);
        sim.runUntil(sim.now + HOUR);
        String local = node.lh.addRealm("api", "/home/ann/api");
        node.lh.addLore(local, "shared at once");
        node.replica.captureLocalChanges(sim.now);
        node.replica.shareRealm(local, sim.now);
        d.nudge();
        List<RemoteDriver.Outcome> now = d.runDue(sim.now, sim.random);
        assertThat(now).hasSize(1);
        assertThat(now.get(0).attempt().result().orElseThrow().pushedEvents()).isPositive();
    }

    @Test
    void anIdleSharedRealmFallsToTheCapWhileTheFixedRuleKeepsPolling() throws Exception {
        try (Devices devices = new Devices(tmp, 2, 5)) {
            List<BackendConfig> adaptiveRemote = List.of(remote("adaptive", false));
            List<BackendConfig> fixedRemote = List.of(remote("fixed", false));
            long start = devices.now + SECOND;
            Sim adaptiveSim = new Sim(start, driver(devices.node(0), adaptiveRemote, Schedule::of),
                driver(devices.node(1), adaptiveRemote, Schedule::of));
            adaptiveSim.runUntil(start + DAY);
            assertThat(devices.lores(1)).isEqualTo("5");
            // The rule before issue 17, on another remote, over two hours (it would be the same every hour).
            Sim fixedSim = new Sim(start, driver(devices.node(0), fixedRemote, b -> Schedule.fixed(60_000)),
                driver(devices.node(1), fixedRemote, b -> Schedule.fixed(60_000)));
            fixedSim.runUntil(start + 2 * HOUR);

            List<Round> fixed = fixedSim.of(1, "fixed", start + HOUR, start + 2 * HOUR);
            List<Round> adaptive = adaptiveSim.of(1, "adaptive", start + 23 * HOUR, start + DAY);
            assertThat(fixed).hasSize(60);
            // A round sees two writers: one listing of the realm, one of the other device's segments.
            assertThat(Sim.requests(fixed)).isEqualTo(120);
            assertThat(adaptive).hasSizeBetween(7, 9);
            assertThat(Sim.requests(adaptive)).isLessThanOrEqualTo(18);
            // At the cap: 8 intervals, less up to a tenth of jitter.
            List<Long> late = Sim.gaps(adaptiveSim.of(1, "adaptive", start + 2 * HOUR, start + DAY));
            assertThat(late).isNotEmpty().allSatisfy(g -> assertThat(g).isBetween(432 * SECOND, 480 * SECOND));
            // Every hour after the first stays at the cap, for both devices.
            for (int device = 0; device < 2; device++) {
                for (int h = 1; h < 24; h++) {
                    assertThat(adaptiveSim.of(device, "adaptive", start + h * HOUR, start + (h + 1) * HOUR))
                        .hasSizeLessThanOrEqualTo(9);
                }
            }
        }
    }

    @Test
    void aBurstOfEditsBringsTheGapDownAndThenItGrowsAgain() throws Exception {
        try (Devices devices = new Devices(tmp, 2, 5)) {
            List<BackendConfig> backends = List.of(remote("hub", false));
            RemoteDriver writer = driver(devices.node(0), backends, Schedule::of);
            RemoteDriver reader = driver(devices.node(1), backends, Schedule::of);
            Sim sim = new Sim(devices.now + SECOND, writer, reader);
            long start = sim.now;
            sim.runUntil(start + 3 * HOUR);
            List<Long> before = Sim.gaps(sim.of(1, "hub", start + HOUR, start + 3 * HOUR));
            assertThat(before).isNotEmpty().allSatisfy(g -> assertThat(g).isGreaterThanOrEqualTo(432 * SECOND));

            // Twenty minutes of edits on the first device, one every 30 s; the daemon nudges on each.
            String local = devices.node(0).lh.queryString("SELECT id FROM realms");
            long burst = sim.now;
            List<Long> edits = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                devices.node(0).lh.addLore(local, "burst lore " + i);
                devices.node(0).replica.captureLocalChanges(sim.now);
                edits.add(sim.now);
                writer.nudge();
                sim.runUntil(sim.now + 30 * SECOND);
            }
            long burstEnd = sim.now;
            sim.runUntil(burstEnd + 3 * HOUR);
            assertThat(devices.lores(1)).isEqualTo("45");

            // The writer pushed each edit the moment it was made.
            List<Long> pushes = sim.of(0, "hub", burst, burstEnd).stream().filter(r -> r.result().pushedEvents() > 0)
                .map(Round::at).toList();
            assertThat(pushes).containsExactlyElementsOf(edits);

            // The reader, once it saw the first edit, polled at least every interval and often every I/4.
            List<Round> reading = sim.of(1, "hub", burst, burstEnd);
            int firstPull = 0;
            while (reading.get(firstPull).result().pulledEvents() == 0) {
                firstPull++;
            }
            assertThat(reading.get(firstPull).at() - burst).isLessThanOrEqualTo(480 * SECOND);
            List<Long> during = Sim.gaps(reading.subList(firstPull, reading.size()));
            assertThat(during).hasSizeGreaterThan(10).allSatisfy(g -> assertThat(g).isLessThanOrEqualTo(60 * SECOND));
            assertThat(during).anySatisfy(g -> assertThat(g).isBetween(13_500L, 15_000L));

            // After the burst the gaps grow back: I, I, I, 2I, 4I, then 8I (each less up to a tenth).
            List<Round> after = sim.of(1, "hub", burst, Long.MAX_VALUE);
            int lastActive = 0;
            for (int i = 0; i < after.size(); i++) {
                if (!after.get(i).result().idle()) {
                    lastActive = i;
                }
            }
            List<Long> growing = Sim.gaps(after.subList(lastActive, after.size()));
            long[] nominal = {15, 60, 60, 60, 120, 240, 480, 480, 480};
            assertThat(growing.size()).isGreaterThan(nominal.length);
            for (int i = 0; i < nominal.length; i++) {
                long g = nominal[i] * SECOND;
                assertThat(growing.get(i)).as("gap %d after the burst", i).isBetween(g - g / 10, g);
            }
        }
    }

    @Test
    void backoffAfterFailuresIsNotShortenedByNudgesNotificationsOrNewRealms() throws Exception {
        try (Devices devices = new Devices(tmp, 1, 3)) {
            RemoteDriver d = driver(devices.node(0), List.of(remote("hub", false)), Schedule::of);
            bucket("hub").down = true;
            var random = SeededRandom.of(5);
            long start = devices.now + SECOND;
            List<Long> at = new ArrayList<>();
            List<RemoteDriver.Outcome> outcomes = new ArrayList<>();
            // Ten simulated minutes in steps of a second, nudged at every step (a device writing all the time).
            for (long t = start; t < start + 10 * MINUTE; t += SECOND) {
                if (t == start + 3 * MINUTE) {
                    String other = devices.node(0).lh.addRealm("web", "/home/ann/web");
                    devices.node(0).lh.addLore(other, "a second realm while the remote is down");
                    devices.node(0).replica.captureLocalChanges(t);
                    devices.node(0).replica.shareRealm(other, t);
                }
                d.nudge();
                for (RemoteDriver.Outcome o : d.runDue(t, random)) {
                    at.add(t);
                    outcomes.add(o);
                }
                assertThat(d.nextDue()).isGreaterThan(t);
            }
            assertThat(outcomes).allSatisfy(o -> assertThat(o.attempt().error()).isPresent());
            assertThat(outcomes).hasSizeBetween(6, 10); // 2, 4, 8 ... 256 s: not 600 attempts
            assertThat(requests("hub")).isEqualTo(outcomes.size()); // each failed at its first request
            for (int i = 0; i < outcomes.size(); i++) {
                long full = Math.min(Backoff.DEFAULT.maxMillis(), Backoff.DEFAULT.baseMillis() << i);
                long delay = outcomes.get(i).attempt().nextAttemptAt() - at.get(i);
                assertThat(delay).as("backoff after failure %d", i + 1).isBetween(full / 2, full);
                if (i > 0) {
                    // Not one second before the backoff said (the steps are a second apart).
                    long retry = outcomes.get(i - 1).attempt().nextAttemptAt();
                    assertThat(at.get(i)).isBetween(retry, retry + SECOND - 1);
                }
            }
            // Back up: the first attempt after the backoff succeeds, and the schedule takes over again.
            bucket("hub").down = false;
            long retry = outcomes.get(outcomes.size() - 1).attempt().nextAttemptAt();
            assertThat(d.runDue(retry - 1, random)).isEmpty();
            List<RemoteDriver.Outcome> ok = d.runDue(retry, random);
            assertThat(ok).hasSize(1);
            assertThat(ok.get(0).attempt().result().orElseThrow().pushedEvents()).isPositive();
            assertThat(ok.get(0).attempt().nextAttemptAt() - retry).isBetween(13_500L, 15_000L);
        }
    }

    @Test
    void aMeteredRemoteMakesFewerRequestsAndPacksABurstIntoFewerSegments() throws Exception {
        try (Devices devices = new Devices(tmp, 2, 5)) {
            List<BackendConfig> backends = List.of(remote("plain", false), remote("metered", true));
            Sim sim = new Sim(devices.now + SECOND, driver(devices.node(0), backends, Schedule::of),
                driver(devices.node(1), backends, Schedule::of));
            long start = sim.now;
            sim.runUntil(start + HOUR);
            Map<String, Integer> segmentsBefore = Map.of("plain", bucket("plain").objects.size(), "metered",
                bucket("metered").objects.size());
            // An hour of edits on the first device, one every 30 s, each nudging its remotes.
            String local = devices.node(0).lh.queryString("SELECT id FROM realms");
            long burst = sim.now;
            for (int i = 0; i < 120; i++) {
                devices.node(0).lh.addLore(local, "edit " + i);
                devices.node(0).replica.captureLocalChanges(sim.now);
                sim.drivers.get(0).nudge();
                sim.runUntil(sim.now + 30 * SECOND);
            }
            long burstEnd = sim.now;
            sim.runUntil(start + DAY);
            assertThat(devices.lores(1)).isEqualTo("125");

            int plainSegments = bucket("plain").objects.size() - segmentsBefore.get("plain");
            int meteredSegments = bucket("metered").objects.size() - segmentsBefore.get("metered");
            assertThat(plainSegments).isEqualTo(120); // one per edit
            assertThat(meteredSegments).isBetween(55, 70); // an edit every 30 s, a push at most every interval
            // On the metered link local changes wait for the interval: no two rounds closer than 54 s.
            assertThat(Sim.gaps(sim.of(0, "metered", burst, burstEnd))).allSatisfy(g -> assertThat(g).isGreaterThanOrEqualTo(54 * SECOND));
            long plain = requests("plain");
            long metered = requests("metered");
            assertThat(metered).as("metered %d vs plain %d requests", metered, plain).isLessThan(plain * 6 / 10);
            // Idle, a metered remote is polled every 28.8-32 minutes: at most 3 rounds an hour.
            for (int h = 4; h < 24; h++) {
                assertThat(sim.of(1, "metered", start + h * HOUR, start + (h + 1) * HOUR)).hasSizeLessThanOrEqualTo(3);
            }
        }
    }
}
