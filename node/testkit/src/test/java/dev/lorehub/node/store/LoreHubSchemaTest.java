package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

import static dev.lorehub.node.store.StoreFixtures.rows;
import static dev.lorehub.node.store.StoreFixtures.schema;
import static dev.lorehub.node.store.StoreFixtures.table;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database the node creates is the database lh 0.2.2 creates through migration 0009, so that
 * lh's next start applies 0010 (lores_vec, with its extension) and 0011 itself.
 */
class LoreHubSchemaTest {

    /** The hashes lh records in __drizzle_migrations (LOREHUB_SCHEMA.md), copied independently. */
    private static final List<String> LH_RECORDED_HASHES = List.of(
        "ff400a75134556222819ccaad624e8f578f9d433ba5999a6b212a85ab03d17f6",
        "9dc3b95df26f721cc4cb184648bf4d42d4c5a8ec823d11f907c7169fae41b459",
        "6e6fa852e32d5db0d970bc611133b98a763e61d7b3a2dddca93c3597a95e784e",
        "c47df0bae41524a267553237d2108e984f483711daa83fb77332ef86ff870c08",
        "919876a16747123c1176a6026b11bf918d2016ae086ac73f8296892f53b591ed",
        "fafe5afe1f4ebc32cc655f30f528478397c9a2f729c9c3753fb0d40ded267c95",
        "fe00d0412077061bbe906e36fc0f06146f129ed367eccec5c059ab29eb0e3831",
        "4aec120e4895e39c8cf9354db51cb94cbb2e0e42ce6a607841794e61484fffad",
        "f90a43300c9a88ac1255ed37272cc19a8044d80ac14689307e4a821dae9e96d3",
        "4fa132a111de212fc258c473b15a197b7d5d2282d5d455bc4d0bcd1aacf4ab02",
        "b17a454eb87421c6127c477f609d9a35ea94eda3fd138a6587508861a6deeeb3",
        "63c516782316139b02447d499c3e4a6f43a0a9fe8258333c053599cbb77b51d4");

    @TempDir
    Path dir;

    @Test
    void migrationTextsAreByteExactCopiesOfLhsFiles() throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        List<String> hashes = LoreHubSchema.MIGRATIONS.stream()
            .map(m -> HexFormat.of().formatHex(sha256.digest(m.fileText().getBytes(StandardCharsets.UTF_8))))
            .toList();
        assertThat(hashes).containsExactlyElementsOf(LH_RECORDED_HASHES);
        assertThat(LoreHubSchema.MIGRATIONS).extracting(LoreHubSchema.Migration::hash)
            .containsExactlyElementsOf(LH_RECORDED_HASHES);
        assertThat(LoreHubSchema.MIGRATIONS).extracting(LoreHubSchema.Migration::index)
            .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(LoreHubSchema.MIGRATIONS.get(11).statements()).hasSize(7);
    }

    @Test
    void newDatabaseHasLhsTablesAndIndexesThroughMigration0009AndNothingElse() throws Exception {
        Path lhFile = dir.resolve("lh.db");
        LhWriter.createDatabaseAsLh(lhFile, true);
        try (LoreHubDatabase node = LoreHubDatabase.create(dir.resolve("node.db"));
             Connection lh = LhWriter.connectAsLh(lhFile)) {
            List<String> tablesOf0011 = List.of("workspaces", "realm_workspaces", "sync_state");
            List<String> lhThrough0009 = schema(lh).stream()
                .filter(object -> !object.contains("lores_vec") && !object.contains("sqlite_sequence"))
                .filter(object -> tablesOf0011.stream().noneMatch(table -> object.contains(" on " + table + ": ")))
                .toList();
            assertThat(schema(node.connection())).containsExactlyElementsOf(lhThrough0009);
            assertThat(rows(node.connection(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
                .containsExactlyInAnyOrderElementsOf(LoreHubSchema.NODE_CREATED_TABLES);
            assertThat(table(node.connection(), "SELECT * FROM __drizzle_migrations"))
                .containsExactlyElementsOf(table(lh, "SELECT * FROM __drizzle_migrations LIMIT 10"));
        }
    }

    @Test
    void migrationRecordHasTheTenRowsOf0000To0009WithNullIdsAndLhsHashesAndTimestamps() throws Exception {
        try (LoreHubDatabase node = LoreHubDatabase.create(dir.resolve("node.db"))) {
            assertThat(table(node.connection(),
                "SELECT id IS NULL, hash, created_at, typeof(created_at) FROM __drizzle_migrations ORDER BY rowid"))
                .containsExactlyElementsOf(LoreHubSchema.MIGRATIONS.subList(0, 10).stream()
                    .map(m -> "1|" + m.hash() + "|" + m.createdAt() + "|integer")
                    .toList());
        }
    }

    /**
     * Drizzle's SQLite migrator (drizzle-orm sqlite-core {@code migrate}) selects the newest row
     * {@code ORDER BY created_at DESC LIMIT 1} and runs every journal entry whose folder timestamp is
     * greater. Simulated here from the recorded rows and the timestamps copied from lh's journal:
     * on a node-made database it picks exactly 0010 and 0011, so lh creates lores_vec itself.
     */
    @Test
    void drizzleOnLhsNextStartAppliesExactly0010And0011() throws Exception {
        long[] journal = {1752038466479L, 1752038466480L, 1752038466481L, 1752038466482L, 1752038466483L,
            1752038466484L, 1752038466485L, 1752038466486L, 1752038466487L, 1752038466488L, 1752038466489L,
            1752220200341L};
        try (LoreHubDatabase node = LoreHubDatabase.create(dir.resolve("node.db"))) {
            long newest = Long.parseLong(StoreFixtures.one(node.connection(),
                "SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1"));
            List<Integer> selected = java.util.stream.IntStream.range(0, journal.length)
                .filter(i -> journal[i] > newest).boxed().toList();
            assertThat(selected).containsExactly(10, 11);
            assertThat(LoreHubSchema.pendingAfter(newest)).extracting(LoreHubSchema.Migration::index).containsExactly(10, 11);
        }
    }

    @Test
    void afterLhsNextStartTheDatabaseIsTheOneLhMakesWithLoresVec() throws Exception {
        Path lhFile = dir.resolve("lh.db");
        LhWriter.createDatabaseAsLh(lhFile, true);
        Path file = dir.resolve("node.db");
        LoreHubDatabase.create(file).close();
        try (Connection lh = LhWriter.connectAsLh(file)) {
            assertThat(LhCompatibility.check(lh)).as("lh accepts the database at 0009").isEmpty();
        }

        assertThat(LhWriter.migrateAsLh(file)).containsExactly("0010_create_lores_vec_table", "0011_amusing_marvex");

        try (Connection migrated = LhWriter.connectAsLh(file); Connection lh = LhWriter.connectAsLh(lhFile)) {
            assertThat(schema(migrated)).containsExactlyElementsOf(schema(lh));
            assertThat(table(migrated, "SELECT * FROM __drizzle_migrations"))
                .containsExactlyElementsOf(table(lh, "SELECT * FROM __drizzle_migrations"));
            assertThat(LhCompatibility.check(migrated)).as("and at 0011").isEmpty();
        }
        assertThat(LhWriter.migrateAsLh(file)).as("nothing left to apply").isEmpty();
        try (LoreHubDatabase reopened = LoreHubDatabase.open(file)) {
            reopened.installCapture();
            assertThat(LhCompatibility.check(reopened.connection())).isEmpty();
        }
    }

    @Test
    void aPendingMigrationWhoseTablesExistIsReportedBecauseLhWouldFailOnIt() throws Exception {
        Path file = dir.resolve("node.db");
        try (LoreHubDatabase node = LoreHubDatabase.create(file); Statement s = node.connection().createStatement()) {
            s.execute("CREATE TABLE workspaces (id text)");
            assertThat(LhCompatibility.check(node.connection())).singleElement().extracting(LhViolation::describe)
                .asString().contains("lh applies 0011_amusing_marvex, which fails because workspaces already exists");
        }
    }

    @Test
    void newDatabaseIsInWalModeForLhToo() throws Exception {
        Path file = dir.resolve("node.db");
        LoreHubDatabase.create(file).close();
        try (Connection lh = LhWriter.connectAsLh(file)) {
            assertThat(StoreFixtures.one(lh, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(LhCompatibility.check(lh)).isEmpty();
        }
    }

    @Test
    void lhCanWriteToANodeCreatedDatabase() throws Exception {
        Path file = dir.resolve("node.db");
        LoreHubDatabase.create(file).close();
        try (LhWriter lh = new LhWriter(file)) {
            String realm = lh.addRealm("app", "/work/app");
            String a = lh.addLore(realm, "use WAL");
            String b = lh.addLore(realm, "keep transactions short");
            lh.addRelation(a, b, "supports");
            assertThat(LhCompatibility.check(lh.connection())).isEmpty();
        }
    }
}
