package dev.lorehub.node.cli;

import dev.lorehub.crypto.PassphraseBox;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.ControlServer;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeOperations;
import dev.lorehub.node.runtime.NodeRuntime;
import dev.lorehub.node.runtime.PairingService;
import dev.lorehub.node.store.LhWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recovery with real daemons on 127.0.0.1 (TLS, discovery on loopback, control sockets) and the
 * CLI as a user types it: a mass deletion on one device undone by one command, after which both
 * devices show the lores again; and a device backed up, wiped, restored, that catches up with its
 * peer (its own events written after the backup included) before it writes again.
 */
class RecoveryDaemonsTest {
    @TempDir
    Path root;
    NodeHome homeA;
    NodeHome homeB;
    NodeRuntime a;
    NodeRuntime b;
    ControlServer controlA;
    ControlServer controlB;
    LhWriter lhA;
    LhWriter lhB;
    RealmId realm;
    String localA;

    @BeforeEach
    void twoDevices() throws Exception {
        homeA = new NodeHome(root.resolve("ann-laptop"));
        homeB = new NodeHome(root.resolve("ann-desktop"));
        NodeFiles.init(homeA, new SecureRandom());
        NodeFiles.init(homeB, new SecureRandom());
        a = NodeRuntime.start(homeA, config("ann-laptop"), System::currentTimeMillis);
        controlA = ControlServer.start(homeA, new NodeOperations(a));
        startB();
        lhA = new LhWriter(homeA.database());
        lhB = new LhWriter(homeB.database());
        localA = lhA.addRealm("api", root.resolve("ann-laptop/projects/api").toString());
        lhA.addLore(localA, "Cache lookups time out after 200 ms");
        await().atMost(Duration.ofSeconds(20)).until(() -> a.withReplica((r, now) -> !r.hasPendingCapture()));
        realm = a.withReplica((r, now) -> r.shareRealm(localA, now));
        PairingService.Invitation inv = a.pairing().invite(List.of(realm), Role.WRITE, PairingService.CODE_LIFETIME);
        b.pairing().join(inv.code(), inv.address(), Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
        inv.result().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> b.withReplica((r, now) -> r.realms().containsKey(realm)));
        String dirB = root.resolve("ann-desktop/projects/api").toString();
        b.withReplica((r, now) -> r.mapRealm(realm, dirB, now));
        awaitLores(lhB, 1);
    }

    private void startB() {
        b = NodeRuntime.start(homeB, config("ann-desktop"), System::currentTimeMillis);
        controlB = ControlServer.start(homeB, new NodeOperations(b));
    }

    private void stopB() {
        controlB.close();
        b.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {lhA, lhB, controlA, controlB, a, b}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing everything regardless
            }
        }
    }

    private static NodeConfig config(String name) {
        return NodeConfig.defaults().loopbackOnly().withDisplayName(name);
    }

    private static void awaitLores(LhWriter lh, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(count(lh), c -> c == n);
    }

    private static Callable<Integer> count(LhWriter lh) {
        return () -> Integer.parseInt(lh.queryString("SELECT count(*) FROM lores"));
    }

    private static CliRunner.Result ok(CliRunner.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void aMassDeletionOnOneDeviceIsUndoneByOneCommandAndBothShowTheLoresAgain() throws Exception {
        for (int i = 0; i < 150; i++) {
            lhA.addLore(localA, "lore number " + i);
        }
        awaitLores(lhB, 151);
        long t = System.currentTimeMillis();
        await().until(() -> System.currentTimeMillis() > t + 5);
        // lh 0.2.2's `lh import` in replace mode: every lore deleted in one transaction, then exit 0
        lhA.update("DELETE FROM lores WHERE realm_id = ?", localA);
        awaitLores(lhB, 0);

        CliRunner cliA = new CliRunner(homeA.dataDir());
        CliRunner cliB = new CliRunner(homeB.dataDir());
        await().atMost(Duration.ofSeconds(10)).until(() -> cliA.run("status").out().contains("Mass deletions"));
        String status = ok(cliA.run("status")).out();
        Matcher undo = Pattern.compile("Undo: lorehub-node (undo --realm \\S+ --to \\S+)").matcher(status);
        assertThat(undo.find()).as(status).isTrue();
        assertThat(status).contains("151 lore(s) deleted");
        assertThat(ok(cliB.run("status")).out()).as("flagged where the deletions arrived too").contains("Mass deletions");

        String[] words = undo.group(1).split(" ");
        CliRunner.Result r = ok(cliA.run(words[0], java.util.Arrays.copyOfRange(words, 1, words.length)));
        assertThat(r.out()).contains("Brought 151 of 151");
        awaitLores(lhA, 151);
        awaitLores(lhB, 151);
        await().atMost(Duration.ofSeconds(30)).until(() -> a.idle() && b.idle()
            && a.withReplica((x, now) -> x.digest()).equals(b.withReplica((x, now) -> x.digest())));
        assertThat(ok(cliA.run("status")).out()).doesNotContain("Mass deletions");
        assertThat(ok(cliB.run("status")).out()).doesNotContain("Mass deletions");
    }

    @Test
    void aDeviceBackedUpWipedAndRestoredCatchesUpBeforeItWrites() throws Exception {
        BackupCommand.cost = new PassphraseBox.Cost(1024, 1, 1);
        try {
            Path pass = Files.writeString(root.resolve("passphrase.txt"), "correct horse battery staple\n");
            Path backup = root.resolve("ann-desktop.lhbackup");
            CliRunner cliB = new CliRunner(homeB.dataDir());
            CliRunner.Result made = ok(cliB.run("backup", backup.toString(), "--passphrase-file", pass.toString()));
            assertThat(made.out()).contains("Wrote " + backup).contains("1 realm(s), 1 paired peer(s)");
            assertThat(new String(Files.readAllBytes(backup), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("lh's plaintext is not in the backup").doesNotContain("Cache lookups").doesNotContain("projects/api");

            // after the backup, B writes (its own later events exist only on its peer) and A too
            String localB = b.withReplica((r, now) -> r.realms().get(realm).localRealmId());
            String fromB = lhB.addLore(localB, "written on B after its backup");
            String fromA = lhA.addLore(localA, "written on A after B's backup");
            awaitLores(lhA, 3);
            awaitLores(lhB, 3);

            stopB();
            lhB.close();
            try (Stream<Path> all = Files.walk(homeB.dataDir())) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            assertThat(homeB.dataDir()).doesNotExist();

            CliRunner.Result restored = ok(cliB.run("restore", backup.toString(), "--passphrase-file", pass.toString()));
            assertThat(restored.out()).contains("Restored device").contains("lh's tables rebuilt");
            lhB = new LhWriter(homeB.database());
            assertThat(count(lhB).call()).as("as at the backup").isEqualTo(1);
            assertThat(ok(cliB.run("status")).out()).contains("api");

            startB();
            awaitLores(lhB, 3);
            assertThat(lhB.queryString("SELECT content FROM lores WHERE id = ?", fromB)).isEqualTo("written on B after its backup");
            assertThat(lhB.queryString("SELECT content FROM lores WHERE id = ?", fromA)).isEqualTo("written on A after B's backup");
            await().atMost(Duration.ofSeconds(30)).until(() -> b.withReplica((r, now) -> r.restoredAwaitingPeers().isEmpty()));

            String after = lhB.addLore(b.withReplica((r, now) -> r.realms().get(realm).localRealmId()), "B writes again");
            await().atMost(Duration.ofSeconds(30)).until(() -> "B writes again".equals(
                lhA.queryString("SELECT content FROM lores WHERE id = ?", after)));
            List<dev.lorehub.node.core.Replica.ChainFork> forks = b.withReplica((r, now) -> r.ownChainForks());
            assertThat(forks).as("B's own history did not fork").isEmpty();
            boolean applied = a.withReplica((r, now) -> r.authorized(realm,
                r.events().eventsOf(dev.lorehub.node.core.EntityKind.LORE, after).get(0).id()));
            assertThat(applied).isTrue();
            CliRunner.Result doctor = cliB.run("doctor");
            assertThat(doctor.exit()).as(doctor.toString()).isZero();
        } finally {
            BackupCommand.cost = PassphraseBox.Cost.DEFAULT;
        }
    }
}
