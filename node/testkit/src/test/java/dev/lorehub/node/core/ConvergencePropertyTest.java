package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.store.LhCompatibility;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md §3's invariant, tested end to end on real SQLite files: random histories of
 * concurrent edits, deletes and relation changes from three devices; then the union of their
 * events is ingested by fresh replicas in random orders and batches, with duplicates. Every
 * fresh replica ends with byte-identical lh tables and the same state digest, equal to the
 * devices' own after they sync.
 */
class ConvergencePropertyTest {
    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "api", "cache", "retry", "queue"};

    @Property(tries = 10)
    void theSameEventSetGivesIdenticalTablesInAnyOrder(@ForAll long seed) throws Exception {
        Path tmp = Files.createTempDirectory("converge");
        Random rnd = new Random(seed);
        long[] now = {1_764_000_000_000L};
        List<TestNode> all = new ArrayList<>();
        try {
            TestNode a = new TestNode("a", tmp, seed * 10 + 1);
            TestNode b = new TestNode("b", tmp, seed * 10 + 2);
            TestNode c = new TestNode("c", tmp, seed * 10 + 3);
            all.addAll(List.of(a, b, c));
            TestNode reader = new TestNode("reader", tmp, seed * 10 + 4);
            all.add(reader);
            String local = a.lh.addRealm("proj", "/a/proj");
            for (int i = 0; i < 6; i++) {
                a.lh.addLore(local, sentence(rnd));
            }
            a.replica.captureLocalChanges(now[0]);
            RealmId realm = a.replica.shareRealm(local, now[0] += 10);
            for (TestNode n : List.of(b, c)) {
                a.replica.addMember(realm, n.replica.publicKeys(), Role.WRITE, now[0] += 10);
            }
            a.replica.addMember(realm, reader.replica.publicKeys(), Role.READ, now[0] += 10);
            Pipe.connect(a, b, now[0] += 10);
            Pipe.connect(a, c, now[0] += 10);
            b.replica.mapRealm(realm, "/b/proj", now[0] += 10);
            c.replica.mapRealm(realm, "/c/proj", now[0] += 10);
            List<TestNode> writers = List.of(a, b, c);

            for (int step = 0; step < 60; step++) {
                TestNode n = writers.get(rnd.nextInt(3));
                now[0] += 1 + rnd.nextInt(2000);
                randomOp(rnd, n, writers, now[0]);
                n.replica.captureLocalChanges(now[0]);
                assertThat(LhCompatibility.check(n.db.connection())).isEmpty();
            }

            // the union of every device's events
            Map<EventId, byte[]> union = new LinkedHashMap<>();
            for (TestNode n : writers) {
                for (StoredEvent e : n.replica.events().page(realm, Long.MIN_VALUE, Integer.MAX_VALUE)) {
                    union.put(e.id(), e.sealed());
                }
            }
            reader.close();
            all.remove(reader);
            assertThat(union.size()).isGreaterThan(10);

            String expectedDigest = null;
            String expectedDump = null;
            for (int replay = 0; replay < 3; replay++) {
                TestNode fresh = new TestNode("fresh" + replay, tmp, seed * 10 + 4); // the reader's identity, new files
                all.add(fresh);
                fresh.replica.acceptRealm(realm, a.id(), now[0]);
                fresh.replica.mapRealm(realm, "/fresh/proj", now[0]);
                List<byte[]> events = new ArrayList<>(union.values());
                events.addAll(events.subList(0, rnd.nextInt(events.size())));
                Collections.shuffle(events, rnd);
                for (int pass = 0; pass < 50 && !events.isEmpty(); pass++) {
                    List<byte[]> retry = new ArrayList<>();
                    for (int i = 0; i < events.size(); ) {
                        int size = 1 + rnd.nextInt(20);
                        List<byte[]> batch = events.subList(i, Math.min(events.size(), i + size));
                        IngestResult r = fresh.replica.ingest(batch, now[0]);
                        for (Rejection rej : r.rejected()) {
                            assertThat(rej.reason()).as(rej.toString()).isEqualTo(RejectReason.UNAUTHORIZED);
                            retry.add(batch.get(rej.index())); // its membership has not arrived yet
                        }
                        i += size;
                    }
                    events = retry;
                }
                assertThat(events).isEmpty();
                assertThat(fresh.replica.events().count(realm)).isEqualTo(union.size());
                assertThat(LhCompatibility.check(fresh.db.connection())).isEmpty();
                String digest = fresh.digest();
                String dump = dump(fresh);
                if (expectedDigest == null) {
                    expectedDigest = digest;
                    expectedDump = dump;
                } else {
                    assertThat(digest).isEqualTo(expectedDigest);
                    assertThat(dump).isEqualTo(expectedDump);
                }
            }
            // and the devices themselves converge on it once they sync
            for (int round = 0; round < 2; round++) {
                Pipe.connect(a, b, now[0] += 10);
                Pipe.connect(b, c, now[0] += 10);
                Pipe.connect(a, c, now[0] += 10);
            }
            for (TestNode n : writers) {
                assertThat(n.digest()).as(n.name).isEqualTo(expectedDigest);
                assertThat(dump(n)).as(n.name).isEqualTo(expectedDump);
            }
        } finally {
            for (TestNode n : all) {
                n.close();
            }
        }
    }

    private static void randomOp(Random rnd, TestNode n, List<TestNode> writers, long now) throws SQLException {
        String realm = n.lh.queryString("SELECT id FROM realms");
        List<String> lores = ids(n, "SELECT id FROM lores ORDER BY id");
        int op = lores.size() < 2 ? 0 : rnd.nextInt(11);
        String lore = lores.isEmpty() ? null : lores.get(rnd.nextInt(lores.size()));
        switch (op) {
            case 0 -> n.lh.addLore(realm, sentence(rnd), "wisdom", List.of(WORDS[rnd.nextInt(WORDS.length)]));
            case 1, 2 -> {
                String content = n.lh.queryString("SELECT content FROM lores WHERE id = ?", lore);
                String[] words = content.split(" ");
                words[rnd.nextInt(words.length)] = WORDS[rnd.nextInt(WORDS.length)] + n.name;
                n.lh.updateLoreContent(lore, String.join(" ", words));
            }
            case 3 -> n.lh.updateLore(lore, Map.of("confidence", rnd.nextInt(101)));
            case 4 -> n.lh.updateLore(lore, Map.of("sigils", List.of(WORDS[rnd.nextInt(WORDS.length)], n.name)));
            case 5 -> n.lh.deleteLore(lore);
            case 6 -> {
                String other = lores.get(rnd.nextInt(lores.size()));
                if (!other.equals(lore)) {
                    n.lh.update("INSERT OR IGNORE INTO lore_relations (from_lore_id, to_lore_id, type, strength, created_at) "
                        + "VALUES (?, ?, 'supports', 1.0, '2026-01-01T00:00:00.000Z')", lore, other);
                }
            }
            case 7 -> n.lh.update("DELETE FROM lore_relations WHERE from_lore_id = ?", lore);
            default -> {
                TestNode other = writers.get(rnd.nextInt(writers.size()));
                if (other != n) {
                    n.replica.captureLocalChanges(now);
                    other.replica.captureLocalChanges(now);
                    Pipe.connect(n, other, now);
                }
            }
        }
    }

    private static String sentence(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static List<String> ids(TestNode n, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = n.lh.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** lh's synced tables as text, local realm ids left out (they differ per device by design). */
    static String dump(TestNode n) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Statement s = n.lh.connection().createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id, content, why, type, provinces, sigils, confidence, origin, status, "
                + "created_at, updated_at FROM lores ORDER BY id")) {
                while (rs.next()) {
                    for (int i = 1; i <= 11; i++) {
                        sb.append(rs.getString(i)).append('|');
                    }
                    sb.append('\n');
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT from_lore_id, to_lore_id, type, strength, metadata, created_at "
                + "FROM lore_relations ORDER BY 1, 2, 3")) {
                while (rs.next()) {
                    for (int i = 1; i <= 6; i++) {
                        sb.append(rs.getString(i)).append('|');
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }
}
