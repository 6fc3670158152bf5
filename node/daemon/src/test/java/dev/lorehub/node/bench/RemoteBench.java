package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.remote.Backoff;
import dev.lorehub.node.remote.CuttingProxy;
import dev.lorehub.node.remote.GitSegmentStore;
import dev.lorehub.node.remote.Loopback;
import dev.lorehub.node.remote.PostgresRemote;
import dev.lorehub.node.remote.PostgresServer;
import dev.lorehub.node.remote.Remote;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.remote.RemoteSync;
import dev.lorehub.node.remote.ReplicaEvents;
import dev.lorehub.node.remote.RoundResult;
import dev.lorehub.node.remote.S3Server;
import dev.lorehub.node.remote.SegmentRemote;
import dev.lorehub.node.runtime.ParallelEnvelopeVerifier;
import dev.lorehub.node.sync.SyncSession;
import dev.lorehub.node.testing.TestNode;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.CredentialsProvider;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sync through each remote backend on loopback (issue 16), next to direct in-process P2P sync in
 * the same run: initial sync of N lores from one device to another through the remote (push, then
 * pull and ingest), the cost of a round when nothing changed (requests, and bytes on the wire
 * counted by a relay in front of the server), and the time from a write on one device to the row
 * on the other (push then pull; for PostgreSQL, pull started by its notification). Servers are real
 * and on 127.0.0.1: git daemon, S3Proxy, PostgreSQL from the machine's binaries (a backend whose
 * server is missing is reported as skipped).
 *
 * <pre>.ci/bench node RemoteBench [lores=10000] [contentBytes=512]</pre>
 */
public final class RemoteBench {
    static final int REPS = 3;

    /** One backend under test: a fresh remote location per run, reached through a counting relay. */
    interface Backend extends AutoCloseable {
        String name();

        /** Prepares an empty remote for run {@code run}; returns the server port to relay to. */
        int fresh(int run) throws Exception;

        Remote open(TestNode node, int relayPort);

        /** How a device learns of news: polling every interval, or the server's notification. */
        default boolean notifies() {
            return false;
        }

        @Override
        default void close() throws Exception {
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int content = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        Path tmp = BenchSupport.tempDir("remote-bench");
        TestNode.verifier = ParallelEnvelopeVerifier.perCore(); // as the daemon runs
        List<Backend> backends = new ArrayList<>();
        try {
            if (Loopback.onPath("git")) {
                backends.add(git(tmp.resolve("git")));
            } else {
                System.out.println("BENCH remote.skipped backend=git reason=git_not_installed");
            }
            backends.add(s3());
            if (PostgresServer.unavailable() == null) {
                backends.add(postgres());
            } else {
                System.out.println("BENCH remote.skipped backend=postgres reason=postgresql_not_installed");
            }
            int run = 0;
            for (Backend b : backends) {
                measure(b, tmp.resolve("warmup-" + b.name()), Math.min(n, 1_000), content, run++, false);
            }
            for (Backend b : backends) {
                List<Figures> figures = new ArrayList<>();
                for (int r = 0; r < REPS; r++) {
                    figures.add(measure(b, tmp.resolve(b.name() + "-" + r), n, content, run++, true));
                }
                report(b, n, content, figures);
            }
        } finally {
            for (Backend b : backends) {
                b.close();
            }
            BenchSupport.delete(tmp);
        }
    }

    record Figures(double remoteSeconds, double pushSeconds, double pullSeconds, long upBytes, long downBytes, long requests,
                   double p2pSeconds, long idleRequests, long idleBytes, double propagationMs, double notifyMs) {
    }

    static Figures measure(Backend b, Path tmp, int n, int content, int run, boolean print) throws Exception {
        long now = 1_764_000_000_000L;
        TestNode a = new TestNode("a", tmp, 1);
        TestNode bb = new TestNode("b", tmp, 2);
        TestNode c = new TestNode("c", tmp, 3);
        RealmId realm = BenchSupport.sharedRealm(a, bb, n, content, now);
        a.replica.addMember(realm, c.replica.publicKeys(), Role.WRITE, now);
        // Both receivers map the realm, so both write the lores into lh's tables (like for like).
        for (TestNode receiver : List.of(bb, c)) {
            receiver.replica.acceptRealm(realm, a.id(), now);
            receiver.replica.mapRealm(realm, "/bench/" + receiver.name, now);
        }
        int port = b.fresh(run);
        try (CuttingProxy relayA = new CuttingProxy(port); CuttingProxy relayB = new CuttingProxy(port);
             RemoteState sa = RemoteState.open(a.dir.resolve("lorehub.db")); RemoteState sb = RemoteState.open(bb.dir.resolve("lorehub.db"))) {
            Remote ra = b.open(a, relayA.port());
            Remote rb = b.open(bb, relayB.port());
            RemoteSync syncA = new RemoteSync(ra, ReplicaEvents.direct(a.replica), sa, 60_000, Backoff.DEFAULT);
            RemoteSync syncB = new RemoteSync(rb, ReplicaEvents.direct(bb.replica), sb, 60_000, Backoff.DEFAULT);

            long t0 = System.nanoTime();
            RoundResult pushed = syncA.round(now);
            long t1 = System.nanoTime();
            RoundResult pulled = syncB.round(now);
            long t2 = System.nanoTime();
            long events = a.replica.events().count(realm);
            if (bb.replica.events().count(realm) != events || !pulled.tampering().isEmpty()) {
                throw new IllegalStateException(b.name() + ": initial sync incomplete: " + pushed + " / " + pulled);
            }
            long up = relayA.up.get() + relayB.up.get();
            long down = relayA.down.get() + relayB.down.get();
            long requests = pushed.cost().requests() + pulled.cost().requests();

            // Direct P2P into a third device, in process, same data.
            SyncSession[] s = SyncBench.pair(a, c, now);
            SyncBench.Exchange p2p = SyncBench.lockstep(s[0], s[1], now);

            // A round with nothing new, on the reader's side.
            syncA.round(now);
            syncB.round(now);
            List<Double> idleReq = new ArrayList<>();
            List<Double> idleBytes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long before = relayB.up.get() + relayB.down.get();
                RoundResult idle = syncB.round(now);
                if (!idle.idle()) {
                    throw new IllegalStateException(b.name() + ": a no-change round moved events: " + idle);
                }
                idleReq.add((double) idle.cost().requests());
                idleBytes.add((double) (relayB.up.get() + relayB.down.get() - before));
            }

            // From a write on a to the row on b.
            String local = a.lh.queryString("SELECT id FROM realms");
            List<Double> propagation = new ArrayList<>();
            List<Double> notify = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String text = "propagation probe " + run + "." + i;
                CompletableFuture<Long> heard = null;
                if (b.notifies()) {
                    PostgresRemote listening = (PostgresRemote) rb;
                    listening.awaitChange(1); // listening before the write
                    heard = CompletableFuture.supplyAsync(() -> {
                        Set<RealmId> changed = listening.awaitChange(10_000);
                        return changed.isEmpty() ? -1L : System.nanoTime();
                    });
                }
                long w0 = System.nanoTime();
                a.lh.addLore(local, text);
                a.replica.captureLocalChanges(now);
                syncA.round(now);
                if (heard != null) {
                    long at = heard.get(20, TimeUnit.SECONDS);
                    if (at < 0) {
                        throw new IllegalStateException("no notification within 10 s");
                    }
                    notify.add((at - w0) / 1e6);
                }
                syncB.round(now);
                long w1 = System.nanoTime();
                if (!"1".equals(bb.lh.queryString("SELECT count(*) FROM lores WHERE content = ?", text))) {
                    throw new IllegalStateException(b.name() + ": the probe did not arrive");
                }
                propagation.add((w1 - w0) / 1e6);
            }
            ra.close();
            rb.close();
            return new Figures((t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, up, down, requests, p2p.seconds(),
                Math.round(BenchSupport.median(idleReq)), Math.round(BenchSupport.median(idleBytes)),
                BenchSupport.median(propagation), notify.isEmpty() ? -1 : BenchSupport.median(notify));
        } finally {
            a.close();
            bb.close();
            c.close();
        }
    }

    static void report(Backend b, int n, int content, List<Figures> f) {
        double remote = BenchSupport.median(f.stream().map(Figures::remoteSeconds).toList());
        double p2p = BenchSupport.median(f.stream().map(Figures::p2pSeconds).toList());
        double push = BenchSupport.median(f.stream().map(Figures::pushSeconds).toList());
        double pull = BenchSupport.median(f.stream().map(Figures::pullSeconds).toList());
        Figures last = f.get(f.size() - 1);
        System.out.printf("BENCH remote.initial backend=%s lores=%d content_bytes=%d lores_per_s=%.0f push_s=%.2f pull_s=%.2f "
                + "p2p_lores_per_s=%.0f ratio=%.2f requests=%d wire_up_bytes=%d wire_down_bytes=%d%n", b.name(), n, content,
            n / remote, push, pull, n / p2p, p2p / remote, last.requests(), last.upBytes(), last.downBytes());
        System.out.printf("BENCH remote.no_change backend=%s requests=%d wire_bytes=%d%n", b.name(), last.idleRequests(),
            last.idleBytes());
        double prop = BenchSupport.median(f.stream().map(Figures::propagationMs).toList());
        if (b.notifies()) {
            double notify = BenchSupport.median(f.stream().map(Figures::notifyMs).toList());
            System.out.printf("BENCH remote.propagation backend=%s write_to_row_ms=%.0f notify_ms=%.0f driven_by=notify%n",
                b.name(), prop, notify);
        } else {
            System.out.printf("BENCH remote.propagation backend=%s write_to_row_ms=%.0f driven_by=poll poll_interval_s=60 "
                + "note=plus_up_to_one_poll_interval%n", b.name(), prop);
        }
    }

    static Backend git(Path base) throws Exception {
        java.nio.file.Files.createDirectories(base);
        int port = Loopback.freePort();
        Process daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=" + port,
            "--base-path=" + base, "--export-all", "--enable=receive-pack", base.toString())
            .redirectErrorStream(true).redirectOutput(base.resolve("daemon.log").toFile()).start();
        Loopback.awaitListening(port, Duration.ofSeconds(20), daemon);
        return new Backend() {
            String repo;

            @Override
            public String name() {
                return "git";
            }

            @Override
            public int fresh(int run) throws Exception {
                repo = "run" + run + ".git";
                Git.init().setBare(true).setDirectory(base.resolve(repo).toFile()).call().close();
                return port;
            }

            @Override
            public Remote open(TestNode node, int relayPort) {
                return new SegmentRemote("git", new GitSegmentStore("git://127.0.0.1:" + relayPort + "/" + repo, "lorehub-sync",
                    node.dir.resolve("remotes/git.git"), CredentialsProvider.getDefault(), 60, node.id()));
            }

            @Override
            public void close() throws Exception {
                daemon.destroy();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        };
    }

    static Backend s3() throws Exception {
        return new Backend() {
            S3Server server;

            @Override
            public String name() {
                return "s3";
            }

            @Override
            public int fresh(int run) throws Exception {
                if (server != null) {
                    server.close();
                }
                server = S3Server.start();
                return server.endpoint.getPort();
            }

            @Override
            public Remote open(TestNode node, int relayPort) {
                return server.remote("s3", URI.create("http://127.0.0.1:" + relayPort));
            }

            @Override
            public void close() throws Exception {
                if (server != null) {
                    server.close();
                }
            }
        };
    }

    static Backend postgres() throws Exception {
        PostgresServer server = PostgresServer.start();
        return new Backend() {
            String db;

            @Override
            public String name() {
                return "postgres";
            }

            @Override
            public int fresh(int run) throws Exception {
                db = server.createDatabase("bench" + run);
                return server.port();
            }

            @Override
            public Remote open(TestNode node, int relayPort) {
                return new PostgresRemote(name(), "jdbc:postgresql://127.0.0.1:" + relayPort + "/" + db, server.properties(),
                    node.id());
            }

            @Override
            public boolean notifies() {
                return true;
            }

            @Override
            public void close() throws Exception {
                server.close();
            }
        };
    }
}
