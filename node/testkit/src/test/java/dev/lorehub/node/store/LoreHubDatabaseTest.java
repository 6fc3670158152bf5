package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.lorehub.node.store.StoreFixtures.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening, creating, connection settings, clear errors and the transaction helper. */
class LoreHubDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void opensAnLhCreatedDatabaseWithDurableConcurrentSettings() throws Exception {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file);
        try (LoreHubDatabase db = LoreHubDatabase.open(file)) {
            Connection c = db.connection();
            assertThat(one(c, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(one(c, "PRAGMA synchronous")).isEqualTo("2"); // FULL
            assertThat(one(c, "PRAGMA foreign_keys")).isEqualTo("1");
            assertThat(one(c, "PRAGMA busy_timeout")).isEqualTo("10000");
            assertThat(db.file()).isEqualTo(file.toAbsolutePath());
        }
    }

    @Test
    void busyTimeoutCanBeChosen() throws Exception {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file);
        try (LoreHubDatabase db = LoreHubDatabase.open(file, LoreHubDatabase.Settings.DEFAULT.withBusyTimeout(java.time.Duration.ofSeconds(3)))) {
            assertThat(one(db.connection(), "PRAGMA busy_timeout")).isEqualTo("3000");
        }
    }

    @Test
    void missingFileIsAClearErrorAndNothingIsCreated() {
        Path file = dir.resolve("lorehub.db");
        assertThatThrownBy(() -> LoreHubDatabase.open(file))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("Run `lh` once");
        assertThat(file).doesNotExist();
    }

    @Test
    void missingDirectoryIsAClearError() {
        Path file = dir.resolve(".lorehub").resolve("lorehub.db");
        assertThatThrownBy(() -> LoreHubDatabase.open(file))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining("the directory " + dir.resolve(".lorehub") + " does not exist")
            .hasMessageContaining("run `lh` once");
        assertThat(dir.resolve(".lorehub")).doesNotExist();
    }

    @Test
    void databaseWithoutLhTablesIsRejectedNamingFileAndMissingTables() throws Exception {
        Path file = dir.resolve("lorehub.db");
        try (Connection c = LhWriter.connectAsLh(file); Statement s = c.createStatement()) {
            s.execute(LoreHubSchema.MIGRATIONS.get(0).fileText()); // realms only
        }
        assertThatThrownBy(() -> LoreHubDatabase.open(file))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("lacks table lores, table lore_relations")
            .hasMessageContaining("Run `lh` once");
    }

    @Test
    void databaseWithAMissingColumnIsRejectedNamingTheColumn() throws Exception {
        Path file = dir.resolve("lorehub.db");
        try (Connection c = LhWriter.connectAsLh(file); Statement s = c.createStatement()) {
            s.execute(LoreHubSchema.MIGRATIONS.get(0).fileText());
            s.execute("CREATE TABLE lores (id text primary key, realm_id text, content text, why text, type text, "
                + "provinces text, sigils text, confidence integer, status text, created_at text, updated_at text)");
            s.execute(LoreHubSchema.MIGRATIONS.get(2).fileText());
        }
        assertThatThrownBy(() -> LoreHubDatabase.open(file))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining("lacks column lores.origin");
    }

    @Test
    void fileThatIsNotSqliteIsAClearError() throws IOException {
        Path file = dir.resolve("lorehub.db");
        Files.writeString(file, "this is not a database, it is a note about one. ".repeat(40));
        assertThatThrownBy(() -> LoreHubDatabase.open(file))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("not a database");
    }

    @Test
    void createRefusesAnExistingFileAndCreatesMissingDirectories() throws Exception {
        Path file = dir.resolve("home").resolve(".lorehub").resolve("lorehub.db");
        LoreHubDatabase.create(file).close();
        assertThat(file).exists();
        assertThatThrownBy(() -> LoreHubDatabase.create(file))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining("already exists");
        try (LoreHubDatabase db = LoreHubDatabase.openOrCreate(file)) {
            assertThat(one(db.connection(), "SELECT count(*) FROM __drizzle_migrations")).isEqualTo("10");
        }
        try (LoreHubDatabase db = LoreHubDatabase.openOrCreate(dir.resolve("other.db"))) {
            assertThat(one(db.connection(), "SELECT count(*) FROM realms")).isEqualTo("0");
        }
    }

    @Test
    void transactionCommitsAndReturnsTheResult() throws Exception {
        try (LoreHubDatabase db = LoreHubDatabase.create(dir.resolve("lorehub.db"))) {
            int inserted = db.inTransaction(c -> insertRealm(c, "r1"));
            assertThat(inserted).isEqualTo(1);
            try (Connection other = LhWriter.connectAsLh(db.file())) {
                assertThat(one(other, "SELECT count(*) FROM realms")).isEqualTo("1");
            }
        }
    }

    @Test
    void transactionRollsBackOnAnyExceptionAndRethrowsItUnchanged() throws Exception {
        try (LoreHubDatabase db = LoreHubDatabase.create(dir.resolve("lorehub.db"))) {
            IOException checked = new IOException("disk said no");
            assertThatThrownBy(() -> db.runInTransaction(c -> {
                insertRealm(c, "r1");
                throw checked;
            })).isSameAs(checked);

            IllegalStateException unchecked = new IllegalStateException("merge bug");
            assertThatThrownBy(() -> db.runInTransaction(c -> {
                insertRealm(c, "r2");
                throw unchecked;
            })).isSameAs(unchecked);

            assertThatThrownBy(() -> db.runInTransaction(c -> {
                insertRealm(c, "r3");
                insertRealm(c, "r3"); // duplicate primary key
            })).isInstanceOf(SQLException.class);

            assertThat(one(db.connection(), "SELECT count(*) FROM realms")).isEqualTo("0");
            // The connection is usable afterwards: no transaction was left open.
            db.runInTransaction(c -> insertRealm(c, "r4"));
            assertThat(one(db.connection(), "SELECT group_concat(id) FROM realms")).isEqualTo("r4");
        }
    }

    @Test
    void transactionsDoNotNest() throws Exception {
        try (LoreHubDatabase db = LoreHubDatabase.create(dir.resolve("lorehub.db"))) {
            assertThatThrownBy(() -> db.runInTransaction(c -> {
                insertRealm(c, "outer");
                db.runInTransaction(inner -> insertRealm(inner, "inner"));
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("do not nest");
            assertThat(one(db.connection(), "SELECT count(*) FROM realms")).isEqualTo("0");
        }
    }

    @Test
    void aGuardRowCommittedByMistakeIsRemovedOnOpen() throws Exception {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file);
        try (LoreHubDatabase db = LoreHubDatabase.open(file)) {
            db.installCapture();
        }
        try (LhWriter other = new LhWriter(file)) {
            other.update("INSERT INTO lhsync_guard (held) VALUES (1)");
        }
        try (LoreHubDatabase db = LoreHubDatabase.open(file); LhWriter lh = new LhWriter(file)) {
            assertThat(EchoGuard.isHeld(db.connection())).isFalse();
            lh.addRealm("app", "/app");
            assertThat(ChangeCapture.pendingCount(db.connection())).isEqualTo(1);
        }
    }

    /** The simulator's disk: a database in memory, kept by one connection, opened and crashed by the node. */
    @Test
    void anInMemoryDatabaseKeepsEveryCommitAcrossACrashAndLosesExactlyTheOpenTransaction() throws Exception {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file);
        try (Connection asLh = LhWriter.connectAsLh(file); Statement s = asLh.createStatement()) {
            s.execute("PRAGMA journal_mode = DELETE"); // memdb cannot open an image of a WAL-mode database
        }
        Path name = dir.resolve("device").resolve("lorehub.db"); // no such file: only the name of the database in memory
        try (Connection disk = java.sql.DriverManager.getConnection(LoreHubDatabase.inMemoryUrl(name))) {
            try (Statement s = disk.createStatement()) {
                s.executeUpdate("restore from '" + file + "'");
            }
            LoreHubDatabase.Settings settings = LoreHubDatabase.Settings.DEFAULT.withFsyncCommits(false);
            LoreHubDatabase node = LoreHubDatabase.openInMemory(name, settings);
            assertThat(one(node.connection(), "PRAGMA journal_mode")).isEqualTo("memory");
            assertThat(one(node.connection(), "PRAGMA foreign_keys")).isEqualTo("1");
            assertThat(node.file()).isEqualTo(name.toAbsolutePath());
            node.runInTransaction(c -> insertRealm(c, "committed"));
            try (Statement s = node.connection().createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                s.executeUpdate("INSERT INTO realms (id, name, path) VALUES ('open', 'n', '/p/open')");
            }
            node.close(); // the process dies inside its transaction

            assertThat(one(disk, "SELECT group_concat(id) FROM realms")).isEqualTo("committed");
            try (LoreHubDatabase restarted = LoreHubDatabase.openInMemory(name, settings)) {
                assertThat(one(restarted.connection(), "SELECT group_concat(id) FROM realms")).isEqualTo("committed");
            }
            assertThat(name).doesNotExist();
            assertThat(name.getParent()).doesNotExist();
        }
    }

    @Test
    void anInMemoryDatabaseNobodyKeepsIsAClearError() {
        Path name = dir.resolve("gone").resolve("lorehub.db");
        assertThatThrownBy(() -> LoreHubDatabase.openInMemory(name, LoreHubDatabase.Settings.DEFAULT))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining("No in-memory LoreHub database under " + name.toAbsolutePath())
            .hasMessageContaining("keep it open");
    }

    @Test
    void anInMemoryDatabaseWithoutLhTablesIsRejectedLikeAFile() throws Exception {
        Path name = dir.resolve("empty.db");
        try (Connection disk = java.sql.DriverManager.getConnection(LoreHubDatabase.inMemoryUrl(name));
             Statement s = disk.createStatement()) {
            s.execute("CREATE TABLE unrelated (x)");
            assertThatThrownBy(() -> LoreHubDatabase.openInMemory(name, LoreHubDatabase.Settings.DEFAULT))
                .isInstanceOf(LoreHubDatabaseException.class)
                .hasMessageContaining("not a complete LoreHub database");
        }
    }

    @Test
    void inMemoryNamesAreSharedEscapedUris() {
        assertThat(LoreHubDatabase.inMemoryUrl(Path.of("/tmp/a b/x?y#z%.db")))
            .isEqualTo("jdbc:sqlite:file:/tmp/a b/x%3fy%23z%25.db?vfs=memdb");
    }

    static int insertRealm(Connection c, String id) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO realms (id, name, path, last_seen, created_at) VALUES ('" + id
                + "', 'n', '/p/" + id + "', '2025-07-13T02:18:14.000Z', '2025-07-13T02:18:14.000Z')");
        }
    }
}
