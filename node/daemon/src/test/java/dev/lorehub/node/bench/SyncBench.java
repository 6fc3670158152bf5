package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventCodec;
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
 * <p>Issue 17: every case runs twice in the same run, with bodies written as before
 * ({@code wire=plain}: full values, uncompressed, plain event frames) and compact ({@code wire=compact}:
 * compressed with the lore dictionary, long texts as deltas, realm and author sent once per frame),
 * and the compact figures are printed as ratios of the plain ones. Lore text is real-looking English ({@link LoreText}). A last case edits one word of a
 * 64 KiB lore and counts what its sync puts on the wire.
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
        for (EventCodec.Options wire : List.of(EventCodec.Options.PLAIN, EventCodec.Options.DEFAULT)) {
            TestNode.wire = wire;
            run(tmp.resolve("warmup-" + name(wire)), 2_000, content, now, null);
        }
        Result[] results = new Result[2];
        int k = 0;
        for (EventCodec.Options wire : List.of(EventCodec.Options.PLAIN, EventCodec.Options.DEFAULT)) {
            TestNode.wire = wire;
            results[k++] = run(tmp.resolve("measure-" + name(wire)), n, content, now, name(wire));
        }
        Result plain = results[0];
        Result compact = results[1];
        System.out.printf("BENCH sync.wire_compact_vs_plain lores=%d content_bytes=%d plain_bytes_per_lore=%.0f "
                + "compact_bytes_per_lore=%.0f ratio=%.3f ratio_to_883=%.3f sync_rate_ratio=%.2f ingest_rate_ratio=%.2f%n", n,
            content, plain.bytesPerLore, compact.bytesPerLore, compact.bytesPerLore / plain.bytesPerLore,
            compact.bytesPerLore / 883, compact.syncRate / plain.syncRate, compact.ingestRate / plain.ingestRate);
        long[] edit = new long[2];
        k = 0;
        for (EventCodec.Options wire : List.of(EventCodec.Options.PLAIN, EventCodec.Options.DEFAULT)) {
            TestNode.wire = wire;
            edit[k++] = editOfLongLore(tmp.resolve("edit-" + name(wire)), now, name(wire));
        }
        System.out.printf("BENCH sync.edit_one_word_64k_ratio plain_bytes=%d compact_bytes=%d ratio=%.4f%n", edit[0], edit[1],
            (double) edit[1] / edit[0]);
        TestNode.wire = EventCodec.Options.DEFAULT;
        BenchSupport.delete(tmp);
    }

    private static String name(EventCodec.Options wire) {
        return wire.compress() ? "compact" : "plain";
    }

    /** What one run measured. */
    record Result(double bytesPerLore, double syncRate, double ingestRate) {
    }

    /**
     * A 64 KiB lore synced to a second device, then one word of it edited and synced: prints the
     * sealed size of the edit and the bytes its sync exchanged; returns the latter.
     */
    static long editOfLongLore(Path tmp, long now, String wire) throws Exception {
        TestNode a = new TestNode("a", tmp, 1);
        TestNode b = new TestNode("b", tmp, 2);
        RealmId realm = BenchSupport.sharedRealm(a, b, 10, 512, now);
        b.replica.acceptRealm(realm, a.id(), now);
        b.replica.mapRealm(realm, "/bench/b", now);
        String local = a.lh.queryString("SELECT id FROM realms");
        String text = LoreText.of(new java.util.Random(64), 64 * 1024);
        String lore = a.lh.addLore(local, text);
        a.replica.captureLocalChanges(now + 1000);
        SyncSession[] s = pair(a, b, now + 2000);
        lockstep(s[0], s[1], now + 2000);
        int at = text.indexOf(' ', text.length() / 2);
        a.lh.updateLoreContent(lore, text.substring(0, at + 1) + "Tuesday" + text.substring(text.indexOf(' ', at + 1)));
        var written = a.replica.captureLocalChanges(now + 3000);
        int sealed = a.replica.events().sealed(written.get(0).id()).orElseThrow().length;
        s = pair(a, b, now + 4000);
        Exchange edit = lockstep(s[0], s[1], now + 4000);
        String there = b.lh.queryString("SELECT content FROM lores WHERE id = ?", lore);
        if (!there.equals(a.lh.queryString("SELECT content FROM lores WHERE id = ?", lore))) {
            throw new IllegalStateException("the edit did not arrive intact");
        }
        System.out.printf("BENCH sync.edit_one_word_64k wire=%s lore_bytes=%d event_bytes=%d wire_bytes=%d rounds=%d%n", wire,
            text.length(), sealed, edit.bytes(), edit.rounds());
        a.close();
        b.close();
        return edit.bytes();
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
        // wire=plain is the feature off entirely: plain bodies and plain event frames
        SessionConfig config = SessionConfig.defaults().withCompactEvents(TestNode.wire.compress());
        SyncSession sa = new SyncSession(a.store, config, true, b.id());
        SyncSession sb = new SyncSession(b.store, config, false, a.id());
        sa.start(now);
        sb.start(now);
        return new SyncSession[] {sa, sb};
    }

    static Result run(Path tmp, int n, int content, long now, String wire) throws Exception {
        boolean print = wire != null;
        TestNode a = new TestNode("a", tmp, 1);
        TestNode b = new TestNode("b", tmp, 2);
        RealmId realm = BenchSupport.sharedRealm(a, b, n, content, now);
        var events = BenchSupport.sealedEvents(a, realm);

        double ingestRate = IngestBench.ingest(tmp, b, realm, a, events, 0, now) * n / events.size();
        b.replica.acceptRealm(realm, a.id(), now); // since issue 11 a realm syncs only once the user joins it
        b.replica.mapRealm(realm, "/bench/b", now);

        SyncSession[] s = pair(a, b, now);
        Exchange initial = lockstep(s[0], s[1], now);
        if (b.replica.events().count(realm) != events.size()) {
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
            System.out.printf("BENCH sync.initial wire=%s lores=%d content_bytes=%d lores_per_s=%.0f wire_bytes=%d "
                    + "bytes_per_lore=%.0f rounds=%d ingest_only_lores_per_s=%.0f ratio=%.2f%n", wire, n, content, syncRate,
                initial.bytes(), (double) initial.bytes() / n, initial.rounds(), ingestRate, syncRate / ingestRate);
            System.out.printf("BENCH sync.resync_no_change wire=%s lores=%d rounds=%d bytes=%d%n", wire, n, resync.rounds(),
                resync.bytes());
            System.out.printf("BENCH sync.one_new_lore wire=%s lores=%d rounds=%d bytes=%d%n", wire, n, one.rounds(), one.bytes());
        }
        a.close();
        b.close();
        return new Result((double) initial.bytes() / n, syncRate, ingestRate);
    }
}
