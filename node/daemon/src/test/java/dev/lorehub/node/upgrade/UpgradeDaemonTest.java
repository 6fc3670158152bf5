package dev.lorehub.node.upgrade;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import dev.lorehub.node.store.LhWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The upgrade as a user lives it: two data directories written by the last release (ann-laptop,
 * the founder, and ann-desktop, a writer; see {@link ReleaseFixture}), each opened by a real daemon
 * of this build on 127.0.0.1. They find each other, exchange what each changed before the upgrade,
 * keep lores and membership, carry new edits both ways, and the admin seals the realm by itself
 * once the other member has synced.
 */
class UpgradeDaemonTest {
    @TempDir
    Path dir;

    @Test
    void upgradedDaemonsKeepLoresAndMembershipAndSyncNewEditsBothWays() throws Exception {
        ReleaseFixture fixture = new ReleaseFixture();
        RealmId realm = fixture.realm();
        NodeHome homeA = new NodeHome(fixture.copyDevice("ann-laptop", dir.resolve("ann-laptop")));
        NodeHome homeB = new NodeHome(fixture.copyDevice("ann-desktop", dir.resolve("ann-desktop")));
        try (NodeRuntime a = NodeRuntime.start(homeA, config("ann-laptop"), System::currentTimeMillis);
             NodeRuntime b = NodeRuntime.start(homeB, config("ann-desktop"), System::currentTimeMillis);
             LhWriter lhA = new LhWriter(homeA.database());
             LhWriter lhB = new LhWriter(homeB.database())) {
            String offlineB = fixture.get("lore.offlineB");
            String cache = fixture.get("lore.cache");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                "1".equals(lhA.queryString("SELECT count(*) FROM lores WHERE id = ?", offlineB))
                    && "Cache lookups time out after 250 ms".equals(lhB.queryString("SELECT content FROM lores WHERE id = ?", cache)));
            for (NodeRuntime n : new NodeRuntime[] {a, b}) {
                Membership m = n.withReplica((r, now) -> r.membership(realm));
                assertThat(m.members()).containsOnlyKeys(fixture.device("A"), fixture.device("B"));
                assertThat(m.role(fixture.device("A"))).contains(Role.ADMIN);
                assertThat(m.role(fixture.device("B"))).contains(Role.WRITE);
            }
            assertThat(lhB.queryString("SELECT content FROM lores WHERE id = ?", fixture.get("lore.retry")))
                .isEqualTo("Every HTTP call to billing goes through the retry helper");
            assertThat(lhB.queryString("SELECT count(*) FROM lore_relations")).isEqualTo("1");

            // the admin seals by itself once every other member has synced since the upgrade
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> b.withReplica((r, now) -> r.membership(realm).sealed()));

            lhA.updateLoreContent(fixture.get("lore.retry"), "Every HTTP call to billing and tax goes through the retry helper");
            String localB = b.withReplica((r, now) -> r.realms().get(realm).localRealmId());
            String fresh = lhB.addLore(localB, "Feature flags live in flags.yaml");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                "Every HTTP call to billing and tax goes through the retry helper".equals(
                    lhB.queryString("SELECT content FROM lores WHERE id = ?", fixture.get("lore.retry")))
                    && "Feature flags live in flags.yaml".equals(lhA.queryString("SELECT content FROM lores WHERE id = ?", fresh)));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> a.idle() && b.idle()
                && a.withReplica((r, now) -> r.digest()).equals(b.withReplica((r, now) -> r.digest())));
            assertThat(lhA.queryString("SELECT count(*) FROM lores")).isEqualTo(lhB.queryString("SELECT count(*) FROM lores"))
                .isEqualTo("5");
        }
    }

    private static NodeConfig config(String name) {
        return NodeConfig.defaults().loopbackOnly().withDisplayName(name);
    }
}
