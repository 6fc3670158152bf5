package dev.lorehub.node.upgrade;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.HybridClock;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.LegacyBodies;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules for events of the previous release's format that the fixture alone does not reach. */
class LegacyRulesTest {
    private final ReleaseFixture fixture = new ReleaseFixture();
    private final List<TestNode> open = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (TestNode n : open) {
            n.close();
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** A lore creation in format 1, signed by {@code author}, sealed under {@code key}, stamped at {@code millis}. */
    private static byte[] legacyLore(RealmId realm, DeviceIdentity author, EpochKey key, long millis, String content) {
        TreeMap<Field, Object> values = new TreeMap<>();
        values.put(Field.CONTENT, content);
        values.put(Field.TYPE, "decree");
        values.put(Field.ORIGIN, "{\"type\":\"manual\",\"reference\":\"test\"}");
        byte[] body = LegacyBodies.entity(new EntityChange(EntityKind.LORE, UUID.randomUUID().toString(), false, List.of(),
            values, new TreeMap<>()));
        return SealedEnvelope.seal(new EnvelopeHeader(realm, key.epoch(), millis << HybridClock.LOGICAL_BITS, true), body, key,
            author, new SecureRandom());
    }

    @Test
    void aRealmFoundedByThisReleaseNeverAcceptsTheOldFormat() throws Exception {
        TestNode a = new TestNode("a", dir, 7);
        open.add(a);
        RealmId realm = a.replica.shareRealm(a.lh.addRealm("api", "/a/api"), now());
        EpochKey key = a.replica.keyring(realm).orElseThrow().current();
        byte[] lore = legacyLore(realm, a.identity, key, now(), "old format, new realm");
        byte[] grant = SealedEnvelope.seal(new EnvelopeHeader(realm, 0, now() << HybridClock.LOGICAL_BITS, false),
            LegacyBodies.membership(new MembershipChange(MembershipChange.Op.ADD, DeviceIdentity.generate(random).id(),
                Role.ADMIN, DeviceIdentity.generate(random).publicKeys().encode(), 0, List.of(), null, null)),
            null, a.identity, random);
        IngestResult r = a.replica.ingest(List.of(lore, grant), now(), "test");
        assertThat(r.stored()).isEmpty();
        assertThat(r.rejected()).hasSize(2).allSatisfy(x -> assertThat(x.detail()).contains("founded after the upgrade"));
    }

    @Test
    void aRemovalWrittenAfterTheUpgradeVoidsTheOldFormatStampedAfterIt() throws Exception {
        Path copyA = fixture.copyDevice("ann-laptop", dir.resolve("copy-a"));
        Path copyB = fixture.copyDevice("ann-desktop", dir.resolve("copy-b"));
        Path home = Files.createDirectories(dir.resolve("a"));
        Files.copy(copyA.resolve("lorehub.db"), home.resolve("lorehub.db"));
        Files.copy(copyA.resolve("node/realm-keys.json"), home.resolve("keys.json"));
        TestNode a = TestNode.reopen("a", dir, DeviceIdentity.load(copyA.resolve("node/identity.key")));
        open.add(a);
        RealmId realm = fixture.realm();
        DeviceIdentity b = DeviceIdentity.load(copyB.resolve("node/identity.key"));
        EpochKey oldKey = SecretStore.open(copyB.resolve("node/realm-keys.json")).keyring(realm).orElseThrow().current();

        long removedAt = now();
        a.replica.removeMember(realm, b.id(), removedAt);
        byte[] after = legacyLore(realm, b, oldKey, removedAt + 5_000, "written after B was removed");
        byte[] before = legacyLore(realm, b, oldKey, removedAt - 600_000, "stamped before the removal");
        IngestResult r = a.replica.ingest(List.of(after, before), removedAt + 10_000, "test");
        assertThat(r.rejected()).isEmpty();
        assertThat(a.lh.queryString("SELECT count(*) FROM lores WHERE content = 'written after B was removed'")).isEqualTo("0");
        assertThat(a.lh.queryString("SELECT count(*) FROM lores WHERE content = 'stamped before the removal'"))
            .as("unsealed: what the previous release would also have taken").isEqualTo("1");

        a.replica.sealLegacy(realm, removedAt + 20_000);
        byte[] later = legacyLore(realm, b, oldKey, removedAt - 500_000, "another backdated one");
        IngestResult sealed = a.replica.ingest(List.of(later), removedAt + 30_000, "test");
        assertThat(sealed.stored()).isEmpty();
        assertThat(sealed.rejected()).singleElement().satisfies(x -> assertThat(x.detail()).contains("sealed"));
        assertThat(a.lh.queryString("SELECT count(*) FROM lores WHERE content = 'stamped before the removal'"))
            .as("accepted by the seal: it had taken effect here").isEqualTo("1");
    }
}
