package dev.lorehub.node.cli;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.ControlServer;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeOperations;
import dev.lorehub.node.runtime.NodeRuntime;
import dev.lorehub.node.runtime.PairingService;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.LoreTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 item 6: two daemons on 127.0.0.1 with mDNS off (as where multicast is blocked), paired
 * with {@code pair CODE --peer host:port}, sync; then both restart and find each other again by
 * the addresses they remembered, and keep syncing. {@code status} says that mDNS is off and
 * points at {@code staticPeers}.
 */
class PairByAddressTest {
    @TempDir
    Path dir;

    private final List<Daemon> running = new ArrayList<>();

    /** A daemon as `start` runs it: the node and its control socket (no dashboard). */
    private record Daemon(NodeRuntime runtime, ControlServer control) implements AutoCloseable {
        @Override
        public void close() {
            control.close();
            runtime.close();
        }
    }

    @AfterEach
    void stopAll() {
        running.forEach(Daemon::close);
    }

    private Daemon start(NodeHome home) {
        NodeRuntime runtime = NodeRuntime.start(home, NodeConfig.load(home.config()), System::currentTimeMillis);
        Daemon d = new Daemon(runtime, ControlServer.start(home, new NodeOperations(runtime)));
        running.add(d);
        return d;
    }

    private void stop(Daemon d) {
        running.remove(d);
        d.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private NodeHome init(String name, int port) throws IOException {
        Path data = dir.resolve(name);
        CliRunner.Result r = new CliRunner(data).run("init", "--name", name);
        assertThat(r.exit()).as(r.toString()).isZero();
        // No mDNS at all, a fixed port on loopback: the only way to find the other device is its address.
        Files.writeString(data.resolve("node/node.json"), "{ \"displayName\": \"" + name + "\", \"port\": " + port
            + ", \"bind\": [\"127.0.0.1\"], \"mdns\": [], \"dashboard\": { \"enabled\": false } }");
        return new NodeHome(data);
    }

    @Test
    void devicesPairedByAddressReconnectAfterBothRestartAndKeepSyncing() throws Exception {
        int portA = freePort();
        int portB = freePort();
        NodeHome homeA = init("ann-laptop", portA);
        NodeHome homeB = init("ann-desktop", portB);
        Path projectA = Files.createDirectories(dir.resolve("ann-laptop-work/api"));
        Path projectB = dir.resolve("ann-desktop-work/api");
        Daemon a = start(homeA);
        Daemon b = start(homeB);
        Daemon bBefore = b;

        String first;
        try (LoreHubDatabase lh = LoreHubDatabase.open(homeA.database())) {
            LoreEditor editor = new LoreEditor(lh);
            first = editor.add(editor.realmFor(projectA, true).id(), "Retries go through the helper", null, "decree",
                List.of(), List.of(), 90);
        }
        CliRunner cliA = new CliRunner(homeA.dataDir());
        CliRunner cliB = new CliRunner(homeB.dataDir());
        CliRunner.Result share = cliA.run("realm share", projectA.toString());
        assertThat(share.exit()).as(share.toString()).isZero();
        RealmId realm = a.runtime().withReplica((r, now) -> r.realms().keySet().iterator().next());

        PairingService.Invitation invitation = a.runtime().pairing().invite(List.of(realm), Role.WRITE,
            PairingService.CODE_LIFETIME);
        CliRunner.Result pair = cliB.run("pair", invitation.code(), "--peer", "127.0.0.1:" + invitation.address().getPort());
        assertThat(pair.exit()).as(pair.toString()).isZero();
        invitation.result().get(30, TimeUnit.SECONDS);

        // Each remembers where the other's sync server listens (announced on the pairing connection).
        assertThat(lastAddress(b.runtime())).isEqualTo("127.0.0.1:" + portA);
        assertThat(lastAddress(a.runtime())).isEqualTo("127.0.0.1:" + portB);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> bBefore.runtime().withReplica((r, now) -> r.realms().containsKey(realm)));
        CliRunner.Result join = cliB.run("realm join", realm.toString(), "--path", projectB.toString(), "--no-wait");
        assertThat(join.exit()).as(join.toString()).isZero();
        awaitLore(homeB, first);

        stop(a);
        stop(b);
        a = start(homeA);
        b = start(homeB);
        Daemon aAgain = a;
        Daemon bAgain = b;
        await().atMost(Duration.ofSeconds(30)).until(() -> !aAgain.runtime().connectedPeers().isEmpty()
            && !bAgain.runtime().connectedPeers().isEmpty());

        String second;
        try (LoreHubDatabase lh = LoreHubDatabase.open(homeA.database())) {
            LoreEditor editor = new LoreEditor(lh);
            second = editor.add(editor.realmFor(projectA, false).id(), "Written after both restarted", null, "wisdom",
                List.of(), List.of(), 80);
        }
        awaitLore(homeB, second);

        CliRunner.Result status = cliB.run("status");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.out()).contains("ann-laptop").contains("connected")
            .contains("mDNS is off").contains("staticPeers");
    }

    /**
     * Issue 12 item 10: the receiving device names a shared realm by the name it was shared under
     * before mapping it (not "(unmapped)"), and joining it onto a project that already has lores
     * says how many it uploads, and does.
     */
    @Test
    void theReceivingDeviceNamesTheRealmAndJoiningSaysWhatItUploads() throws Exception {
        NodeHome homeA = init("ann-laptop", freePort());
        NodeHome homeB = init("ann-desktop", freePort());
        Path projectA = Files.createDirectories(dir.resolve("ann-laptop-work/billing-api"));
        Path projectB = Files.createDirectories(dir.resolve("ann-desktop-work/billing"));
        Daemon a = start(homeA);
        Daemon b = start(homeB);
        try (LoreHubDatabase lh = LoreHubDatabase.open(homeA.database())) {
            LoreEditor editor = new LoreEditor(lh);
            editor.add(editor.realmFor(projectA, true).id(), "Shared from the laptop", null, "wisdom", List.of(), List.of(), 80);
        }
        try (LoreHubDatabase lh = LoreHubDatabase.open(homeB.database())) {
            LoreEditor editor = new LoreEditor(lh);
            String local = editor.realmFor(projectB, true).id();
            editor.add(local, "Written on the desktop before sharing", null, "wisdom", List.of(), List.of(), 80);
            editor.add(local, "Also written on the desktop", null, "risk", List.of(), List.of(), 60);
        }
        CliRunner cliA = new CliRunner(homeA.dataDir());
        CliRunner cliB = new CliRunner(homeB.dataDir());
        assertThat(cliA.run("realm share", projectA.toString()).exit()).isZero();
        RealmId realm = a.runtime().withReplica((r, now) -> r.realms().keySet().iterator().next());
        PairingService.Invitation invitation = a.runtime().pairing().invite(List.of(realm), Role.WRITE,
            PairingService.CODE_LIFETIME);
        CliRunner.Result pair = cliB.run("pair", invitation.code(), "--peer", "127.0.0.1:" + invitation.address().getPort());
        assertThat(pair.exit()).as(pair.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> b.runtime().withReplica((r, now) -> r.realms().containsKey(realm)));
        // the realm's name comes in its own event, right after the membership that lets it in
        await("the realm's name").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> cliB.run("realm list").out().contains("billing-api"));

        CliRunner.Result list = cliB.run("realm list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains(realm.toString()).contains("billing-api").doesNotContain("(unmapped)");

        CliRunner.Result join = cliB.run("realm join", realm.toString().substring(0, 12), "--path", projectB.toString(),
            "--no-wait");
        assertThat(join.exit()).as(join.toString()).isZero();
        assertThat(join.out()).contains("already has 2 lore(s) on this device").contains("uploads them to realm "
            + realm.toString().substring(0, 12)).contains("Uploaded 2 local lore(s).");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (LoreHubDatabase db = LoreHubDatabase.open(homeA.database())) {
                return new LoreTables(db.connection()).loreIds(a.runtime().withReplica((r, now) -> r.realms().get(realm)
                    .localRealmId())).size() == 3;
            }
        });
    }

    private static String lastAddress(NodeRuntime node) {
        List<LogRows.PeerRow> peers = node.withReplica((r, now) -> r.peers());
        assertThat(peers).hasSize(1);
        return peers.get(0).lastAddress();
    }

    private static void awaitLore(NodeHome home, String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (LoreHubDatabase db = LoreHubDatabase.open(home.database())) {
                Optional<?> lore = new LoreTables(db.connection()).lore(id);
                return lore.isPresent();
            }
        });
    }
}
