package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.dashboard.TwoNodes;
import dev.lorehub.node.runtime.ControlServer;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeOperations;
import dev.lorehub.node.runtime.NodeRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code status} says, per peer and realm, whether the peer has what this device wrote: in sync
 * with two real daemons; behind by exactly the lores written while the peer was stopped (also with
 * this node stopped, from what it recorded); in sync again once the peer is back.
 */
class StatusTruthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void statusBeforeAndAfterAPeerCatchesUp() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir)) {
            ControlServer controlA = ControlServer.start(nodes.homeA, new NodeOperations(nodes.a));
            CliRunner cliA = new CliRunner(nodes.homeA.dataDir());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                CliRunner.Result synced = cliA.run("status");
                assertThat(synced.out()).as(synced.toString()).contains("ann-desktop").contains("connected")
                    .contains("api: in sync (established 20");
            });

            nodes.b.close();
            nodes.editA.add(nodes.localA, "Retries back off exponentially", null, "decree", List.of(), List.of(), 60);
            nodes.editA.add(nodes.localA, "The cache is warmed at start", null, "wisdom", List.of(), List.of(), 60);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                CliRunner.Result behind = cliA.run("status");
                assertThat(behind.out()).as(behind.toString()).contains("offline")
                    .contains("api: behind: it lacks 2 of this device's event(s); last in sync 20")
                    .doesNotContain("in sync (established");
            });
            String json = cliA.run("status", "--json").out();
            assertThat(json).contains("\"inSync\":false").contains("\"theyLack\":2");
            String peersJson = cliA.run("peers", "--json").out();
            String logJson = cliA.run("log", "--json", "-n", "5").out();
            CliRunner.Result unknownLore = cliA.run("log", "--lore", "zzzz");
            assertThat(unknownLore.exit()).as("refused by the daemon: " + unknownLore).isEqualTo(7);
            assertThat(unknownLore.err()).contains("No synced lore has an id starting with 'zzzz'");

            controlA.close();
            nodes.a.close();
            // The daemon built that report; with no daemon the CLI builds it from the database and what
            // the node recorded: the same, but for what only a running node knows.
            JsonNode byDaemon = JSON.readTree(json);
            JsonNode byCli = JSON.readTree(cliA.run("status", "--json").out());
            assertThat(byDaemon.get("running").asBoolean()).isTrue();
            assertThat(byCli.get("running").asBoolean()).isFalse();
            for (String same : List.of("device", "dataDir", "realms", "massDeletions", "invitations", "held", "refused",
                "unsynced", "notYetCaptured", "conflicts", "remotes")) {
                assertThat(byCli.get(same)).as(same).isEqualTo(byDaemon.get(same));
            }
            assertThat(byCli.at("/peers/0/realms/0/theyLack")).isEqualTo(byDaemon.at("/peers/0/realms/0/theyLack"));
            assertThat(byCli.at("/peers/0/lastSync")).isEqualTo(byDaemon.at("/peers/0/lastSync"));
            JsonNode peersByCli = JSON.readTree(cliA.run("peers", "--json").out());
            assertThat(JSON.readTree(peersJson).at("/peers/0/realms/0")).as("peers --json, by the daemon and by the CLI")
                .isEqualTo(peersByCli.at("/peers/0/realms/0"));
            JsonNode logByDaemon = JSON.readTree(logJson);
            assertThat(logByDaemon.get("events")).hasSize(5);
            assertThat(JSON.readTree(cliA.run("log", "--json", "-n", "5").out())).as("log --json, by the daemon and by the CLI")
                .isEqualTo(logByDaemon);
            CliRunner.Result unknownHere = cliA.run("log", "--lore", "zzzz");
            assertThat(unknownHere.exit()).as("refused here too, not an unexpected failure: " + unknownHere).isEqualTo(7);
            CliRunner.Result stopped = cliA.run("status");
            assertThat(stopped.out()).as("from what the node recorded").contains("node not running")
                .contains("api: behind: it lacks 2 of this device's event(s)");
            assertThat(cliA.run("peers").out()).contains("api: behind: it lacks 2 of this device's event(s)");

            try (NodeRuntime a = NodeRuntime.start(nodes.homeA, NodeConfig.defaults().loopbackOnly()
                     .withDisplayName("ann-laptop"), System::currentTimeMillis);
                 NodeRuntime b = NodeRuntime.start(nodes.homeB, NodeConfig.defaults().loopbackOnly()
                     .withDisplayName("ann-desktop"), System::currentTimeMillis);
                 ControlServer control = ControlServer.start(nodes.homeA, new NodeOperations(a))) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    CliRunner.Result caughtUp = cliA.run("status");
                    assertThat(caughtUp.out()).as(caughtUp.toString()).contains("connected")
                        .contains("api: in sync (established 20").doesNotContain("behind").doesNotContain("last error");
                });
            }
        }
    }
}
