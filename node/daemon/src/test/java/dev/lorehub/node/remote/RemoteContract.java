package dev.lorehub.node.remote;

import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every backend must do, on real servers: devices that never meet converge through the
 * remote, concurrent pushes lose nothing, an interrupted push is redone, a no-change round is
 * cheap, and tampered contents are refused with a typed reason, never turned into a wrong lore.
 * Each backend's test supplies a handle per device and ways to tamper with what the server holds.
 */
abstract class RemoteContract {

    // The event sizes here were chosen against flow-control windows and byte positions: keep the
    // bodies as plain as they were before issue 17 compressed them.
    @org.junit.jupiter.api.BeforeAll
    static void plainBodies() {
        dev.lorehub.node.testing.TestNode.wire = dev.lorehub.node.core.EventCodec.Options.PLAIN;
    }

    @org.junit.jupiter.api.AfterAll
    static void compactBodiesAgain() {
        dev.lorehub.node.testing.TestNode.wire = dev.lorehub.node.core.EventCodec.Options.DEFAULT;
    }
    @TempDir
    Path tmp;

    /** A new handle on the remote under test for a device (its own connection, local copy ...). */
    abstract Remote open(TestNode node);

    /** How a test alters what the server holds for the first device's units of the realm. */
    enum Tamper { FLIP_BYTE, DELETE_FIRST, REPLAY_FIRST }

    /** Alters the server's copy of the first device's oldest unit(s) of the realm. */
    abstract void tamper(Devices d, Tamper how) throws Exception;

    /** The reason a reader must give for each tampering. */
    Reason expected(Tamper how) {
        return switch (how) {
            case FLIP_BYTE -> Reason.CORRUPT;
            case DELETE_FIRST -> Reason.MISSING;
            case REPLAY_FIRST -> Reason.REPLAYED;
        };
    }

    Devices devices(int count, int lores) throws Exception {
        return new Devices(tmp, count, lores).connect(this::open);
    }

    @Test
    void twoDevicesThatNeverMeetConvergeThroughTheRemote() throws Exception {
        try (Devices d = devices(2, 30)) {
            RoundResult first = d.round(0);
            assertThat(first.pushedEvents()).isEqualTo((int) d.events(0));
            assertThat(first.tampering()).isEmpty();
            RoundResult second = d.round(1);
            assertThat(second.stored()).isEqualTo((int) d.events(0));
            assertThat(d.lores(1)).isEqualTo("30");

            String bRealm = d.node(1).lh.queryString("SELECT id FROM realms");
            d.node(1).lh.addLore(bRealm, "written on the second device only");
            d.round(1);
            d.round(0);
            assertThat(d.node(0).lh.queryString("SELECT count(*) FROM lores WHERE content = ?",
                "written on the second device only")).isEqualTo("1");
            assertThat(d.node(1).digest()).isEqualTo(d.node(0).digest());
        }
    }

    @Test
    void concurrentPushesFromTwoDevicesLoseNothing() throws Exception {
        try (Devices d = devices(2, 5)) {
            d.settle();
            String[] local = {d.node(0).lh.queryString("SELECT id FROM realms"), d.node(1).lh.queryString("SELECT id FROM realms")};
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 2; k++) {
                    for (int j = 0; j < 40; j++) {
                        d.node(k).lh.addLore(local[k], "device " + k + " burst " + i + " lore " + j);
                    }
                    d.node(k).replica.captureLocalChanges(d.tick());
                }
                long at = d.tick();
                // Both push at the same moment, each on its own thread and its own handle.
                CompletableFuture<RoundResult> a = CompletableFuture.supplyAsync(() -> d.syncs.get(0).round(at));
                CompletableFuture<RoundResult> b = CompletableFuture.supplyAsync(() -> d.syncs.get(1).round(at));
                assertThat(a.get(120, TimeUnit.SECONDS).pushedEvents()).isPositive();
                assertThat(b.get(120, TimeUnit.SECONDS).pushedEvents()).isPositive();
            }
            d.settle();
            assertThat(d.lores(0)).isEqualTo(d.lores(1)).isEqualTo(String.valueOf(5 + 3 * 2 * 40));
            assertThat(d.node(1).digest()).isEqualTo(d.node(0).digest());
        }
    }

    @Test
    void anInterruptedPushIsRedoneWithTheSameBytesAfterARestart() throws Exception {
        try (Devices d = devices(2, 20)) {
            FlakyRemote flaky = new FlakyRemote(d.remotes.get(0));
            RemoteSync sync = new RemoteSync(flaky, ReplicaEvents.direct(d.node(0).replica), d.states.get(0), 30_000,
                Backoff.DEFAULT);
            // The remote takes the upload but the reply is lost: the segment stays queued.
            flaky.fail = FlakyRemote.Fail.AFTER_PUSH;
            RemoteSync.Attempt failed = sync.attempt(d.tick(), SeededRandom.of(1));
            assertThat(failed.error()).isPresent();
            assertThat(d.states.get(0).outboxSize(flaky.name())).isEqualTo(1);
            // The device is down before it even uploads, and restarts: the queue survives.
            flaky.fail = FlakyRemote.Fail.BEFORE_PUSH;
            assertThat(sync.attempt(d.tick(), SeededRandom.of(2)).error()).isPresent();
            assertThat(d.states.get(0).status(flaky.name()).failures()).isEqualTo(2);
            d.states.get(0).close();
            RemoteState reopened = RemoteState.open(d.node(0).dir.resolve("lorehub.db"));
            d.states.set(0, reopened);
            assertThat(reopened.outboxSize(flaky.name())).isEqualTo(1);
            RemoteSync restarted = new RemoteSync(flaky, ReplicaEvents.direct(d.node(0).replica), reopened, 30_000,
                Backoff.DEFAULT);
            RemoteSync.Attempt ok = restarted.attempt(d.tick(), SeededRandom.of(3));
            assertThat(ok.error()).isEmpty();
            assertThat(ok.result().orElseThrow().pushedUnits()).isEqualTo(1);
            assertThat(reopened.outboxSize(flaky.name())).isZero();
            assertThat(reopened.status(flaky.name()).failures()).isZero();

            RoundResult b = d.round(1);
            assertThat(b.tampering()).isEmpty();
            assertThat(d.events(1)).isEqualTo(d.events(0));
            assertThat(d.node(1).digest()).isEqualTo(d.node(0).digest());
        }
    }

    @Test
    void aRoundWithNothingNewIsCheapAndMovesNothing() throws Exception {
        try (Devices d = devices(2, 10)) {
            d.settle();
            RoundResult idle = d.round(1);
            assertThat(idle.idle()).isTrue();
            assertThat(idle.cost().requests()).isLessThanOrEqualTo(maxIdleRequests());
            assertThat(idle.cost().bytesUp()).isZero();
        }
    }

    /** Requests a no-change round may cost (one, except where the store lists per writer). */
    long maxIdleRequests() {
        return 1;
    }

    @Test
    void aFlippedByteIsRefusedNeverIngested() throws Exception {
        tamperedContentIsRefused(Tamper.FLIP_BYTE);
    }

    @Test
    void aDeletedUnitIsRefusedNeverSkipped() throws Exception {
        tamperedContentIsRefused(Tamper.DELETE_FIRST);
    }

    @Test
    void aReplayedUnitIsRefused() throws Exception {
        tamperedContentIsRefused(Tamper.REPLAY_FIRST);
    }

    void tamperedContentIsRefused(Tamper how) throws Exception {
        try (Devices d = devices(2, 30)) {
            d.round(0);
            String aRealm = d.localRealmOfFirst;
            d.node(0).lh.addLore(aRealm, "a second unit");
            d.round(0);
            tamper(d, how);
            RoundResult r = d.round(1);
            assertThat(r.tampering()).isNotEmpty();
            assertThat(r.tampering()).extracting(RemoteIntegrityException::reason).contains(expected(how));
            assertThat(r.tampering().get(0).getMessage()).contains("refused");
            // Whatever was taken is exactly what the first device wrote: no altered lore anywhere.
            assertThat(contents(d.node(0))).containsAll(contents(d.node(1)));
            // The refused place is read again next time (the position did not move past it).
            RoundResult again = d.round(1);
            assertThat(again.tampering()).extracting(RemoteIntegrityException::reason).contains(expected(how));
        }
    }

    static Set<String> contents(TestNode n) throws Exception {
        Set<String> out = new HashSet<>();
        try (Statement s = n.lh.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT content FROM lores")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The first device's segments in the realm, in order (for tampering with segment stores). */
    static List<Segment.Name> firstDeviceSegments(SegmentStore store, Devices d) {
        return store.list(d.realm, d.node(0).id(), 0, Integer.MAX_VALUE);
    }
}
