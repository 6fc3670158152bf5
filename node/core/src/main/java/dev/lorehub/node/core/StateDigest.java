package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A digest of what lh shows for every synced, mapped realm: the realm's shared fields, its lores
 * and their relations, with local-only columns left out (the local realm id and path differ on
 * every device by design) and the realm named by its global id. Two devices with the same event
 * set have the same digest; the simulator and the tests compare it.
 */
final class StateDigest {
    private StateDigest() {
    }

    static String of(ReplicaContext ctx) throws StorageException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        LhRows tables = ctx.tables();
        TreeMap<RealmId, LogRows.SyncedRealmRow> realms = new TreeMap<>(ctx.realms());
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : realms.entrySet()) {
            String local = e.getValue().localRealmId();
            if (local == null) {
                continue;
            }
            RealmRow realm = tables.realm(local).orElse(null);
            if (realm == null) {
                continue;
            }
            put(sha, "realm", e.getKey().toString(), realm.name(), realm.gitRemote(), Boolean.toString(realm.monorepo()),
                ListText.json(realm.provinces()));
            for (String id : tables.loreIds(local)) {
                LoreRow l = tables.lore(id).orElseThrow();
                put(sha, "lore", l.id(), l.content(), l.why(), l.type(), l.provincesJson(),
                    l.sigilsJson(), Long.toString(l.confidence()), l.origin(), l.status(), l.createdAt(),
                    l.updatedAt());
                List<RelationKey> keys = new java.util.ArrayList<>(tables.relationKeysOf(id));
                java.util.Collections.sort(keys);
                for (RelationKey k : keys) {
                    if (!k.from().equals(id)) {
                        continue;
                    }
                    RelationRow r = tables.relation(k.from(), k.to(), k.type()).orElseThrow();
                    put(sha, "relation", r.fromLoreId(), r.toLoreId(), r.type(), Double.toString(r.strength()), r.metadata(),
                        r.createdAt());
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void put(MessageDigest sha, String... fields) {
        for (String f : fields) {
            if (f == null) {
                sha.update((byte) 0);
            } else {
                byte[] b = f.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) 1);
                sha.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
                sha.update(b);
            }
        }
        sha.update((byte) '\n');
    }
}
