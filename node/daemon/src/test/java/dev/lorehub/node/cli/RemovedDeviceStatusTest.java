package dev.lorehub.node.cli;

import dev.lorehub.node.dashboard.TwoNodes;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real daemons: B is removed from the realm while it is stopped; started again, it learns its
 * removal from A (it still receives the realm's membership), gets nothing A wrote after the removal,
 * and {@code status} and {@code realm list} tell the user who removed it.
 */
class RemovedDeviceStatusTest {
    @TempDir
    Path dir;

    @Test
    void aDeviceRemovedWhileStoppedLearnsItAtTheNextStartAndStatusSaysSo() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir)) {
            String localB = nodes.localB();
            nodes.b.close();
            nodes.a.withReplica((r, now) -> {
                r.removeMember(nodes.realm, nodes.b.deviceId(), now);
                return null;
            });
            nodes.editA.add(nodes.localA, "Written after the desktop was removed", null, "decree", List.of(), List.of(), 60);
            await().atMost(Duration.ofSeconds(20)).until(() -> nodes.a.withReplica((r, now) -> !r.hasPendingCapture()));

            try (NodeRuntime b = NodeRuntime.start(nodes.homeB, NodeConfig.defaults().loopbackOnly()
                .withDisplayName("ann-desktop"), System::currentTimeMillis)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> b.withReplica(
                    (r, now) -> !r.membership(nodes.realm).members().containsKey(b.deviceId())));
                java.util.Optional<String> why = b.withReplica((r, now) -> r.whyNotWritable(localB));
                assertThat(why).get().asString().contains("not a member");
                // lh writes on the removed device: captured, kept here, listed as unsynced.
                nodes.editB.add(localB, "Written on the desktop after its removal", null, "wisdom", List.of(), List.of(), 60);
                await().atMost(Duration.ofSeconds(20)).until(() -> b.withReplica((r, now) -> !r.unsynced().isEmpty()));
            }
            try (var ps = nodes.lhB.connection().prepareStatement("SELECT count(*) FROM lores WHERE content = ?")) {
                ps.setString(1, "Written after the desktop was removed");
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("lores written after the removal reaching the removed device").isZero();
                }
            }
            CliRunner cliB = new CliRunner(nodes.homeB.dataDir());
            CliRunner.Result status = cliB.run("status");
            assertThat(status.out()).as(status.toString()).contains("removed")
                .contains("this device was removed from the realm by " + nodes.a.deviceId().toString().substring(0, 7));
            assertThat(cliB.run("realm", "list").out()).contains("removed");
            CliRunner.Result unsynced = cliB.run("unsynced");
            assertThat(unsynced.out()).as(unsynced.toString()).contains("realm " + nodes.realm.toString().substring(0, 12))
                .contains("lore ").contains("not a member");
            CliRunner.Result json = cliB.run("unsynced", "--json");
            assertThat(json.exit()).isZero();
            com.fasterxml.jackson.databind.JsonNode list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out())
                .get("unsynced");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("realm").asText()).isEqualTo(nodes.realm.toString());
            assertThat(list.get(0).get("kind").asText()).isEqualTo("lore");
            assertThat(list.get(0).get("reason").asText()).contains("not a member");
            assertThat(list.get(0).get("firstAt").asText()).startsWith("20");
        }
    }
}
