package dev.lorehub.node.core;

import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.OpenedEnvelope;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text deltas between real replicas (issue 17): a one-word edit of a long lore travels as a few
 * hundred bytes, the receiver rebuilds the same text, an edit whose base has not arrived waits
 * aside, and one that does not fit its base is refused without changing anything.
 */
class TextDeltaSyncTest {
    @TempDir
    Path tmp;
    private TestNode a;
    private TestNode b;
    private RealmId realm;
    private String lore;
    private final long[] now = {1_764_000_000_000L};

    @BeforeEach
    void setUp() throws Exception {
        a = new TestNode("a", tmp, 1);
        b = new TestNode("b", tmp, 2);
        String local = a.lh.addRealm("proj", "/a/proj");
        realm = a.replica.shareRealm(local, now[0] += 10);
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, now[0] += 10);
        b.replica.acceptRealm(realm, a.id(), now[0] += 10);
        b.replica.mapRealm(realm, "/b/proj", now[0] += 10);
        lore = a.lh.addLore(local, longText(new Random(5), 64 * 1024));
        a.replica.captureLocalChanges(now[0] += 10);
        b.replica.ingest(sealed(a), now[0] += 10);
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @AfterEach
    void tearDown() throws Exception {
        a.close();
        b.close();
    }

    @Test
    void aOneWordEditOfA64KiBLoreTravelsInUnderOneKiB() throws Exception {
        byte[] edit = editOneWord();
        assertThat(edit.length).as("sealed bytes of the edit").isLessThan(1024);
        IngestResult r = b.replica.ingest(List.of(edit), now[0] += 10);
        assertThat(r.rejected()).isEmpty();
        assertThat(r.stored()).hasSize(1);
        assertThat(content(b)).isEqualTo(content(a)).contains("EDITED");
        assertThat(b.digest()).isEqualTo(a.digest());
        // the stored event reads back whole, on both devices, also after a restart (cache gone)
        b.close();
        b.open();
        StoredEvent stored = b.replica.events().get(EventId.of(edit)).orElseThrow();
        assertThat(((EntityChange) b.replica.decode(stored).orElseThrow()).assignments().get(Field.CONTENT))
            .isEqualTo(content(a));
    }

    @Test
    void anEditWhoseBaseHasNotArrivedWaitsAsideUntilItDoes() throws Exception {
        TestNode c = new TestNode("c", tmp, 3);
        try {
            a.replica.addMember(realm, c.replica.publicKeys(), Role.WRITE, now[0] += 10);
            c.replica.acceptRealm(realm, a.id(), now[0] += 10);
            c.replica.mapRealm(realm, "/c/proj", now[0] += 10);
            byte[] edit = editOneWord();
            List<byte[]> all = sealed(a);
            List<byte[]> withoutBase = all.stream().filter(e -> e != null && !isLoreCreation(a, e)).toList();
            IngestResult first = c.replica.ingest(withoutBase, now[0] += 10);
            assertThat(first.rejected()).isEmpty();
            assertThat(first.held()).isPositive(); // counted again each time it is re-examined in the batch
            assertThat(c.replica.events().contains(EventId.of(edit))).isFalse();
            assertThat(c.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("0");
            IngestResult second = c.replica.ingest(all, now[0] += 10);
            assertThat(second.rejected()).isEmpty();
            assertThat(c.replica.events().contains(EventId.of(edit))).isTrue();
            assertThat(content(c)).isEqualTo(content(a));
            assertThat(c.digest()).isEqualTo(a.digest());
        } finally {
            c.close();
        }
    }

    @Test
    void anEditThatDoesNotFitItsBaseIsRefusedAndChangesNothing() throws Exception {
        String before = content(b);
        byte[] honest = editOneWord();
        byte[] forged = forgeWrongHash(honest);
        IngestResult r = b.replica.ingest(List.of(forged), now[0] += 10);
        assertThat(r.stored()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.reason()).isEqualTo(RejectReason.MALFORMED);
            assertThat(rej.detail()).contains("other text");
        });
        assertThat(content(b)).isEqualTo(before);
        // the honest one still applies
        assertThat(b.replica.ingest(List.of(honest), now[0] += 10).rejected()).isEmpty();
        assertThat(content(b)).isEqualTo(content(a));
    }

    @Test
    void aDeviceWritingPlainBodiesReadsCompactOnesAndViceVersa() throws Exception {
        TestNode.wire = EventCodec.Options.PLAIN;
        TestNode old;
        try {
            old = new TestNode("old", tmp, 4);
        } finally {
            TestNode.wire = EventCodec.Options.DEFAULT;
        }
        try {
            a.replica.addMember(realm, old.replica.publicKeys(), Role.WRITE, now[0] += 10);
            old.replica.acceptRealm(realm, a.id(), now[0] += 10);
            old.replica.mapRealm(realm, "/old/proj", now[0] += 10);
            editOneWord();
            assertThat(old.replica.ingest(sealed(a), now[0] += 10).rejected()).isEmpty();
            assertThat(content(old)).isEqualTo(content(a));
            old.lh.updateLoreContent(lore, content(old).replace("EDITED", "PLAIN"));
            old.replica.captureLocalChanges(now[0] += 10);
            List<byte[]> fromOld = sealed(old);
            assertThat(a.replica.ingest(fromOld, now[0] += 10).rejected()).isEmpty();
            assertThat(content(a)).contains("PLAIN").isEqualTo(content(old));
            assertThat(fromOld.stream().mapToInt(e -> e.length).max().orElse(0)).isGreaterThan(64 * 1024);
        } finally {
            old.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Edits one word of the lore on a; returns the edit's sealed bytes. */
    private byte[] editOneWord() throws Exception {
        String text = content(a);
        int at = text.indexOf(' ', text.length() / 2);
        a.lh.updateLoreContent(lore, text.substring(0, at + 1) + "EDITED" + text.substring(text.indexOf(' ', at + 1)));
        List<StoredKey> written = a.replica.captureLocalChanges(now[0] += 10);
        assertThat(written).hasSize(1);
        return a.replica.events().sealed(written.get(0).id()).orElseThrow();
    }

    private byte[] forgeWrongHash(byte[] honest) throws Exception {
        OpenedEnvelope opened = SealedEnvelope.open(honest, (r, e) -> a.replica.keyring(r).flatMap(k -> k.epoch(e)));
        EventCodec plain = new EventCodec(EventCodec.Options.PLAIN);
        EventCodec.Decoded parts = plain.decodeParts(opened.plaintext());
        assertThat(parts.deltas()).containsKey(Field.CONTENT);
        TextDelta d = parts.deltas().get(Field.CONTENT);
        // the same edit script, claiming another result: as if made against other text
        TextDelta wrong = new TextDelta(d.base(), d.ops(), TextDelta.hashOf("something else"));
        EntityChange body = (EntityChange) parts.body();
        java.util.TreeMap<Field, Object> values = new java.util.TreeMap<>(body.assignments());
        values.put(Field.CONTENT, "something else");
        EntityChange claimed = new EntityChange(body.kind(), body.entityId(), false, body.parents(), values, body.sets(),
            body.causality());
        byte[] plaintext = plain.encode(claimed, Map.of(Field.CONTENT, wrong));
        EpochKey key = a.replica.keyring(realm).orElseThrow().epoch(opened.header().epoch()).orElseThrow();
        return SealedEnvelope.seal(new EnvelopeHeader(realm, key.epoch(), opened.header().timestamp() + 1, true), plaintext,
            key, a.identity, new java.security.SecureRandom(new byte[] {1}));
    }

    private boolean isLoreCreation(TestNode n, byte[] sealed) {
        if (!SealedEnvelope.peek(sealed).header().encrypted()) {
            return false;
        }
        try {
            StoredEvent e = n.replica.events().get(EventId.of(sealed)).orElseThrow();
            return lore.equals(e.entity()) && isCreation(n, e);
        } catch (StorageException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static boolean isCreation(TestNode n, StoredEvent e) {
        return n.replica.decode(e).map(body -> body.parents().isEmpty()).orElse(false);
    }

    private List<byte[]> sealed(TestNode n) throws Exception {
        return n.replica.events().page(realm, Long.MIN_VALUE, Integer.MAX_VALUE).stream()
            .map(StoredEvent::sealed).toList();
    }

    private String content(TestNode n) throws Exception {
        return n.lh.queryString("SELECT content FROM lores WHERE id = ?", lore);
    }

    /** English-like text of about {@code chars} characters. */
    static String longText(Random rnd, int chars) {
        String[] words = {"the", "queue", "retries", "each", "request", "once", "because", "payments", "must", "never",
            "charge", "twice", "so", "keys", "are", "derived", "from", "order", "numbers", "and", "stored", "for", "days"};
        StringBuilder sb = new StringBuilder(chars + 16);
        while (sb.length() < chars) {
            sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(12) == 0 ? ". " : " ");
        }
        return sb.toString().trim();
    }
}
