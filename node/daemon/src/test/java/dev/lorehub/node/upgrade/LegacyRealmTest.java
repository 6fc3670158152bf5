package dev.lorehub.node.upgrade;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EntityState;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data directories written by the last release (format 1, committed fixture; see {@link ReleaseFixture})
 * opened by this build: lores and membership as they were, sync between two upgraded devices
 * carries the changes each made before the upgrade and new edits both ways, and the seal stops what
 * a removed admin forges with backdated stamps.
 */
class LegacyRealmTest {
    private final ReleaseFixture fixture = new ReleaseFixture();
    private final List<TestNode> open = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (TestNode n : open) {
            n.close();
        }
    }

    /** A fixture device in TestNode's layout (lorehub.db, keys.json), opened by this build. */
    private TestNode device(String name) throws Exception {
        Path copy = fixture.copyDevice(name, dir.resolve("copy-" + name));
        Path home = Files.createDirectories(dir.resolve(name));
        Files.copy(copy.resolve("lorehub.db"), home.resolve("lorehub.db"));
        Files.copy(copy.resolve("node/realm-keys.json"), home.resolve("keys.json"));
        TestNode n = TestNode.reopen(name, dir, DeviceIdentity.load(copy.resolve("node/identity.key")));
        open.add(n);
        return n;
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    @Test
    void anUpgradedDeviceKeepsItsLoresAndMembership() throws Exception {
        TestNode a = device("ann-laptop");
        RealmId realm = fixture.realm();
        Membership m = a.replica.membership(realm);
        assertThat(m.legacyRealm()).contains(true);
        assertThat(m.founder()).contains(fixture.device("A"));
        assertThat(m.members()).containsOnlyKeys(fixture.device("A"), fixture.device("B"));
        assertThat(m.role(fixture.device("B"))).contains(Role.WRITE);
        assertThat(m.role(fixture.device("C"))).as("removed before the upgrade").isEmpty();

        EntityState retry = a.replica.state(realm, EntityKind.LORE, fixture.get("lore.retry"));
        assertThat(retry.isLive()).isTrue();
        assertThat(retry.value(Field.CONTENT)).isEqualTo("Every HTTP call to billing goes through the retry helper");
        assertThat(a.replica.state(realm, EntityKind.LORE, fixture.get("lore.staging")).value(Field.CONTENT))
            .as("B's edit, synced before the upgrade").isEqualTo("Staging is reset every Monday at 06:00 UTC; ask in #ops before");
        assertThat(a.replica.state(realm, EntityKind.LORE, fixture.get("lore.cache")).value(Field.CONTENT))
            .isEqualTo("Cache lookups time out after 250 ms");
        assertThat(a.lh.queryString("SELECT content FROM lores WHERE id = ?", fixture.get("lore.cache")))
            .isEqualTo("Cache lookups time out after 250 ms");
        assertThat(a.lh.queryString("SELECT count(*) FROM lore_relations")).isEqualTo("1");
    }

    @Test
    void twoUpgradedDevicesSyncWhatEachMadeBeforeTheUpgradeAndNewEditsBothWays() throws Exception {
        TestNode a = device("ann-laptop");
        TestNode b = device("ann-desktop");
        RealmId realm = fixture.realm();
        String before = a.digest();
        Pipe.connect(a, b, now());
        assertThat(a.digest()).isEqualTo(b.digest()).isNotEqualTo(before);
        assertThat(a.lh.queryString("SELECT content FROM lores WHERE id = ?", fixture.get("lore.offlineB")))
            .isEqualTo("Deploys freeze on Fridays after 15:00");
        assertThat(b.lh.queryString("SELECT content FROM lores WHERE id = ?", fixture.get("lore.cache")))
            .isEqualTo("Cache lookups time out after 250 ms");

        a.lh.updateLoreContent(fixture.get("lore.retry"), "Every HTTP call to billing and tax goes through the retry helper");
        a.replica.captureLocalChanges(now());
        String onB = b.lh.addLore(b.replica.realms().get(realm).localRealmId(), "Feature flags live in flags.yaml");
        b.replica.captureLocalChanges(now());
        Pipe.connect(a, b, now());
        assertThat(b.lh.queryString("SELECT content FROM lores WHERE id = ?", fixture.get("lore.retry")))
            .isEqualTo("Every HTTP call to billing and tax goes through the retry helper");
        assertThat(a.lh.queryString("SELECT content FROM lores WHERE id = ?", onB)).isEqualTo("Feature flags live in flags.yaml");
        assertThat(a.digest()).isEqualTo(b.digest());
        // membership changes of the current format cite the legacy chain
        assertThat(a.replica.membership(realm).role(fixture.device("B"))).contains(Role.WRITE);
    }

    @Test
    void beforeASealARemovedAdminsBackdatedEventsCountAsThePreviousReleaseCountedThem() throws Exception {
        TestNode a = device("ann-laptop");
        RealmId realm = fixture.realm();
        IngestResult r = a.replica.ingest(fixture.forged(), now(), "remote");
        assertThat(r.rejected()).isEmpty();
        assertThat(a.replica.membership(realm).role(fixture.device("D")))
            .as("the residual risk of an unsealed legacy realm: stamped before C's removal").contains(Role.ADMIN);
        assertThat(a.replica.state(realm, EntityKind.LORE, fixture.get("lore.forged")).isLive()).isTrue();
    }

    @Test
    void afterASealTheRemovedAdminsBackdatedEventsAreRefusedEverywhereTheSealIsKnown() throws Exception {
        TestNode a = device("ann-laptop");
        TestNode b = device("ann-desktop");
        RealmId realm = fixture.realm();
        Pipe.connect(a, b, now());
        int accepted = a.replica.sealLegacy(realm, now());
        assertThat(accepted).isPositive();
        assertThat(a.replica.membership(realm).sealed()).isTrue();
        String digest = a.digest();

        IngestResult r = a.replica.ingest(fixture.forged(), now(), "remote");
        assertThat(r.stored()).isEmpty();
        assertThat(r.rejected()).hasSize(2);
        assertThat(a.replica.membership(realm).role(fixture.device("D"))).isEmpty();
        assertThat(a.replica.state(realm, EntityKind.LORE, fixture.get("lore.forged")).isLive()).isFalse();
        assertThat(a.digest()).as("sealing changed nothing that was applied").isEqualTo(digest);

        Pipe.connect(a, b, now());
        assertThat(b.replica.membership(realm).sealed()).isTrue();
        IngestResult atB = b.replica.ingest(fixture.forged(), now(), "remote");
        assertThat(atB.stored()).isEmpty();
        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(b.replica.membership(realm).members()).containsOnlyKeys(fixture.device("A"), fixture.device("B"));
    }

    @Test
    void forgedEventsStoredBeforeTheSealStopCountingOnceItArrives() throws Exception {
        TestNode a = device("ann-laptop");
        TestNode b = device("ann-desktop");
        RealmId realm = fixture.realm();
        b.replica.ingest(fixture.forged(), now(), "remote"); // B got them first (e.g. from a remote C could write to)
        assertThat(b.replica.membership(realm).role(fixture.device("D"))).isPresent();
        a.replica.sealLegacy(realm, now()); // A never saw them
        Pipe.connect(a, b, now());
        assertThat(b.replica.membership(realm).role(fixture.device("D"))).isEmpty();
        assertThat(b.replica.state(realm, EntityKind.LORE, fixture.get("lore.forged")).isLive()).isFalse();
        assertThat(b.lh.queryString("SELECT count(*) FROM lores WHERE id = ?", fixture.get("lore.forged"))).isEqualTo("0");
        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(Map.copyOf(a.replica.membership(realm).rejected())).isNotNull();
    }
}
