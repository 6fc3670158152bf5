package dev.lorehub.discovery.bench;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.DiscoveryListener;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.discovery.internal.JmDnsTuning;
import dev.lorehub.discovery.testing.ChildNode;
import dev.lorehub.discovery.testing.NetNamespaces;
import dev.lorehub.discovery.testing.TestIds;

import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time from start to the first discovery of a peer (BENCHMARKS.md). Run with {@code .ci/bench discovery DiscoveryBench}.
 *
 * <ul>
 *   <li>{@code where=loopback start=together}: two discoveries on 127.0.0.1 started back to back; a run's figure
 *   is the slower of the two nodes' "own start → own first peer" times ({@code first_peer_per_node} counts
 *   both nodes' times as samples).</li>
 *   <li>{@code where=loopback start=peer_running}: one node has been running for a while; a run starts a second
 *   one and times its start → first peer (it is answered at its first query).</li>
 *   <li>Baseline, same run: two bare JmDNS 3.6.1 instances on 127.0.0.1 with JmDNS's own timing (the ~4 s of
 *   DESIGN.md §7), start → first resolved peer; then the ratio tuned/baseline.</li>
 *   <li>{@code where=netns}: two node JVMs in two network namespaces on a bridge (only as root), started
 *   together by one "go" each.</li>
 * </ul>
 * Bounded: every wait has a timeout; total well under five minutes. Arguments: {@code [runs] [baselineRuns]}.
 */
public final class DiscoveryBench {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long RUN_TIMEOUT_MS = 10_000;
    private static final long BASELINE_TIMEOUT_MS = 15_000;
    private static final List<Long> PER_NODE = new ArrayList<>();

    private DiscoveryBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int baselineRuns = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        JmDnsTuning.install();

        System.out.println("warming up (3 loopback runs, not counted)");
        for (int i = 0; i < 3; i++) {
            togetherOnLoopback();
        }

        PER_NODE.clear();
        List<Long> together = new ArrayList<>();
        int togetherTimeouts = 0;
        for (int i = 0; i < runs; i++) {
            long ms = togetherOnLoopback();
            if (ms < 0) {
                togetherTimeouts++;
            } else {
                together.add(ms);
            }
        }
        report("where=loopback start=together", runs, together, togetherTimeouts);
        if (!PER_NODE.isEmpty()) {
            List<Long> sorted = new ArrayList<>(PER_NODE);
            Collections.sort(sorted);
            System.out.println("BENCH discovery.first_peer_per_node where=loopback start=together samples=" + sorted.size()
                    + " median_ms=" + median(sorted) + " max_ms=" + sorted.get(sorted.size() - 1));
        }

        List<Long> joining = new ArrayList<>();
        int joiningTimeouts = 0;
        Probe running = new Probe("running");
        try (Discovery veteran = loopbackNode("veteran", 7300, running)) {
            veteran.start();
            waitUntilAnnounced(veteran);
            for (int i = 0; i < runs; i++) {
                Probe newcomer = new Probe("newcomer");
                try (Discovery node = loopbackNode("newcomer", 7301, newcomer)) {
                    newcomer.started();
                    node.start();
                    long ms = newcomer.awaitFirstPeer(RUN_TIMEOUT_MS);
                    if (ms < 0) {
                        joiningTimeouts++;
                    } else {
                        joining.add(ms);
                    }
                }
            }
        }
        report("where=loopback start=peer_running", runs, joining, joiningTimeouts);

        JmDnsTuning.useJmDnsDefaultTimingForBaseline();
        List<Long> baseline = new ArrayList<>();
        int baselineTimeouts = 0;
        try {
            for (int i = 0; i < baselineRuns; i++) {
                long ms = bareJmDnsTogether();
                if (ms < 0) {
                    baselineTimeouts++;
                } else {
                    baseline.add(ms);
                }
            }
        } finally {
            JmDnsTuning.install();
        }
        report("where=loopback start=together timing=jmdns_default", baselineRuns, baseline, baselineTimeouts);
        if (!together.isEmpty() && !baseline.isEmpty()) {
            System.out.printf(Locale.ROOT, "BENCH discovery.first_peer_vs_jmdns_default where=loopback tuned_median_ms=%d jmdns_default_median_ms=%d ratio=%.2f%n",
                    median(together), median(baseline), (double) median(together) / median(baseline));
        }

        String reason = NetNamespaces.unavailableReason();
        if (reason != null) {
            System.out.println("NOTE: where=netns skipped: " + reason);
        } else {
            namespaces(runs);
        }
    }

    // ---- loopback ----

    private static long togetherOnLoopback() throws Exception {
        Probe a = new Probe("a");
        Probe b = new Probe("b");
        Discovery first = loopbackNode("first", 7201, a);
        Discovery second = loopbackNode("second", 7202, b);
        try {
            a.started();
            first.start();
            b.started();
            second.start();
            long msA = a.awaitFirstPeer(RUN_TIMEOUT_MS);
            long msB = b.awaitFirstPeer(RUN_TIMEOUT_MS);
            if (msA >= 0 && msB >= 0) {
                PER_NODE.add(msA);
                PER_NODE.add(msB);
            }
            return msA < 0 || msB < 0 ? -1 : Math.max(msA, msB);
        } finally {
            closeTogether(first, second);
        }
    }

    private static void waitUntilAnnounced(Discovery veteran) throws Exception {
        // A node that has run for a few seconds has finished probing and announcing: wait that long, once.
        Thread.sleep(3000);
        if (veteran.boundAddresses().isEmpty()) {
            throw new IllegalStateException("veteran did not bind to loopback");
        }
    }

    private static Discovery loopbackNode(String name, int port, Probe probe) {
        String id = TestIds.deviceId();
        return Discovery.create(DiscoveryConfig.builder(new LocalNode(id, TestIds.shortId(id), name, port, 1))
                .mdnsAddresses(List.of(LOOPBACK)).build(), probe);
    }

    private static void closeTogether(AutoCloseable... all) throws Exception {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (AutoCloseable closeable : all) {
            closing.add(CompletableFuture.runAsync(() -> {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    }

    /** Two bare JmDNS instances with JmDNS's own timing: create → first resolved peer with its TXT. */
    private static long bareJmDnsTogether() throws Exception {
        BareNode a = new BareNode("bare-a-" + System.nanoTime(), 7211);
        BareNode b = new BareNode("bare-b-" + System.nanoTime(), 7212);
        try {
            long msA = a.awaitFirstPeer(BASELINE_TIMEOUT_MS);
            long msB = b.awaitFirstPeer(BASELINE_TIMEOUT_MS);
            return msA < 0 || msB < 0 ? -1 : Math.max(msA, msB);
        } finally {
            closeTogether(a, b);
        }
    }

    /** Remembers when its node was started and when it first found a peer. */
    private static final class Probe implements DiscoveryListener {
        private final String name;
        private final CountDownLatch found = new CountDownLatch(1);
        private final AtomicLong foundAt = new AtomicLong();
        private volatile long startedAt;

        Probe(String name) {
            this.name = name;
        }

        void started() {
            startedAt = System.nanoTime();
        }

        @Override
        public void peerFound(DiscoveredPeer peer) {
            if (foundAt.compareAndSet(0, System.nanoTime())) {
                found.countDown();
            }
        }

        @Override
        public void peerLost(DiscoveredPeer peer) {
        }

        long awaitFirstPeer(long timeoutMs) throws InterruptedException {
            if (!found.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                System.out.println("run timed out: " + name + " found no peer in " + timeoutMs + " ms");
                return -1;
            }
            return TimeUnit.NANOSECONDS.toMillis(foundAt.get() - startedAt);
        }
    }

    private static final class BareNode implements AutoCloseable {
        private final long startedAt = System.nanoTime();
        private final CountDownLatch found = new CountDownLatch(1);
        private final AtomicLong foundAt = new AtomicLong();
        private final JmDNS jmdns;

        BareNode(String name, int port) throws IOException {
            jmdns = JmDNS.create(InetAddress.getByAddress("127.0.0.1", LOOPBACK.getAddress()), name);
            byte[] txt = ("\u0009txtvers=1").getBytes(StandardCharsets.US_ASCII);
            jmdns.registerService(ServiceInfo.create("_lorehub._tcp.local.", name, port, 0, 0, txt));
            jmdns.addServiceListener("_lorehub._tcp.local.", new ServiceListener() {
                @Override
                public void serviceAdded(ServiceEvent event) {
                }

                @Override
                public void serviceRemoved(ServiceEvent event) {
                }

                @Override
                public void serviceResolved(ServiceEvent event) {
                    byte[] text = event.getInfo().getTextBytes();
                    if (!event.getName().equals(name) && text.length > 1 && foundAt.compareAndSet(0, System.nanoTime())) {
                        found.countDown();
                    }
                }
            });
        }

        long awaitFirstPeer(long timeoutMs) throws InterruptedException {
            if (!found.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                System.out.println("baseline run timed out");
                return -1;
            }
            return TimeUnit.NANOSECONDS.toMillis(foundAt.get() - startedAt);
        }

        @Override
        public void close() throws IOException {
            jmdns.close();
        }
    }

    // ---- namespaces ----

    private static void namespaces(int runs) throws Exception {
        List<Long> times = new ArrayList<>();
        int timeouts = 0;
        try (NetNamespaces lan = NetNamespaces.createLan(2);
             ChildNode a = ChildNode.start(lan, 1, "a", 7391, 240);
             ChildNode b = ChildNode.start(lan, 2, "b", 7391, 240)) {
            a.awaitReady(Duration.ofSeconds(30));
            b.awaitReady(Duration.ofSeconds(30));
            for (int run = -2; run < runs; run++) { // two warm-up runs
                int fromA = a.lineCount();
                int fromB = b.lineCount();
                a.go();
                b.go();
                long msA = firstFound(a, fromA);
                long msB = firstFound(b, fromB);
                a.send("stop");
                b.send("stop");
                awaitLine(a, fromA, "STOPPED");
                awaitLine(b, fromB, "STOPPED");
                if (run < 0) {
                    continue;
                }
                if (msA < 0 || msB < 0) {
                    timeouts++;
                } else {
                    times.add(Math.max(msA, msB));
                }
            }
        }
        report("where=netns start=together", runs, times, timeouts);
    }

    private static long firstFound(ChildNode node, int from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            for (String line : node.linesFrom(from)) {
                if (line.startsWith("FOUND ")) {
                    return Long.parseLong(line.split(" ")[2]);
                }
            }
            Thread.sleep(5);
        }
        System.out.println("netns run timed out");
        return -1;
    }

    private static void awaitLine(ChildNode node, int from, String wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !node.linesFrom(from).contains(wanted)) {
            Thread.sleep(5);
        }
    }

    // ---- reporting ----

    private static void report(String where, int runs, List<Long> times, int timeouts) {
        if (times.isEmpty()) {
            System.out.println("BENCH discovery.first_peer " + where + " runs=" + runs + " timeouts=" + timeouts);
            return;
        }
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        System.out.println("  samples_ms " + sorted);
        System.out.println("BENCH discovery.first_peer " + where + " runs=" + runs + " median_ms=" + median(sorted)
                + " min_ms=" + sorted.get(0) + " max_ms=" + sorted.get(sorted.size() - 1) + " timeouts=" + timeouts);
    }

    private static long median(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
