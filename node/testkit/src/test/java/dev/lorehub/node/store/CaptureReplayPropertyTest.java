package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing lh does is lost: after any sequence of lh writes (cascading deletes, key changes and
 * moves between realms included), replaying the capture table key by key — an I or U means "this
 * row exists now", a D means "this row is gone" — yields exactly the rows in the tables.
 */
class CaptureReplayPropertyTest {

    private static final List<String> RELATION_TYPES = List.of("supports", "challenges", "depends_on");

    @Property(tries = 25)
    void replayingTheCaptureReproducesTheTables(
        @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 11) Integer> operations,
        @ForAll long seed) throws Exception {
        Path dir = Files.createTempDirectory("capture-replay");
        try (LoreHubDatabase db = StoreFixtures.lhDatabaseWithCapture(dir); LhWriter lh = new LhWriter(db.file())) {
            Random random = new Random(seed);
            // Start from a populated database so that every operation has something to act on.
            for (int i = 0; i < 3; i++) {
                String realm = lh.addRealm("realm " + i, "/work/start-" + i);
                lh.addLore(realm, "first");
                lh.addLore(realm, "second");
            }
            apply(lh, 9, random);
            for (int operation : operations) {
                apply(lh, operation, random);
            }
            Connection c = db.connection();
            Set<String> realms = new HashSet<>();
            Set<String> lores = new HashSet<>(); // realm|id: a reader that keeps lores per realm
            Set<String> relations = new HashSet<>();
            for (CapturedChange change : ChangeCapture.readPending(c, 100_000)) {
                boolean exists = change.op() != CapturedChange.DELETE;
                switch (change.table()) {
                    case CapturedChange.REALMS -> toggle(realms, change.id(), exists);
                    case CapturedChange.LORES -> toggle(lores, change.realmId() + "|" + change.id(), exists);
                    default -> toggle(relations, change.id() + "|" + change.id2() + "|" + change.id3(), exists);
                }
            }
            assertThat(realms).containsExactlyInAnyOrderElementsOf(StoreFixtures.rows(c, "SELECT id FROM realms"));
            assertThat(lores).containsExactlyInAnyOrderElementsOf(StoreFixtures.table(c,
                "SELECT realm_id, id FROM lores"));
            assertThat(relations).containsExactlyInAnyOrderElementsOf(StoreFixtures.table(c,
                "SELECT from_lore_id, to_lore_id, type FROM lore_relations"));
            assertThat(LhCompatibility.check(c)).isEmpty();
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void apply(LhWriter lh, int operation, Random random) throws SQLException {
        Connection c = lh.connection();
        List<String> realms = StoreFixtures.rows(c, "SELECT id FROM realms ORDER BY id");
        List<String> lores = StoreFixtures.rows(c, "SELECT id FROM lores ORDER BY id");
        List<String> relations = StoreFixtures.table(c,
            "SELECT from_lore_id, to_lore_id, type FROM lore_relations ORDER BY 1, 2, 3");
        switch (operation) {
            case 0, 1 -> lh.addRealm("realm", "/work/" + random.nextInt(1_000_000));
            case 2 -> {
                if (!realms.isEmpty()) {
                    lh.touchRealm(pick(realms, random));
                }
            }
            case 3 -> {
                if (!realms.isEmpty()) {
                    lh.deleteRealm(pick(realms, random)); // cascades lores and their relations
                }
            }
            case 4, 5 -> {
                if (!realms.isEmpty()) {
                    lh.addLore(pick(realms, random), "lore " + random.nextInt());
                }
            }
            case 6 -> {
                if (!lores.isEmpty()) {
                    lh.updateLoreContent(pick(lores, random), "edited " + random.nextInt());
                }
            }
            case 7 -> {
                if (!lores.isEmpty()) {
                    lh.updateLore(pick(lores, random), Map.of("realm_id", pick(realms, random))); // a move
                }
            }
            case 8 -> {
                if (!lores.isEmpty()) {
                    lh.deleteLore(pick(lores, random)); // cascades its relations
                }
            }
            case 9 -> {
                if (lores.size() >= 2) {
                    String from = pick(lores, random);
                    String to = pick(lores, random);
                    String type = pick(RELATION_TYPES, random);
                    if (!from.equals(to) && !relations.contains(from + "|" + to + "|" + type)) {
                        lh.addRelation(from, to, type);
                    }
                }
            }
            case 10 -> {
                if (!relations.isEmpty()) {
                    String[] key = pick(relations, random).split("\\|");
                    String type = pick(RELATION_TYPES, random);
                    if (!relations.contains(key[0] + "|" + key[1] + "|" + type)) {
                        lh.update("update lore_relations set type = ? where from_lore_id = ? and to_lore_id = ? "
                            + "and type = ?", type, key[0], key[1], key[2]); // a key change
                    }
                }
            }
            default -> {
                if (!relations.isEmpty()) {
                    String[] key = pick(relations, random).split("\\|");
                    lh.deleteRelation(key[0], key[1], key[2]);
                }
            }
        }
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }

    private static void toggle(Set<String> set, String key, boolean exists) {
        if (exists) {
            set.add(key);
        } else {
            set.remove(key);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
