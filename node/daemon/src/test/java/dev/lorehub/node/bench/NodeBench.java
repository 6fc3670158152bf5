package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import dev.lorehub.node.runtime.PairingService;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.core.RealmRow;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The runnable node over loopback TLS (issue 7): node A runs in this process, node B is a real
 * `lorehub-node start` in a child JVM (so its resident memory is its own). B pairs with A by code
 * and joins a realm of N lores: initial sync rate, next to the in-process sync engine on the same
 * number of lores in the same run; then the propagation latency of single edits on A until B's lh
 * table shows them; then B's resident memory.
 *
 * <pre>.ci/bench node NodeBench [lores=100000] [edits=200]</pre>
 */
public final class NodeBench {
    /** JVM options for a daemon, as README recommends. */
    static final class NodeRuntimeJvm {
        static final String RECOMMENDED = "-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m";
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int edits = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path tmp = BenchSupport.tempDir("node-bench");
        long now = System.currentTimeMillis();

        // the in-process figure, same number of lores, same run
        double inProcess = inProcessRate(tmp.resolve("inproc"), n, now);

        NodeHome homeA = new NodeHome(tmp.resolve("a"));
        NodeHome homeB = new NodeHome(tmp.resolve("b"));
        NodeFiles.init(homeA, new SecureRandom());
        NodeFiles.init(homeB, new SecureRandom());
        Files.writeString(homeB.config(), "{\"displayName\": \"bench-b\", \"port\": 0, \"bind\": [\"127.0.0.1\"], "
            + "\"mdns\": [\"127.0.0.1\"]}");
        NodeRuntime a = NodeRuntime.start(homeA, NodeConfig.defaults().loopbackOnly().withDisplayName("bench-a"),
            System::currentTimeMillis);
        Process b = null;
        try (LoreHubDatabase lhA = LoreHubDatabase.open(homeA.database())) {
            LoreEditor editor = new LoreEditor(lhA);
            RealmRow realmRow = editor.realmFor(tmp.resolve("a/projects/bench"), true);
            insertLores(homeA.database(), realmRow.id(), n);
            awaitTrue("A captured its lores", Duration.ofMinutes(5),
                () -> a.withReplica((r, t) -> !r.hasPendingCapture()));
            RealmId realm = a.withReplica((r, t) -> r.shareRealm(realmRow.id(), t));
            long events = a.withReplica((r, t) -> r.events().count(realm));

            b = startNode(homeB);
            PairingService.Invitation inv = a.pairing().invite(List.of(realm), Role.WRITE, PairingService.CODE_LIFETIME);
            String peer = "127.0.0.1:" + inv.address().getPort();
            cli(homeB, "pair", inv.code(), "--peer", peer);
            inv.result().get(30, TimeUnit.SECONDS);
            awaitTrue("B accepted the realm", Duration.ofSeconds(30), () -> count(homeB, "SELECT count(*) FROM lhsync_realms") > 0);
            // An invited device syncs the realm's membership only until it joins (the invitation is not consent), so B
            // joins first; the initial sync below is the join's.
            long t0 = System.nanoTime();
            cli(homeB, "realm", "join", realm.toString(), "--path", tmp.resolve("b/projects/bench").toString());
            double longestWait;
            long lhFailures;
            // meanwhile an lh-like writer on B's database: the longest it waits for B's lock
            try (LockWaitProbe lh = LockWaitProbe.start(homeB.database(), 0)) {
                awaitTrue("B received every event", Duration.ofMinutes(5),
                    () -> count(homeB, "SELECT count(*) FROM lhsync_events") >= events);
                longestWait = lh.longestMillis();
                lhFailures = lh.failures();
            }
            double tlsSecs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("BENCH node.lh_lock_wait_during_sync lores=%d longest_wait_ms=%.0f lh_failures=%d%n", n,
                longestWait, lhFailures);
            awaitTrue("B applied every lore", Duration.ofMinutes(2), () -> count(homeB, "SELECT count(*) FROM lores") >= n);
            double tlsRate = n / tlsSecs;
            System.out.printf("BENCH node.tls_initial_sync lores=%d lores_per_s=%.0f in_process_lores_per_s=%.0f ratio=%.2f%n",
                n, tlsRate, inProcess, tlsRate / inProcess);

            // propagation: one edit at a time on A until B's lh table shows it
            List<String> ids = editor.list(realmRow.id()).stream().limit(edits).map(l -> l.id()).toList();
            List<Double> latencies = new ArrayList<>();
            try (Connection bDb = DriverManager.getConnection("jdbc:sqlite:" + homeB.database())) {
                PreparedStatement probe = bDb.prepareStatement("SELECT content FROM lores WHERE id = ?");
                for (int i = 0; i < ids.size(); i++) {
                    String content = "edited for the latency run, number " + i;
                    long start = System.nanoTime();
                    editor.edit(ids.get(i), content, null, null, null, null, null);
                    long deadline = start + TimeUnit.SECONDS.toNanos(10);
                    while (true) {
                        probe.setString(1, ids.get(i));
                        try (ResultSet rs = probe.executeQuery()) {
                            if (rs.next() && content.equals(rs.getString(1))) {
                                break;
                            }
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("edit " + i + " did not reach B within 10 s");
                        }
                        Thread.sleep(0, 200_000);
                    }
                    latencies.add((System.nanoTime() - start) / 1e6);
                }
            }
            latencies.sort(null);
            System.out.printf("BENCH node.propagation edits=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n", latencies.size(),
                latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1),
                latencies.get(latencies.size() - 1));

            long rssKb = rssKb(b.pid());
            System.out.printf("BENCH node.memory lores=%d rss_mb=%.0f%n", n, rssKb / 1024.0);
        } finally {
            if (b != null) {
                b.destroy();
                b.waitFor(10, TimeUnit.SECONDS);
                b.destroyForcibly();
            }
            a.close();
            BenchSupport.delete(tmp);
        }
    }

    private static double inProcessRate(Path dir, int n, long now) throws Exception {
        var a = new dev.lorehub.node.testing.TestNode("a", dir, 1);
        var b = new dev.lorehub.node.testing.TestNode("b", dir, 2);
        dev.lorehub.node.testing.TestNode.verifier = dev.lorehub.node.runtime.ParallelEnvelopeVerifier.perCore();
        b.close();
        b.open();
        var realm = BenchSupport.sharedRealm(a, b, n, 512, now);
        b.replica.acceptRealm(realm, a.id(), now); // a realm syncs only once the user joins it
        b.replica.mapRealm(realm, "/bench/b", now);
        var s = SyncBench.pair(a, b, now);
        SyncBench.Exchange x = SyncBench.lockstep(s[0], s[1], now);
        a.close();
        b.close();
        BenchSupport.delete(dir);
        return n / x.seconds();
    }

    private static void insertLores(Path db, String realmId, int n) throws Exception {
        Random rnd = new Random(42);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lores (id, realm_id, content, type, provinces, sigils, "
                + "confidence, origin, status, created_at, updated_at) VALUES (?, ?, ?, 'wisdom', '[]', '[]', 80, "
                + "'{\"type\":\"manual\"}', 'living', '2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z')")) {
                for (int i = 0; i < n; i++) {
                    ps.setString(1, new UUID(rnd.nextLong(), rnd.nextLong()).toString());
                    ps.setString(2, realmId);
                    ps.setString(3, BenchSupport.content(rnd, i, 512));
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                        c.commit(); // like lh: many small commits, so the node can capture alongside
                    }
                }
                ps.executeBatch();
                c.commit();
            }
        }
    }

    private static Process startNode(NodeHome home) throws Exception {
        String cp = System.getProperty("java.class.path");
        // The JVM options README recommends for the daemon (a small heap and the serial collector).
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(List.of(System.getProperty("bench.childJvm", NodeRuntimeJvm.RECOMMENDED).split(" ")));
        cmd.addAll(List.of("-cp", cp, "dev.lorehub.node.cli.Main", "--data-dir", home.dataDir().toString(), "start"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(home.dataDir().resolve("node.log").toFile());
        Process p = pb.start();
        awaitTrue("B started", Duration.ofSeconds(30), () -> Files.exists(home.controlSocket()));
        return p;
    }

    private static void cli(NodeHome home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-cp", System.getProperty("java.class.path"),
            "dev.lorehub.node.cli.Main", "--data-dir", home.dataDir().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.append(line).append('\n');
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("lorehub-node " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    private static long count(NodeHome home, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.database());
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(String what, Duration max, Check check) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
