package dev.lorehub.node.bench;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.core.StoredEvent;
import dev.lorehub.node.testing.TestNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/** Shared set-up of the node benchmarks: realms of many lores written the way lh writes them. */
final class BenchSupport {
    private BenchSupport() {
    }

    static Path tempDir(String prefix) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        return dir;
    }

    static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // best effort
        }
    }

    /** Content of about {@code bytes} characters of real-looking English (issue 17), different per lore. */
    static String content(Random rnd, int i, int bytes) {
        return LoreText.of(rnd, bytes);
    }

    /** Inserts {@code n} lores into a local realm in one lh-style transaction (the triggers capture them). */
    static void insertLores(TestNode node, String localRealm, int n, int contentBytes, long seed) throws Exception {
        Random rnd = new Random(seed);
        Connection c = node.lh.connection();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lores (id, realm_id, content, why, type, provinces, sigils, "
            + "confidence, origin, status, created_at, updated_at) VALUES (?, ?, ?, NULL, 'wisdom', '[]', '[\"bench\"]', 80, "
            + "'{\"type\":\"manual\",\"reference\":\"cli\"}', 'living', ?, ?)")) {
            for (int i = 0; i < n; i++) {
                ps.setString(1, new UUID(rnd.nextLong(), rnd.nextLong()).toString());
                ps.setString(2, localRealm);
                ps.setString(3, content(rnd, i, contentBytes));
                ps.setString(4, "2026-11-25T10:00:00.000Z");
                ps.setString(5, "2026-11-25T10:00:00.000Z");
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Turns every captured row into events; returns how many were written. */
    static long captureAll(TestNode node, long now) {
        long written = 0;
        List<StoredKey> batch;
        do {
            batch = node.replica.captureLocalChanges(now);
            written += batch.size();
        } while (!batch.isEmpty() || node.replica.hasPendingCapture());
        return written;
    }

    /** A node holding a shared realm of {@code lores} lores, and a second device added as a writer. */
    static RealmId sharedRealm(TestNode owner, TestNode member, int lores, int contentBytes, long now) throws Exception {
        String local = owner.lh.addRealm("bench", "/bench/" + owner.name);
        RealmId realm = owner.replica.shareRealm(local, now);
        owner.replica.addMember(realm, member.replica.publicKeys(), Role.WRITE, now);
        insertLores(owner, local, lores, contentBytes, 42);
        captureAll(owner, now);
        return realm;
    }

    /** Every sealed event of a realm, oldest first. */
    static List<byte[]> sealedEvents(TestNode node, RealmId realm) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (StoredEvent e : node.replica.events().page(realm, Long.MIN_VALUE, Integer.MAX_VALUE)) {
            out.add(e.sealed());
        }
        return out;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
