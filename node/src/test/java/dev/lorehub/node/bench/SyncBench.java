package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.runtime.ParallelEnvelopeVerifier;
import dev.lorehub.node.sync.SessionConfig;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.testing.TestNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sync engine in process (issue 6): two real node cores wired by an in-memory pipe, no
 * network. Initial sync of a realm of N lores next to the node core's ingest rate alone in the
 * same run; a no-change resync; one new lore. Round trips are counted in lock step: one flight of
 * everything the initiator has to send, then one flight back.
 *
 * <pre>.ci/bench node SyncBench [lores=100000] [contentBytes=512]</pre>
 */
public final class SyncBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int content = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        Path tmp = BenchSupport.tempDir("sync-bench");
        TestNode.verifier = ParallelEnvelopeVerifier.perCore(); // as the daemon runs
        long now = 1_764_000_000_000L;
        run(tmp.resolve("warmup"), 2_000, content, now, false);
        run(tmp.resolve("measure"), n, content, now, true);
        BenchSupport.delete(tmp);
    }

    /** Frames exchanged in lock step until both sides are quiet. */
    record Exchange(int rounds, long bytes, long frames, double seconds) {
    }

    static Exchange lockstep(SyncSession a, SyncSession b, long now) {
        int rounds = 0;
        long bytes = 0;
        long frames = 0;
        long t0 = System.nanoTime();
        for (int guard = 0; guard < 1_000_000; guard++) {
            List<byte[]> ab = drain(a);
            for (byte[] f : ab) {
                b.onFrame(f, now);
                bytes += f.length;
            }
            List<byte[]> ba = drain(b);
            for (byte[] f : ba) {
                a.onFrame(f, now);
                bytes += f.length;
            }
            if (ab.isEmpty() && ba.isEmpty()) {
                break;
            }
            frames += ab.size() + ba.size();
            if (!ab.isEmpty()) {
                rounds++;
            }
        }
        return new Exchange(rounds, bytes, frames, (System.nanoTime() - t0) / 1e9);
    }

    private static List<byte[]> drain(SyncSession s) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f = s.pollFrame(); f != null; f = s.pollFrame()) {
            out.add(f);
        }
        return out;
    }

    static SyncSession[] pair(TestNode a, TestNode b, long now) {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(now);
        sb.start(now);
        return new SyncSession[] {sa, sb};
    }

    static void run(Path tmp, int n, int content, long now, boolean print) throws Exception {
        TestNode a = new TestNode("a", tmp, 1);
        TestNode b = new TestNode("b", tmp, 2);
        RealmId realm = BenchSupport.sharedRealm(a, b, n, content, now);
        var events = BenchSupport.sealedEvents(a, realm);

        double ingestRate = IngestBench.ingest(tmp, b, realm, a, events, 0, now) * n / events.size();
        b.replica.acceptRealm(realm, a.id(), now); // since issue 11 a realm syncs only once the user joins it
        b.replica.mapRealm(realm, "/bench/b", now);

        SyncSession[] s = pair(a, b, now);
        Exchange initial = lockstep(s[0], s[1], now);
        if (b.replica.events().count(realm.toBytes()) != events.size()) {
            throw new IllegalStateException("initial sync incomplete");
        }
        double syncRate = n / initial.seconds();

        s = pair(a, b, now);
        Exchange resync = lockstep(s[0], s[1], now);

        String local = a.lh.queryString("SELECT id FROM realms");
        a.lh.addLore(local, "one more lore, written after the initial sync");
        a.replica.captureLocalChanges(now + 1000);
        s = pair(a, b, now + 2000);
        Exchange one = lockstep(s[0], s[1], now + 2000);
        if (!b.digestMatches(a)) {
            throw new IllegalStateException("not converged after one new lore");
        }
        if (print) {
            System.out.printf("BENCH sync.initial lores=%d content_bytes=%d lores_per_s=%.0f wire_bytes=%d bytes_per_lore=%.0f "
                    + "rounds=%d ingest_only_lores_per_s=%.0f ratio=%.2f%n", n, content, syncRate, initial.bytes(),
                (double) initial.bytes() / n, initial.rounds(), ingestRate, syncRate / ingestRate);
            System.out.printf("BENCH sync.resync_no_change lores=%d rounds=%d bytes=%d%n", n, resync.rounds(), resync.bytes());
            System.out.printf("BENCH sync.one_new_lore lores=%d rounds=%d bytes=%d%n", n, one.rounds(), one.bytes());
        }
        a.close();
        b.close();
    }
}
