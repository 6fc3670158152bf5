package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17's promise: sending long texts as deltas (and bodies compressed) changes nothing but the
 * bytes. The same random history of concurrent long-text edits by two devices is played twice, by
 * devices writing compact bodies and by devices writing plain ones (full values, uncompressed, as
 * before); lh's tables and the state digests come out byte-identical, on the writers and on fresh
 * replicas ingesting every event in random order and batches, while the compact history is far
 * smaller.
 */
class TextDeltaEquivalenceTest {
    private static final String[] WORDS = {"alpha", "beta", "gamma", "retry", "queue", "cache", "never", "twice", "key"};

    @Property(tries = 6)
    void compactAndPlainHistoriesMaterialiseIdentically(@ForAll long seed) throws Exception {
        World compact = play(seed, EventCodec.Options.DEFAULT);
        World plain = play(seed, EventCodec.Options.PLAIN);
        assertThat(compact.dumps).isEqualTo(plain.dumps);
        assertThat(compact.digests).isEqualTo(plain.digests);
        assertThat(compact.events).isEqualTo(plain.events);
        assertThat(compact.bytes).as("compact history bytes vs plain").isLessThan(plain.bytes / 2);
        assertThat(compact.deltas).as("edits sent as deltas").isPositive();
        assertThat(plain.deltas).isZero();
    }

    /** What one playing of the history ends with. */
    record World(List<String> dumps, List<String> digests, int events, long bytes, int deltas) {
    }

    private static World play(long seed, EventCodec.Options wire) throws Exception {
        Path tmp = Files.createTempDirectory("delta-eq");
        Random rnd = new Random(seed);
        long[] now = {1_764_000_000_000L};
        List<TestNode> all = new ArrayList<>();
        TestNode.wire = wire;
        try {
            TestNode a = new TestNode("a", tmp, seed * 10 + 1);
            TestNode b = new TestNode("b", tmp, seed * 10 + 2);
            all.addAll(List.of(a, b));
            String local = a.lh.addRealm("proj", "/a/proj");
            List<String> lores = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString();
                lores.add(id);
                String stamp = Instant.ofEpochMilli(now[0]).toString();
                a.lh.update("INSERT INTO lores (id, realm_id, content, why, type, provinces, sigils, confidence, origin, status, "
                        + "created_at, updated_at) VALUES (?, ?, ?, ?, 'wisdom', '[]', '[]', 80, "
                        + "'{\"type\":\"manual\",\"reference\":\"cli\"}', 'living', ?, ?)", id, local,
                    TextDeltaSyncTest.longText(rnd, 1200 + rnd.nextInt(3000)),
                    rnd.nextBoolean() ? TextDeltaSyncTest.longText(rnd, 1100 + rnd.nextInt(500)) : null, stamp, stamp);
            }
            a.replica.captureLocalChanges(now[0] += 10);
            RealmId realm = a.replica.shareRealm(local, now[0] += 10);
            a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, now[0] += 10);
            b.replica.acceptRealm(realm, a.id(), now[0] += 10);
            b.replica.mapRealm(realm, "/b/proj", now[0] += 10);
            Pipe.connect(a, b, now[0] += 10);
            List<TestNode> writers = List.of(a, b);
            for (int step = 0; step < 40; step++) {
                TestNode n = writers.get(rnd.nextInt(2));
                now[0] += 1 + rnd.nextInt(1000);
                int op = rnd.nextInt(10);
                String lore = lores.get(rnd.nextInt(lores.size()));
                if (op < 6) {
                    String column = op < 4 ? "content" : "why";
                    String text = n.lh.queryString("SELECT " + column + " FROM lores WHERE id = ?", lore);
                    if (text != null) {
                        String[] words = text.split(" ");
                        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                            words[rnd.nextInt(words.length)] = WORDS[rnd.nextInt(WORDS.length)] + n.name;
                        }
                        n.lh.update("UPDATE lores SET " + column + " = ?, updated_at = ? WHERE id = ?", String.join(" ", words),
                            Instant.ofEpochMilli(now[0]).toString(), lore);
                    }
                } else if (op == 6) {
                    n.lh.update("UPDATE lores SET status = ?, updated_at = ? WHERE id = ?", rnd.nextBoolean() ? "proclaimed" : "living",
                        Instant.ofEpochMilli(now[0]).toString(), lore);
                } else {
                    a.replica.captureLocalChanges(now[0]);
                    b.replica.captureLocalChanges(now[0]);
                    Pipe.connect(a, b, now[0]);
                }
                n.replica.captureLocalChanges(now[0]);
            }
            for (int round = 0; round < 2; round++) {
                Pipe.connect(a, b, now[0] += 10);
            }
            List<StoredEvent> log = a.replica.events().page(realm, Long.MIN_VALUE, Integer.MAX_VALUE);
            List<byte[]> events = new ArrayList<>(log.stream().map(StoredEvent::sealed).toList());
            long bytes = events.stream().mapToLong(e -> e.length).sum();
            int deltas = 0;
            EventCodec codec = new EventCodec();
            for (byte[] e : events) {
                if (dev.lorehub.crypto.SealedEnvelope.peek(e).header().encrypted()) {
                    byte[] plaintext = dev.lorehub.crypto.SealedEnvelope.open(e,
                        (r, ep) -> a.replica.keyring(r).flatMap(k -> k.epoch(ep))).plaintext();
                    deltas += codec.decodeParts(plaintext).deltas().size();
                }
            }
            List<String> dumps = new ArrayList<>(List.of(ConvergencePropertyTest.dump(a), ConvergencePropertyTest.dump(b)));
            List<String> digests = new ArrayList<>(List.of(a.digest(), b.digest()));
            // a fresh replica of b's identity takes every event in a random order and random batches
            TestNode fresh = new TestNode("fresh", tmp, seed * 10 + 2);
            all.add(fresh);
            fresh.replica.acceptRealm(realm, a.id(), now[0]);
            fresh.replica.mapRealm(realm, "/fresh/proj", now[0]);
            Collections.shuffle(events, new Random(seed));
            for (int pass = 0; pass < 20; pass++) {
                for (int i = 0; i < events.size(); ) {
                    int size = 1 + rnd.nextInt(8);
                    fresh.replica.ingest(events.subList(i, Math.min(events.size(), i + size)), now[0]);
                    i += size;
                }
                if (fresh.replica.events().count(realm) == log.size()) {
                    break;
                }
            }
            assertThat(fresh.replica.events().count(realm)).isEqualTo(log.size());
            dumps.add(ConvergencePropertyTest.dump(fresh));
            digests.add(fresh.digest());
            assertThat(digests).containsOnly(digests.get(0));
            return new World(dumps, digests, log.size(), bytes, deltas);
        } finally {
            TestNode.wire = EventCodec.Options.DEFAULT;
            for (TestNode n : all) {
                n.close();
            }
        }
    }
}
