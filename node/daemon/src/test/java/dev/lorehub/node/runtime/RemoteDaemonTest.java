package dev.lorehub.node.runtime;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.store.LoreHubDatabase;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two running daemons that never connect to each other (not paired, so no session can open) stay
 * in sync through a git remote they both drive: an lh write on one appears in the other's lh
 * table, in both directions, and {@code syncRemotes} runs a round on the running node's thread.
 */
class RemoteDaemonTest {
    @TempDir
    Path dir;

    NodeHome init(String name, Path bare) throws Exception {
        NodeHome home = new NodeHome(dir.resolve(name));
        NodeFiles.init(home, new SecureRandom());
        Files.writeString(home.config(), "{ \"displayName\": \"" + name + "\", \"backends\": [ { \"type\": \"git\", "
            + "\"name\": \"team\", \"remote\": \"" + bare.toUri() + "\", \"interval\": 5 } ] }");
        return home;
    }

    @Test
    void twoDaemonsThatNeverMeetConvergeThroughAGitRemote() throws Exception {
        Path bare = dir.resolve("team.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).call().close();
        NodeHome homeA = init("ann-laptop", bare);
        NodeHome homeB = init("ann-desktop", bare);
        NodeConfig configA = NodeConfig.load(homeA.config()).loopbackOnly();
        NodeConfig configB = NodeConfig.load(homeB.config()).loopbackOnly();
        assertThat(configA.backends()).hasSize(1);
        try (NodeRuntime a = NodeRuntime.start(homeA, configA, System::currentTimeMillis);
             NodeRuntime b = NodeRuntime.start(homeB, configB, System::currentTimeMillis);
             LoreHubDatabase lhA = LoreHubDatabase.open(homeA.database());
             LoreHubDatabase lhB = LoreHubDatabase.open(homeB.database())) {
            assertThat(a.remotes()).isPresent();
            LoreEditor editA = new LoreEditor(lhA);
            String localA = editA.realmFor(dir.resolve("ann-laptop/projects/api"), true).id();
            editA.add(localA, "The deploy window is Tuesday 10:00 to 12:00 UTC", null, "decree", List.of(), List.of(), 70);
            await().atMost(Duration.ofSeconds(20)).until(() -> a.withReplica((r, now) -> !r.hasPendingCapture()));
            RealmId realm = a.withReplica((r, now) -> r.shareRealm(localA, now));
            // the invitation travels by pairing in real use; here each replica is told directly
            var keysB = b.withReplica((r, now) -> r.publicKeys());
            a.withReplica((r, now) -> r.addMember(realm, keysB, Role.WRITE, now));
            b.withReplica((r, now) -> {
                r.acceptRealm(realm, a.deviceId(), now);
                return r.mapRealm(realm, dir.resolve("ann-desktop/projects/api").toString(), now);
            });
            assertThat(a.connectedPeers()).isEmpty();

            LoreEditor editB = new LoreEditor(lhB);
            String localB = b.withReplica((r, now) -> r.realms().get(realm).localRealmId());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(editB.list(localB))
                .extracting(dev.lorehub.node.core.LoreRow::content).contains("The deploy window is Tuesday 10:00 to 12:00 UTC"));

            editB.add(localB, "Rollbacks need two approvals", null, "decree", List.of(), List.of(), 60);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(editA.list(localA))
                .extracting(dev.lorehub.node.core.LoreRow::content).contains("Rollbacks need two approvals"));

            // `sync now` against the running node: its own thread runs the round and reports it
            var reply = new java.util.concurrent.atomic.AtomicReference<com.fasterxml.jackson.databind.JsonNode>();
            new NodeOperations(a).handle(new ControlRequest.SyncRemotes(null), reply::set);
            assertThat(reply.get().get("outcomes").get(0).get("remote").asText()).isEqualTo("team");
            assertThat(reply.get().get("outcomes").get(0).get("result").asText()).startsWith("team: pushed");
            assertThat(a.connectedPeers()).as("they never met").isEmpty();
        }
    }
}
