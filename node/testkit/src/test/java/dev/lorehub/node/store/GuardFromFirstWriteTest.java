package dev.lorehub.node.store;

import dev.lorehub.node.core.LhRows;
import dev.lorehub.node.core.LoreRow;
import dev.lorehub.node.core.RealmRow;
import dev.lorehub.node.core.RelationRow;
import dev.lorehub.node.core.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The node's applies of remote events hold the echo guard from their first write to lh's tables
 * ({@link LoreHubDatabase#applyingRemoteFromFirstWrite}, as {@link SqliteStorage} runs them). The attack
 * this defends against is an echo: a remote edit captured as if the user had made it here, sent back out
 * as this device's own event (and, from a removed device's edit, re-authored by this one). Every way
 * the core writes lh's rows must therefore hold the guard; a way that does not shows up here as a
 * captured row.
 */
class GuardFromFirstWriteTest {
    @TempDir
    Path dir;

    private LoreHubDatabase db;
    private SqliteStorage storage;
    private LhRows rows;

    private static final String AT = "2025-07-13T02:18:14.000Z";

    @BeforeEach
    void setUp() throws Exception {
        db = StoreFixtures.lhDatabaseWithCapture(dir);
        storage = new SqliteStorage(db);
        storage.runInTransaction(storage::installTables);
        rows = storage.rows();
        // lh's own rows to change: a realm, two lores and a relation between them
        db.runInTransaction(c -> {
            LoreHubDatabaseTest.insertRealm(c, "r1");
            try (Statement s = c.createStatement()) {
                for (String id : List.of("l1", "l2")) {
                    s.executeUpdate("INSERT INTO lores (id, realm_id, content, type, origin, created_at, updated_at) VALUES ('"
                        + id + "', 'r1', 'text', 'fact', '{}', '" + AT + "', '" + AT + "')");
                }
                s.executeUpdate("INSERT INTO lore_relations (from_lore_id, to_lore_id, type, created_at) VALUES ('l1', 'l2', "
                    + "'supports', '" + AT + "')");
            }
        });
        ChangeCapture.deleteThrough(db.connection(), Long.MAX_VALUE);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static LoreRow lore(String id, String content) {
        return new LoreRow(id, "r1", content, null, "fact", "[]", "[]", 50, "{}", "active", AT, AT);
    }

    /** Every write of {@link LhRows}, each on rows that exist (so that it writes). */
    private static Map<String, Consumer<LhRows>> everyWrite() {
        return Map.of(
            "upsertLore", r -> call(() -> r.upsertLore(lore("l3", "new"))),
            "writeLore", r -> call(() -> {
                r.writeLore(lore("l1", "edited"), r.lore("l1").orElseThrow());
                return true;
            }),
            "deleteLore (cascading to a relation)", r -> call(() -> r.deleteLore("l2")),
            "upsertRelation", r -> call(() -> r.upsertRelation(new RelationRow("l2", "l1", "relates", 0.5, null, AT))),
            "deleteRelation", r -> call(() -> r.deleteRelation("l1", "l2", "supports")),
            "insertRealm", r -> call(() -> {
                r.insertRealm(new RealmRow("r2", "other", "/work/other", null, false, List.of()), Instant.parse(AT));
                return true;
            }),
            "updateRealmFields", r -> call(() -> r.updateRealmFields(new RealmRow("r1", "renamed", "/ignored", null, false,
                List.of()))));
    }

    @FunctionalInterface
    private interface Write {
        Object run() throws StorageException;
    }

    private static void call(Write write) {
        try {
            write.run();
        } catch (StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noWriteOfTheCoreToLhsTablesInAnApplyIsCaptured() throws Exception {
        for (Map.Entry<String, Consumer<LhRows>> write : everyWrite().entrySet()) {
            setUpAgain();
            storage.applyingRemote(() -> {
                // a read first: the guard is not needed, and a write after it must still be guarded
                rows.lore("l1");
                write.getValue().accept(rows);
                return null;
            });
            assertThat(StoreFixtures.captured(db.connection())).as(write.getKey()).isEmpty();
            assertThat(EchoGuard.isHeld(db.connection())).as(write.getKey()).isFalse();
        }
    }

    @Test
    void theSameWritesOutsideAnApplyAreCapturedSoTheTestAboveCanFail() throws Exception {
        for (Map.Entry<String, Consumer<LhRows>> write : everyWrite().entrySet()) {
            setUpAgain();
            storage.runInTransaction(() -> write.getValue().accept(rows));
            assertThat(StoreFixtures.captured(db.connection())).as(write.getKey()).isNotEmpty();
        }
    }

    @Test
    void theGuardIsHeldFromTheApplysFirstWriteToLhsTablesNotBefore() throws Exception {
        storage.applyingRemote(() -> {
            assertThat(rows.lore("l1")).isPresent();
            assertThat(guardHeld()).as("nothing to guard yet").isFalse();
            rows.upsertLore(lore("l4", "from a peer"));
            assertThat(guardHeld()).as("held from the first write").isTrue();
            rows.upsertLore(lore("l5", "from a peer too"));
            return null;
        });
        assertThat(StoreFixtures.captured(db.connection())).isEmpty();
        assertThat(EchoGuard.isHeld(db.connection())).isFalse();
        assertThat(rows.lore("l5")).isPresent();
    }

    @Test
    void afterAnApplyTheUsersOwnWritesAreCapturedAgain() throws Exception {
        storage.applyingRemote(() -> rows.upsertLore(lore("l4", "from a peer")));
        storage.runInTransaction(() -> rows.upsertLore(lore("l6", "the user's")));
        assertThat(StoreFixtures.captured(db.connection())).containsExactly("lores I l6 @r1");
    }

    @Test
    void aFailedApplyLeavesNeitherItsWritesNorItsGuard() throws Exception {
        assertThatThrownBy(() -> storage.applyingRemote(() -> {
            rows.upsertLore(lore("l4", "from a peer"));
            throw new IllegalStateException("the next event failed");
        })).hasMessage("the next event failed");
        assertThat(rows.lore("l4")).isEmpty();
        assertThat(EchoGuard.isHeld(db.connection())).isFalse();
        storage.runInTransaction(() -> rows.upsertLore(lore("l6", "the user's")));
        assertThat(StoreFixtures.captured(db.connection())).containsExactly("lores I l6 @r1");
    }

    private boolean guardHeld() {
        try {
            return EchoGuard.isHeld(db.connection());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh database for each write, the same as {@link #setUp}'s. */
    private void setUpAgain() throws Exception {
        db.close();
        java.nio.file.Path sub = java.nio.file.Files.createTempDirectory(dir, "again");
        dir = sub;
        setUp();
    }
}
