package dev.lorehub.node.store;

import dev.lorehub.node.core.StoredEvent;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.RelationKey;
import dev.lorehub.node.core.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The core's storage ports as the store implements them on SQLite. */
class SqliteStorageTest {

    @TempDir
    Path dir;

    private LoreHubDatabase db;
    private SqliteStorage storage;

    @BeforeEach
    void setUp() throws Exception {
        db = StoreFixtures.lhDatabaseWithCapture(dir);
        storage = new SqliteStorage(db);
        storage.runInTransaction(storage::installTables);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static byte[] bytes(int length, int fill) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    private static StoredEvent event(int n, EntityKind kind, String entity) {
        return new StoredEvent(EventId.fromBytes(bytes(32, n)), RealmId.fromBytes(bytes(16, 1)), 1000L + n,
            DeviceId.fromBytes(bytes(32, 9)), kind, entity,
            bytes(64, n), 1L, null, new byte[0]);
    }

    @Test
    void theKeysOfAKindAreThoseOfItsEvents() throws StorageException {
        RealmId realm = RealmId.fromBytes(bytes(16, 1));
        storage.runInTransaction(() -> {
            for (int n = 1; n <= 12; n++) {
                EntityKind kind = n % 3 == 0 ? EntityKind.MEMBER : n % 3 == 1 ? EntityKind.LORE : EntityKind.RELATION;
                storage.events().append(event(n, kind, kind == EntityKind.RELATION ? "a\nb\nsupports" + n : "e" + n), 5);
            }
        });
        for (EntityKind kind : new EntityKind[] {EntityKind.MEMBER, EntityKind.LORE, EntityKind.RELATION, EntityKind.REALM}) {
            List<LogRows.EventKey> expected = storage.events().eventsOfKind(realm, kind).stream()
                .map(e -> new LogRows.EventKey(e.hlc(), e.id())).toList();
            assertThat(storage.events().keysOfKind(realm, kind)).as(kind.name()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(storage.events().keysOfKind(RealmId.fromBytes(bytes(16, 2)), kind)).as("another realm").isEmpty();
        }
        assertThat(storage.events().keysOfKind(realm, EntityKind.MEMBER)).hasSize(4);
    }

    /**
     * The held events examined again are exactly those the brute-force filter keeps: every one of the realm
     * but those held for the stamp reason at or above the bound (oldest first, limit applied after).
     */
    @Test
    void heldDueLeavesOutExactlyTheEventsStampedFromTheBound() throws StorageException {
        java.util.Random random = new java.util.Random(11);
        RealmId realm = RealmId.fromBytes(bytes(16, 1));
        RealmId other = RealmId.fromBytes(bytes(16, 2));
        List<LogRows.HeldEvent> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] id = bytes(32, 0);
            id[0] = (byte) i;
            id[1] = (byte) 0x5a;
            long hlc = 1_000 + random.nextInt(40); // many ties, so the id orders them too
            LogRows.HeldEvent e = new LogRows.HeldEvent(EventId.fromBytes(id), i % 7 == 0 ? other : realm, hlc,
                DeviceId.fromBytes(bytes(32, 9)), random.nextBoolean() ? "FUTURE" : "WAITING", "d", "s", bytes(8, i), 5);
            all.add(e);
        }
        storage.runInTransaction(() -> {
            for (LogRows.HeldEvent e : all) {
                storage.events().hold(e);
            }
        });
        java.util.Comparator<LogRows.HeldEvent> oldestFirst = java.util.Comparator.comparingLong(LogRows.HeldEvent::hlc)
            .thenComparing(LogRows.HeldEvent::id);
        for (long dueFrom = 995; dueFrom <= 1_045; dueFrom++) {
            for (int limit : new int[] {1, 5, 100}) {
                long bound = dueFrom;
                List<String> expected = all.stream().filter(e -> e.realm().equals(realm))
                    .filter(e -> !e.reason().equals("FUTURE") || e.hlc() < bound).sorted(oldestFirst).limit(limit)
                    .map(e -> e.id().toString()).toList();
                assertThat(storage.events().heldDue(realm, "FUTURE", bound, limit)).map(e -> e.id().toString())
                    .as("due from %d, limit %d", bound, limit).containsExactlyElementsOf(expected);
                List<String> expectedFor = all.stream().filter(e -> e.realm().equals(realm))
                    .filter(e -> e.reason().equals("FUTURE") && e.hlc() < bound).sorted(oldestFirst).limit(limit)
                    .map(e -> e.id().toString()).toList();
                assertThat(storage.events().heldDueFor(realm, "FUTURE", bound, limit)).map(e -> e.id().toString())
                    .as("FUTURE only, due from %d, limit %d", bound, limit).containsExactlyElementsOf(expectedFor);
            }
        }
    }

    @Test
    void appendingARelationEventIndexesBothOfItsEnds() throws StorageException {
        String relation = new RelationKey("lore-a", "lore-b", "relates").entityId();
        storage.runInTransaction(() -> {
            assertThat(storage.events().append(event(1, EntityKind.RELATION, relation), 5)).isTrue();
            assertThat(storage.events().append(event(1, EntityKind.RELATION, relation), 5)).as("already stored").isFalse();
            storage.events().append(event(2, EntityKind.LORE, "lore-c"), 5);
        });
        assertThat(storage.events().relationsTouching("lore-a")).containsExactly(relation);
        assertThat(storage.events().relationsTouching("lore-b")).containsExactly(relation);
        assertThat(storage.events().relationsTouching("lore-c")).isEmpty();
    }

    @Test
    void anEventAppendedInATransactionThatRolledBackIsNotReportedStored() throws StorageException {
        StoredEvent e = event(4, EntityKind.LORE, "lore-d");
        assertThatThrownBy(() -> storage.runInTransaction(() -> {
            storage.events().append(e, 5);
            throw new IllegalStateException("the work failed after the append");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(storage.events().contains(e.id())).isFalse();
        assertThat(storage.events().storedOrHeld(e.id())).isFalse();
        assertThat(storage.events().sealed(e.id())).isEmpty();
        storage.runInTransaction(() -> storage.events().append(e, 5));
        assertThat(storage.events().contains(e.id())).as("stored by a transaction that committed").isTrue();
    }

    @Test
    void anEventStoredLastIsAnsweredFromMemoryUntilTheLogDeletesIt() throws Exception {
        StoredEvent e = event(5, EntityKind.LORE, "lore-e");
        storage.runInTransaction(() -> storage.events().append(e, 5));
        try (var ps = db.connection().prepareStatement("DELETE FROM lhsync_events WHERE id = ?")) {
            ps.setBytes(1, e.id().toBytes()); // behind the log's back: only doctor --repair, with no daemon running, deletes
            ps.executeUpdate();
        }
        assertThat(storage.events().contains(e.id())).as("answered without a statement").isTrue();
        assertThat(storage.events().sealed(e.id())).hasValueSatisfying(b -> assertThat(b).isEqualTo(e.sealed()));
        assertThat(storage.events().sealed(RealmId.fromBytes(bytes(16, 2)), e.id())).as("asked under another realm").isEmpty();

        storage.runInTransaction(() -> storage.events().append(e, 5));
        storage.runInTransaction(() -> storage.events().delete(e.id()));
        assertThat(storage.events().contains(e.id())).isFalse();
        assertThat(storage.events().storedOrHeld(e.id())).isFalse();
        assertThat(storage.events().sealed(e.id())).isEmpty();
    }

    @Test
    void forgettingARealmForgetsItsEventsStoredLast() throws StorageException {
        StoredEvent e = event(6, EntityKind.LORE, "lore-f");
        storage.runInTransaction(() -> storage.events().append(e, 5));
        assertThat(storage.events().storedOrHeld(e.id())).isTrue();
        storage.runInTransaction(() -> storage.events().forgetRealm(e.realm()));
        assertThat(storage.events().contains(e.id())).isFalse();
        assertThat(storage.events().sealed(e.realm(), e.id())).isEmpty();
    }

    @Test
    void storedOrHeldAnswersForTheLogAndForHeldEventsInOneStatement() throws StorageException {
        StoredEvent stored = event(12, EntityKind.LORE, "lore-g");
        StoredEvent held = event(13, EntityKind.LORE, "lore-h");
        storage.runInTransaction(() -> {
            storage.events().append(stored, 5);
            storage.events().hold(new dev.lorehub.node.core.LogRows.HeldEvent(held.id(), held.realm(), held.hlc(), held.author(),
                "WAITING", "a test", "peer", held.sealed(), 5));
        });
        assertThat(storage.events().storedOrHeld(stored.id())).isTrue();
        assertThat(storage.events().storedOrHeld(held.id())).as("held, not stored").isTrue();
        assertThat(storage.events().contains(held.id())).isFalse();
        assertThat(storage.events().storedOrHeld(event(14, EntityKind.LORE, "lore-i").id())).isFalse();
    }

    @Test
    void theEventsStoredLastAreBoundedByTheirBytes() {
        RecentlyStored recent = new RecentlyStored(200);
        StoredEvent a = event(7, EntityKind.LORE, "a");
        StoredEvent b = event(8, EntityKind.LORE, "b");
        StoredEvent c = event(9, EntityKind.LORE, "c");
        for (StoredEvent e : List.of(a, b, c)) { // 64 bytes each
            recent.appended(e.id(), e.realm(), e.sealed());
        }
        recent.appended(EventId.fromBytes(bytes(32, 10)), a.realm(), bytes(201, 1)); // heavier than the bound: not kept
        recent.committed();
        assertThat(recent.get(c.id())).isNotNull();
        recent.appended(EventId.fromBytes(bytes(32, 11)), a.realm(), bytes(64, 11));
        recent.committed();
        assertThat(recent.get(a.id())).as("the least recently used, beyond 200 bytes").isNull();
        assertThat(recent.get(c.id())).isNotNull();
        assertThat(recent.get(EventId.fromBytes(bytes(32, 10)))).isNull();
    }

    @Test
    void revealingAnOpaqueRelationEventIndexesItThen() throws StorageException {
        String relation = new RelationKey("lore-a", "lore-b", "relates").entityId();
        StoredEvent opaque = event(3, null, null);
        storage.runInTransaction(() -> storage.events().append(opaque, 5));
        assertThat(storage.events().relationsTouching("lore-a")).isEmpty();
        storage.runInTransaction(() -> storage.events().reveal(opaque.id(), EntityKind.RELATION, relation, 1L, null,
            new byte[0]));
        assertThat(storage.events().relationsTouching("lore-a")).containsExactly(relation);
    }

    @Test
    void aFailedStatementSurfacesAsTheCoresExceptionWithSqlitesMessageAndAReason() throws SQLException {
        try (var s = db.connection().createStatement()) {
            s.execute("DROP TABLE lhsync_meta");
        }
        assertThatThrownBy(() -> storage.events().meta("hlc"))
            .isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.reason()).isEqualTo(StorageException.Reason.OTHER);
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
                assertThat(e.getMessage()).isEqualTo(e.getCause().getMessage()).contains("lhsync_meta");
            });
    }

    @Test
    void aVisitorsOwnFailureComesOutUnchangedAndRollsTheTransactionBack() throws StorageException {
        storage.runInTransaction(() -> storage.events().append(event(4, EntityKind.LORE, "lore-d"), 5));
        StorageException own = new StorageException(StorageException.Reason.CONSTRAINT, "the visitor refused", null);
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> storage.runInTransaction(() -> {
            storage.events().putMeta("k", "v");
            storage.events().forEachStored((id, realm, hlc, author, sealed) -> {
                seen.add(Long.toString(hlc));
                throw own;
            });
        })).isSameAs(own);
        assertThat(seen).containsExactly("1004");
        assertThat(storage.events().meta("k")).as("rolled back").isEmpty();
    }

    @Test
    void sqliteResultCodesMapToReasons() {
        assertThat(SqlCalls.reason(5)).isEqualTo(StorageException.Reason.BUSY);
        assertThat(SqlCalls.reason(19 | (8 << 8))).isEqualTo(StorageException.Reason.CONSTRAINT); // SQLITE_CONSTRAINT_UNIQUE
        assertThat(SqlCalls.reason(26)).isEqualTo(StorageException.Reason.CORRUPT);
        assertThat(SqlCalls.reason(13)).isEqualTo(StorageException.Reason.IO);
        assertThat(SqlCalls.reason(1)).isEqualTo(StorageException.Reason.OTHER);
    }
}
