package dev.lorehub.node.store;

import dev.lorehub.node.core.StoredEvent;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
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
