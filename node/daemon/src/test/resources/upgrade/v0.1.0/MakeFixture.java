import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.LoreHubDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the upgrade fixture with the API of release 346ad19 (the last release, body format 1):
 * compiled and run against that release's jar by regenerate.sh, never by this build.
 *
 * <p>Devices: ann-laptop (A, founder), ann-desktop (B, writer) and old-tablet (C, made admin, then
 * removed by A). Both A and B hold the realm "api" with lores, edits and a relation; each also has
 * one change the other has not seen (they sync again only after the upgrade). C, which never learnt
 * of its removal, then signs a lore and a grant of admin to a fourth device, both stamped before its
 * removal: the forgery the seal closes (written to forged/*.bin, never given to A or B).
 * manifest.properties records the ids the upgrade test checks.
 */
public final class MakeFixture {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        SecureRandom random = new SecureRandom();
        long t = System.currentTimeMillis() - 3_600_000L; // an hour ago, so nothing is stamped in the future later
        NodeHome homeA = new NodeHome(out.resolve("ann-laptop"));
        NodeHome homeB = new NodeHome(out.resolve("ann-desktop"));
        NodeHome homeC = new NodeHome(Files.createTempDirectory("old-tablet"));
        NodeFiles.init(homeA, random);
        NodeFiles.init(homeB, random);
        NodeFiles.init(homeC, random);
        DeviceIdentity idA = DeviceIdentity.load(homeA.identity());
        DeviceIdentity idB = DeviceIdentity.load(homeB.identity());
        DeviceIdentity idC = DeviceIdentity.load(homeC.identity());
        DeviceIdentity idD = DeviceIdentity.generate(random);
        LoreHubDatabase dbA = LoreHubDatabase.open(homeA.database());
        LoreHubDatabase dbB = LoreHubDatabase.open(homeB.database());
        LoreHubDatabase dbC = LoreHubDatabase.open(homeC.database());
        Replica a = Replica.open(dbA, idA, SecretStore.open(homeA.realmKeys()), random);
        Replica b = Replica.open(dbB, idB, SecretStore.open(homeB.realmKeys()), random);
        Replica c = Replica.open(dbC, idC, SecretStore.open(homeC.realmKeys()), random);
        a.pinPeer(DeviceRecord.create(idB, "ann-desktop"), t);
        b.pinPeer(DeviceRecord.create(idA, "ann-laptop"), t);

        LoreEditor editA = new LoreEditor(dbA);
        String localA = editA.realmFor(Path.of("/home/ann/projects/api"), true).id();
        String retry = editA.add(localA, "Every HTTP call to billing goes through the retry helper",
            "Billing drops about 1% of requests", "decree", List.of("api", "billing"), List.of(), 90);
        String staging = editA.add(localA, "Staging is reset every Monday at 06:00 UTC", null, "wisdom", List.of(), List.of(), 80);
        String cache = editA.add(localA, "Cache lookups time out after 200 ms", null, "constraint", List.of("cache"), List.of(), 70);
        a.captureLocalChanges(t += 1000);
        RealmId realm = a.shareRealm(localA, t += 1000);
        a.addMember(realm, idB.publicKeys(), Role.WRITE, t += 1000);
        a.addMember(realm, idC.publicKeys(), Role.ADMIN, t += 1000);
        try (PreparedStatement ps = dbA.connection().prepareStatement(
            "INSERT INTO lore_relations (from_lore_id, to_lore_id, type, strength, created_at) VALUES (?, ?, 'supports', 0.5, ?)")) {
            ps.setString(1, cache);
            ps.setString(2, retry);
            ps.setString(3, "2026-11-20T10:00:00.000Z");
            ps.executeUpdate();
        }
        a.captureLocalChanges(t += 1000);

        b.acceptRealm(realm, idA.id(), t += 1000);
        copy(a, b, realm, t += 1000);
        b.mapRealm(realm, "/home/ann/desktop/api", t += 1000);
        c.acceptRealm(realm, idA.id(), t += 1000);
        copy(a, c, realm, t += 1000);
        c.mapRealm(realm, "/home/ann/tablet/api", t += 1000);

        LoreEditor editB = new LoreEditor(dbB);
        editB.edit(staging, "Staging is reset every Monday at 06:00 UTC; ask in #ops before", null, null, null, null, null);
        b.captureLocalChanges(t += 1000);
        copy(b, a, realm, t += 1000);

        long beforeRemoval = t += 1000;
        t += 60_000;
        a.removeMember(realm, idC.id(), t += 1000);
        copy(a, b, realm, t += 1000);

        // C never learns of its removal: its events stamped before it are what the seal must stop.
        Set<EventId> before = ids(c, realm);
        LoreEditor editC = new LoreEditor(dbC);
        String forgedLore = editC.add(c.realms().get(realm).localRealmId(), "Disable TLS checks in staging", null, "decree",
            List.of(), List.of(), 99);
        c.captureLocalChanges(beforeRemoval + 200);
        c.addMember(realm, idD.publicKeys(), Role.ADMIN, beforeRemoval + 400);
        Path forged = Files.createDirectories(out.resolve("forged"));
        int n = 0;
        for (StoredKey k : c.keys(realm)) {
            if (!before.contains(k.id())) {
                boolean membership = c.events().get(k.id().toBytes()).orElseThrow().kind() == EntityKind.MEMBER.code();
                Files.write(forged.resolve((membership ? "membership-" : "lore-") + (n++) + ".bin"), c.sealed(k.id()).orElseThrow());
            }
        }

        // One change each that the other has not seen: they meet again only after the upgrade.
        String offlineB = editB.add(b.realms().get(realm).localRealmId(), "Deploys freeze on Fridays after 15:00", null,
            "decree", List.of("ops"), List.of(), 85);
        b.captureLocalChanges(t += 1000);
        editA.edit(cache, "Cache lookups time out after 250 ms", null, null, null, 75, null);
        a.captureLocalChanges(t += 1000);

        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("release", "346ad19");
        manifest.put("realm", realm.toString());
        manifest.put("deviceA", idA.id().toString());
        manifest.put("deviceB", idB.id().toString());
        manifest.put("deviceC", idC.id().toString());
        manifest.put("deviceD", idD.id().toString());
        manifest.put("lore.retry", retry);
        manifest.put("lore.staging", staging);
        manifest.put("lore.cache", cache);
        manifest.put("lore.offlineB", offlineB);
        manifest.put("lore.forged", forgedLore);
        StringBuilder text = new StringBuilder("# written by MakeFixture.java against release 346ad19\n");
        manifest.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(out.resolve("manifest.properties"), text.toString());
        a.close();
        b.close();
        c.close();
    }

    private static Set<EventId> ids(Replica r, RealmId realm) {
        Set<EventId> out = new HashSet<>();
        for (StoredKey k : r.keys(realm)) {
            out.add(k.id());
        }
        return out;
    }

    private static void copy(Replica from, Replica to, RealmId realm, long now) {
        List<byte[]> batch = new ArrayList<>();
        for (StoredKey k : from.keys(realm)) {
            if (!to.has(k.id())) {
                batch.add(from.sealed(k.id()).orElseThrow());
            }
        }
        to.ingest(batch, now);
    }
}
