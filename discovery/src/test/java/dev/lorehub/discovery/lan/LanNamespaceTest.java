package dev.lorehub.discovery.lan;

import dev.lorehub.discovery.internal.JmDnsTuning;
import dev.lorehub.discovery.testing.ChildNode;
import dev.lorehub.discovery.testing.NetNamespaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Discovery on a real (virtual) Ethernet: three network namespaces on one bridge, one node JVM in each,
 * real multicast between them. Skipped, with the reason, where namespaces cannot be made (not root).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LanNamespaceTest {

    private static final Duration FIND = Duration.ofSeconds(3);
    private static final int PORT = 7391;
    private static final String SECOND_ADDRESS = "10.231.1.101";

    @BeforeAll
    static void needsNamespaces() {
        String reason = NetNamespaces.unavailableReason();
        assumeTrue(reason == null, () -> "SKIPPED LAN test: " + reason);
    }

    @Test
    void nodesFindEachOtherAKilledNodeExpiresAndALateNodeIsFound() throws Exception {
        List<ChildNode> nodes = new ArrayList<>();
        try (NetNamespaces lan = NetNamespaces.createLan(3)) {
            try {
                // Host 1 has two addresses on its interface and runs mDNS on both.
                lan.runInHost(1, "ip", "addr", "add", SECOND_ADDRESS + "/24", "dev", "eth0");
                nodes.add(ChildNode.start(lan, 1, lan.address(1).getHostAddress() + "," + SECOND_ADDRESS, "node1", PORT, 80));
                for (int host = 2; host <= 3; host++) {
                    nodes.add(ChildNode.start(lan, host, "node" + host, PORT, 80));
                }
                for (ChildNode node : nodes) {
                    node.awaitReady(Duration.ofSeconds(20));
                }
                for (ChildNode node : nodes) {
                    node.go();
                }

                // Each node sees the other two within 3 s of being started.
                await("all nodes to see each other").atMost(FIND).pollInterval(Duration.ofMillis(20))
                        .until(() -> everyoneSeesEveryone(nodes));
                for (ChildNode node : nodes) {
                    for (ChildNode other : nodes) {
                        if (other != node) {
                            assertThat(node.foundMs(other.deviceId())).get().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LONG)
                                    .isLessThanOrEqualTo(FIND.toMillis());
                        }
                    }
                }
                for (ChildNode node : nodes) {
                    System.out.println(node.deviceId() + " found the others after " + nodes.stream().filter(o -> o != node)
                            .map(o -> node.foundMs(o.deviceId()).orElseThrow() + " ms").toList());
                }
                ChildNode first = nodes.get(0);
                assertThat(first.lines()).anyMatch(line -> line.startsWith("FOUND " + nodes.get(1).deviceId() + " ")
                        && line.endsWith(" " + lan.address(2).getHostAddress() + " " + PORT));

                // Node 1, announced on both of its addresses, is one peer with both addresses (and never sees itself).
                String both = " " + lan.address(1).getHostAddress() + "," + SECOND_ADDRESS + " " + PORT;
                String bothReversed = " " + SECOND_ADDRESS + "," + lan.address(1).getHostAddress() + " " + PORT;
                await("node 1 to be seen on both addresses").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> nodes.get(1).lines().stream().anyMatch(line -> line.startsWith("FOUND " + first.deviceId() + " ")
                                && (line.endsWith(both) || line.endsWith(bothReversed))));
                assertThat(first.foundMs(first.deviceId())).isEmpty();

                // A pairing nameplate advertised on one host is looked up from another.
                first.send("pair 42");
                await().atMost(FIND).until(() -> first.printed("PAIRING 42"));
                nodes.get(1).send("lookup 42 3000");
                await("the nameplate lookup").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> nodes.get(1).lines().stream().anyMatch(line -> line.startsWith("CANDIDATES 42")));
                String candidates = nodes.get(1).lines().stream().filter(line -> line.startsWith("CANDIDATES 42 ")).findFirst().orElseThrow();
                assertThat(candidates.substring("CANDIDATES 42 ".length()).split(",")).isNotEmpty()
                        .isSubsetOf(lan.address(1).getHostAddress() + ":" + PORT, SECOND_ADDRESS + ":" + PORT);

                // A node killed without goodbye is reported lost once its records expire (TTL, plus the 1 s reaper).
                ChildNode killed = nodes.get(2);
                long ttlMs = TimeUnit.SECONDS.toMillis(JmDnsTuning.DEFAULT_RECORD_TTL_SECONDS);
                long killedAt = System.nanoTime();
                killed.kill();
                await("the killed node to expire").atMost(Duration.ofMillis(ttlMs + 3000)).pollInterval(Duration.ofMillis(50))
                        .until(() -> nodes.get(0).lostMs(killed.deviceId()).isPresent() && nodes.get(1).lostMs(killed.deviceId()).isPresent());
                long expiredAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                System.out.println("killed node reported lost after " + expiredAfterMs + " ms (TTL " + ttlMs + " ms)");
                assertThat(expiredAfterMs).as("not before JmDNS's refresh queries went unanswered").isGreaterThan(ttlMs / 2 - 1000);

                // A node that joins late (on the dead node's address) is found, and finds the others.
                ChildNode late = ChildNode.start(lan, 3, "late", PORT, 60);
                nodes.set(2, late);
                late.awaitReady(Duration.ofSeconds(20));
                late.go();
                await("the late node to be found").atMost(FIND).pollInterval(Duration.ofMillis(20))
                        .until(() -> everyoneSeesEveryone(nodes));

                // Live nodes kept each other the whole time (their records were renewed before expiring).
                assertThat(nodes.get(0).lostMs(nodes.get(1).deviceId())).isEmpty();
                assertThat(nodes.get(1).lostMs(nodes.get(0).deviceId())).isEmpty();
            } finally {
                for (ChildNode node : nodes) {
                    node.close();
                }
            }
            assertThat(nodes).allMatch(node -> node.printed("CLOSED"));
        }
    }

    private static boolean everyoneSeesEveryone(List<ChildNode> nodes) {
        for (ChildNode node : nodes) {
            for (ChildNode other : nodes) {
                if (other != node && node.foundMs(other.deviceId()).isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }
}
