package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.store.LhCompatibility;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestTest {
    @TempDir
    Path tmp;
    long now = 1_764_000_000_000L;
    TestNode a;
    TestNode b;
    RealmId realm;
    String aRealm;

    @BeforeEach
    void setUp() throws Exception {
        a = new TestNode("a", tmp, 11);
        b = new TestNode("b", tmp, 12);
        aRealm = a.lh.addRealm("api", "/a/api");
        realm = a.replica.shareRealm(aRealm, tick());
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, tick());
        Pipe.connect(a, b, tick());
        b.replica.mapRealm(realm, "/b/api", tick());
    }

    @AfterEach
    void tearDown() throws Exception {
        a.close();
        b.close();
    }

    long tick() {
        return now += 1000;
    }

    /** New events written on a, not yet on b. */
    List<byte[]> newEventsOnA(int n) throws Exception {
        long before = a.replica.clockValue();
        for (int i = 0; i < n; i++) {
            a.lh.addLore(aRealm, "fresh lore " + i);
        }
        List<byte[]> out = new ArrayList<>();
        for (StoredKey k : a.replica.captureLocalChanges(tick())) {
            out.add(a.replica.sealed(k.id()).orElseThrow());
        }
        assertThat(out).hasSize(n);
        assertThat(a.replica.clockValue()).isGreaterThan(before);
        return out;
    }

    @Test
    void badEventsAreRejectedWithAReasonWhileTheRestOfTheBatchApplies() throws Exception {
        List<byte[]> valid = newEventsOnA(8);
        byte[] truncated = Arrays.copyOf(valid.get(1), valid.get(1).length / 2);
        byte[] tampered = valid.get(2).clone();
        tampered[tampered.length - 80] ^= 1;
        byte[] oversized = new byte[SealedEnvelope.MAX_SEALED + 1];
        byte[] unknownVersion = valid.get(3).clone();
        unknownVersion[0] = 99;
        // signed by a device that is not, and never was, a member, with the realm's real key
        DeviceIdentity outsider = DeviceIdentity.generate(SeededRandom.of(99));
        EntityChange change = new EntityChange(EntityKind.LORE, "00000000-0000-4000-8000-000000000001", false, List.of(),
            new TreeMap<>(Map.of(Field.CONTENT, "sneaky", Field.TYPE, "wisdom", Field.ORIGIN, "{\"type\":\"manual\"}")),
            new TreeMap<>(), new Causality(a.replica.membership(realm).heads(), 1, null));
        byte[] unauthorised = SealedEnvelope.seal(new EnvelopeHeader(realm, 0, a.replica.clockValue() + 5, true),
            new EventCodec().encode(change), a.replica.keyring(realm).orElseThrow().current(), outsider, SeededRandom.of(1));
        // signed by a member, but with an invalid value
        EntityChange invalid = new EntityChange(EntityKind.LORE, "00000000-0000-4000-8000-000000000002", false, List.of(),
            new TreeMap<>(Map.of(Field.CONTENT, "x", Field.TYPE, "wisdom", Field.ORIGIN, "not json", Field.CONFIDENCE, 80L)),
            new TreeMap<>(), new Causality(a.replica.membership(realm).heads(), 1, null));
        DeviceIdentity aIdentity = a.identity;
        byte[] invalidValue = SealedEnvelope.seal(new EnvelopeHeader(realm, 0, a.replica.clockValue() + 6, true),
            new EventCodec().encode(invalid), a.replica.keyring(realm).orElseThrow().current(), aIdentity, SeededRandom.of(2));

        List<byte[]> batch = List.of(valid.get(0), truncated, tampered, oversized, unknownVersion, unauthorised, invalidValue,
            valid.get(4), valid.get(0));
        IngestResult r = b.replica.ingest(batch, tick());

        assertThat(r.rejected()).extracting(Rejection::index, Rejection::reason).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(1, RejectReason.TRUNCATED),
            org.assertj.core.groups.Tuple.tuple(2, RejectReason.TAMPERED),
            org.assertj.core.groups.Tuple.tuple(3, RejectReason.OVERSIZED),
            org.assertj.core.groups.Tuple.tuple(4, RejectReason.UNKNOWN_VERSION),
            org.assertj.core.groups.Tuple.tuple(5, RejectReason.UNAUTHORIZED),
            org.assertj.core.groups.Tuple.tuple(6, RejectReason.INVALID_VALUE));
        assertThat(r.rejected()).allSatisfy(rej -> assertThat(rej.detail()).isNotBlank());
        assertThat(r.stored()).hasSize(2);
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("2");
        assertThat(LhCompatibility.check(b.db.connection())).isEmpty();
    }

    @Test
    void aBatchOfEventsAlreadyHereTakesNoWriteLockFromLh() throws Exception {
        List<byte[]> events = newEventsOnA(3);
        assertThat(b.replica.ingest(events, tick()).stored()).hasSize(3);
        try (Statement lhWrites = b.lh.connection().createStatement()) {
            lhWrites.execute("BEGIN IMMEDIATE"); // lh is in the middle of a write
            try {
                // another peer's copy of the same events: answered from what is stored, without waiting for lh
                IngestResult again = b.replica.ingest(events, tick());
                assertThat(again.duplicates()).isEqualTo(3);
                assertThat(again.stored()).isEmpty();
                assertThat(again.rejected()).isEmpty();
            } finally {
                lhWrites.execute("ROLLBACK");
            }
        }
        // one new event among them still takes the lock and is stored
        List<byte[]> mixed = new ArrayList<>(events);
        mixed.addAll(newEventsOnA(1));
        IngestResult r = b.replica.ingest(mixed, tick());
        assertThat(r.stored()).hasSize(1);
        assertThat(r.duplicates()).isEqualTo(3);
    }

    @Test
    void ownAppliesNeverComeBackAsLocalChanges() throws Exception {
        List<byte[]> events = newEventsOnA(5);
        b.replica.ingest(events, tick());
        assertThat(b.lh.queryString("SELECT count(*) FROM lhsync_capture")).isEqualTo("0");
        assertThat(b.replica.captureLocalChanges(tick())).isEmpty();
    }

    @Test
    void aBatchThatFailsAtAnyStepLeavesTheDatabaseExactlyAsBefore() throws Exception {
        List<byte[]> events = newEventsOnA(4);
        String lore = a.lh.queryString("SELECT id FROM lores LIMIT 1");
        a.lh.updateLoreContent(lore, "edited once");
        for (StoredKey k : a.replica.captureLocalChanges(tick())) {
            events.add(a.replica.sealed(k.id()).orElseThrow());
        }
        // count the steps of a clean ingest on a throwaway copy of b
        List<String> steps = new ArrayList<>();
        TestNode probe = copyOf(b, "probe");
        probe.replica.faults(steps::add);
        probe.replica.ingest(events, now);
        probe.close();
        assertThat(steps).hasSizeGreaterThan(8);

        for (int failAt = 0; failAt < steps.size(); failAt++) {
            TestNode victim = copyOf(b, "victim" + failAt);
            String before = dumpAll(victim);
            int[] seen = {0};
            int target = failAt;
            victim.replica.faults(step -> {
                if (seen[0]++ == target) {
                    throw new IllegalStateException("injected failure at " + step);
                }
            });
            assertThatThrownBy(() -> victim.replica.ingest(events, now)).hasMessageContaining("injected failure");
            assertThat(dumpAll(victim)).as("after a failure at step %d (%s)", failAt, steps.get(failAt)).isEqualTo(before);
            victim.replica.faults(step -> { });
            victim.replica.ingest(events, now); // and the same batch applies cleanly afterwards
            assertThat(victim.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("4");
            victim.close();
        }
    }

    private TestNode copyOf(TestNode n, String name) throws Exception {
        n.db.connection().createStatement().execute("PRAGMA wal_checkpoint(TRUNCATE)");
        Path dir = tmp.resolve(name);
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.copy(n.dir.resolve("lorehub.db"), dir.resolve("lorehub.db"));
        java.nio.file.Files.copy(n.dir.resolve("keys.json"), dir.resolve("keys.json"));
        java.nio.file.Files.setPosixFilePermissions(dir.resolve("keys.json"),
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return TestNode.reopen(name, tmp, n.identity);
    }

    /** Every row of every table, lh's and the node's. */
    static String dumpAll(TestNode n) throws SQLException {
        StringBuilder sb = new StringBuilder();
        List<String> tables = new ArrayList<>();
        try (Statement s = n.lh.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        for (String t : tables) {
            sb.append("# ").append(t).append('\n');
            try (Statement s = n.lh.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\"")) {
                int cols = rs.getMetaData().getColumnCount();
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= cols; i++) {
                        Object v = rs.getObject(i);
                        row.append(v instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(v)).append('|');
                    }
                    rows.add(row.toString());
                }
                rows.sort(null);
                rows.forEach(r -> sb.append(r).append('\n'));
            }
        }
        return sb.toString();
    }

    @Test
    void aRevokedDeviceCannotOpenWhatIsWrittenAfterwards() throws Exception {
        TestNode c = new TestNode("c", tmp, 13);
        try {
            a.replica.addMember(realm, c.replica.publicKeys(), Role.WRITE, tick());
            Pipe.connect(a, c, tick());
            Pipe.connect(a, b, tick());
            assertThat(c.replica.keyring(realm).orElseThrow().epochs()).hasSize(1);
            a.replica.removeMember(realm, c.id(), tick());
            List<byte[]> after = newEventsOnA(1);
            Pipe.connect(a, b, tick());
            // b, still a member, received the new epoch key and reads the new lore
            assertThat(b.replica.keyring(realm).orElseThrow().epochs()).hasSize(2);
            int epoch = b.replica.membership(realm).currentEpoch();
            assertThat(b.lh.queryString("SELECT count(*) FROM lores WHERE content = 'fresh lore 0'")).isEqualTo("1");
            // c holds only epoch 0: the event written after its removal does not open
            assertThat(SealedEnvelope.peek(after.get(0)).header().epoch()).isEqualTo(epoch).isPositive();
            assertThatThrownBy(() -> SealedEnvelope.open(after.get(0), (r, e) -> c.replica.keyring(r).flatMap(k -> k.epoch(e))))
                .isInstanceOf(dev.lorehub.crypto.EnvelopeException.class);
            // and a no longer offers the realm to c at all
            assertThat(a.store.offersFor(c.id())).isEmpty();
        } finally {
            c.close();
        }
    }

    @Test
    void twoAdminsRotatingConcurrentlyBothStayReadable() throws Exception {
        a.replica.setRole(realm, b.id(), Role.ADMIN, tick());
        Pipe.connect(a, b, tick());
        // partitioned: each admin rotates the key and writes under its new epoch
        a.replica.rotateKey(realm, tick());
        b.replica.rotateKey(realm, tick());
        newEventsOnA(1);
        String bRealm = b.lh.queryString("SELECT id FROM realms");
        b.lh.addLore(bRealm, "written on b after its rotation");
        b.replica.captureLocalChanges(tick());
        Pipe.connect(a, b, tick());
        assertThat(a.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("2");
        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(a.replica.events().opaqueEvents(realm)).isEmpty();
        assertThat(b.replica.events().opaqueEvents(realm)).isEmpty();
        // and both now write under the same current epoch
        assertThat(a.replica.membership(realm).currentEpoch()).isEqualTo(b.replica.membership(realm).currentEpoch());
    }

    @Test
    void theClockStaysMonotonicWhenTheWallClockStepsBackAndAcrossRestarts() throws Exception {
        a.lh.addLore(aRealm, "first");
        long first = a.replica.captureLocalChanges(now).get(0).hlc();
        a.lh.addLore(aRealm, "second");
        long second = a.replica.captureLocalChanges(now - 3_600_000).get(0).hlc(); // wall clock an hour back
        assertThat(second).isGreaterThan(first);
        a.close();
        a.open();
        a.lh.addLore(aRealm, "third");
        long third = a.replica.captureLocalChanges(now - 7_200_000).get(0).hlc();
        assertThat(third).isGreaterThan(second);
    }

    @Test
    void theClockAnIngestObservedStaysPersistedWhenTheEventsThatCarriedItAreRemoved() throws Exception {
        a.lh.addLore(aRealm, "written by a clock half an hour ahead");
        List<StoredKey> ahead = a.replica.captureLocalChanges(now + 1_800_000);
        List<byte[]> sealed = new ArrayList<>();
        for (StoredKey k : ahead) {
            sealed.add(a.replica.sealed(k.id()).orElseThrow());
        }
        long observed = ahead.get(0).hlc();
        b.replica.ingest(sealed, tick()); // b's clock now stands at a's event, which carries it: no separate record
        assertThat(b.replica.clockValue()).isGreaterThanOrEqualTo(observed);
        b.replica.dropEvents(ahead.stream().map(StoredKey::id).toList(), tick()); // as doctor --repair removes damaged events
        b.close();
        b.open();
        assertThat(b.replica.clockValue()).as("persisted, though no stored event carries it any more")
            .isGreaterThanOrEqualTo(observed);
    }

    @Test
    void aRestartLosesNothingAndCapturesWhatLhDidMeanwhile() throws Exception {
        newEventsOnA(3);
        String digest = a.digest();
        a.close();
        // lh keeps working while the node is down
        try (var lh = new dev.lorehub.node.store.LhWriter(a.dir.resolve("lorehub.db"))) {
            lh.addLore(aRealm, "written while the node was down");
        }
        a.open();
        assertThat(a.replica.captureLocalChanges(tick())).hasSize(1);
        Pipe.connect(a, b, tick());
        assertThat(b.lh.queryString("SELECT count(*) FROM lores WHERE content LIKE 'written while%'")).isEqualTo("1");
        assertThat(digest).isNotEqualTo(a.digest());
        assertThat(b.digest()).isEqualTo(a.digest());
    }

    @Test
    void storedEventsCanBeListedByAuthor() throws Exception {
        newEventsOnA(2);
        Pipe.connect(a, b, tick());
        long byA = 0;
        for (StoredEvent e : b.replica.events().page(realm, Long.MIN_VALUE, 1000)) {
            if (e.author().equals(a.id())) {
                byA++;
            }
        }
        assertThat(byA).isGreaterThanOrEqualTo(4);
    }
}
