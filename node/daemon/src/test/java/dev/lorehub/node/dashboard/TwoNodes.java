package dev.lorehub.node.dashboard;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import dev.lorehub.node.runtime.PairingService;
import dev.lorehub.node.store.LoreHubDatabase;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Two real daemons in this process on 127.0.0.1 (TLS, discovery on loopback), paired by code,
 * sharing one realm ("api") that both have mapped, each with its dashboard on a free port; plus an
 * lh-style writer on each database. As the demo does it, but with dashboards. Other packages' tests use it
 * for two real daemons too.
 */
public final class TwoNodes implements AutoCloseable {
    public final NodeHome homeA;
    public final NodeHome homeB;
    public final NodeRuntime a;
    public final NodeRuntime b;
    public final DashboardService dashA;
    public final DashboardService dashB;
    public final LoreHubDatabase lhA;
    public final LoreHubDatabase lhB;
    public final LoreEditor editA;
    public final LoreEditor editB;
    public final RealmId realm;
    public final String localA;
    public final String firstLore;
    private final List<AutoCloseable> open = new ArrayList<>();

    public TwoNodes(Path root) throws Exception {
        try {
            homeA = init(root.resolve("ann-laptop"));
            homeB = init(root.resolve("ann-desktop"));
            a = track(NodeRuntime.start(homeA, config("ann-laptop"), System::currentTimeMillis));
            b = track(NodeRuntime.start(homeB, config("ann-desktop"), System::currentTimeMillis));
            lhA = track(LoreHubDatabase.open(homeA.database()));
            lhB = track(LoreHubDatabase.open(homeB.database()));
            editA = new LoreEditor(lhA);
            editB = new LoreEditor(lhB);
            localA = editA.realmFor(root.resolve("ann-laptop/projects/api"), true).id();
            firstLore = editA.add(localA, "Cache lookups time out after 200 ms", null, "constraint", List.of("cache"), List.of(), 70);
            await().atMost(Duration.ofSeconds(20)).until(() -> a.withReplica((r, now) -> !r.hasPendingCapture()));
            realm = a.withReplica((r, now) -> r.shareRealm(localA, now));
            PairingService.Invitation invitation = a.pairing().invite(List.of(realm), Role.WRITE, PairingService.CODE_LIFETIME);
            b.pairing().join(invitation.code(), invitation.address(), Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
            invitation.result().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> b.withReplica((r, now) -> r.realms().containsKey(realm)));
            String dirB = root.resolve("ann-desktop/projects/api").toString();
            b.withReplica((r, now) -> r.mapRealm(realm, dirB, now));
            dashA = track(DashboardService.start(a, homeA, config("ann-laptop")));
            dashB = track(DashboardService.start(b, homeB, config("ann-desktop")));
            awaitConverged();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private static NodeHome init(Path dir) {
        NodeHome home = new NodeHome(dir);
        NodeFiles.init(home, new SecureRandom());
        return home;
    }

    static NodeConfig config(String name) {
        return NodeConfig.defaults().loopbackOnly().withDisplayName(name);
    }

    private <T extends AutoCloseable> T track(T thing) {
        open.add(0, thing);
        return thing;
    }

    /** Both idle with equal digests (bounded). */
    public void awaitConverged() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> a.idle() && b.idle()
            && a.withReplica((r, now) -> r.digest()).equals(b.withReplica((r, now) -> r.digest())));
    }

    /** B's local realm id (mapped from the shared realm). */
    public String localB() {
        return b.withReplica((r, now) -> r.realms().get(realm).localRealmId());
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                // closing everything regardless
            }
        }
        open.clear();
    }
}
