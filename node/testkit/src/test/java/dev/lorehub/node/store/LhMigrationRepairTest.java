package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;

import static dev.lorehub.node.store.StoreFixtures.schema;
import static dev.lorehub.node.store.StoreFixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Databases made by earlier node versions recorded all twelve lh migrations without running 0010,
 * so lh never created lores_vec there. The repair gives lh its last two migrations back, only when
 * that loses nothing, and in one transaction.
 */
class LhMigrationRepairTest {
    @TempDir
    Path dir;

    /** What earlier node versions created: 0000-0009 and 0011 run, all twelve recorded, no lores_vec. */
    private Path databaseOfAnEarlierNode() throws Exception {
        Path file = dir.resolve("lorehub.db");
        try (LoreHubDatabase db = LoreHubDatabase.create(file)) {
            db.installCapture();
            db.runInTransaction(c -> {
                try (Statement s = c.createStatement();
                     PreparedStatement record = c.prepareStatement(
                         "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES(?, ?)")) {
                    for (String sql : LoreHubSchema.migration(11).statements()) {
                        s.execute(sql);
                    }
                    for (int i : new int[] {10, 11}) {
                        record.setString(1, LoreHubSchema.migration(i).hash());
                        record.setLong(2, LoreHubSchema.migration(i).createdAt());
                        record.executeUpdate();
                    }
                }
            });
        }
        try (LhWriter lh = new LhWriter(file)) {
            String realm = lh.addRealm("api", "/work/api");
            lh.addLore(realm, "use WAL");
        }
        return file;
    }

    @Test
    void anEarlierNodesDatabaseIsRepairedSoThatLhCreatesLoresVecOnItsNextStart() throws Exception {
        Path file = databaseOfAnEarlierNode();
        assertThat(LhWriter.migrateAsLh(file)).as("the bug: lh sees every migration recorded").isEmpty();
        List<String> lores;
        try (LoreHubDatabase db = LoreHubDatabase.open(file)) {
            assertThat(LhMigrationRepair.diagnose(db.connection())).isEqualTo(LhMigrationRepair.State.NEEDS_REPAIR);
            lores = table(db.connection(), "SELECT * FROM lores");

            LhMigrationRepair.Outcome outcome = LhMigrationRepair.repair(db);

            assertThat(outcome.changed()).isTrue();
            assertThat(outcome.message()).contains("2 record(s)").contains("workspaces").contains("lores_vec");
            assertThat(LhMigrationRepair.diagnose(db.connection())).isEqualTo(LhMigrationRepair.State.AWAITING_LH);
            assertThat(StoreFixtures.one(db.connection(), "SELECT count(*) FROM __drizzle_migrations")).isEqualTo("10");
            assertThat(table(db.connection(), "SELECT * FROM lores")).as("lh's data untouched").isEqualTo(lores);
            assertThat(LhCompatibility.check(db.connection())).isEmpty();
        }

        assertThat(LhWriter.migrateAsLh(file)).containsExactly("0010_create_lores_vec_table", "0011_amusing_marvex");

        Path lhFile = dir.resolve("lh.db");
        LhWriter.createDatabaseAsLh(lhFile, true);
        try (LoreHubDatabase db = LoreHubDatabase.open(file); Connection lh = LhWriter.connectAsLh(lhFile)) {
            assertThat(LhMigrationRepair.diagnose(db.connection())).isEqualTo(LhMigrationRepair.State.COMPLETE);
            assertThat(StoreFixtures.lhSchema(db.connection())).containsExactlyElementsOf(StoreFixtures.lhSchema(lh));
            assertThat(LhCompatibility.check(db.connection())).isEmpty();
            assertThat(LhMigrationRepair.repair(db).changed()).as("nothing left to repair").isFalse();
        }
    }

    @Test
    void refusesWhenLhHasUsedA0011TableAndChangesNothing() throws Exception {
        Path file = databaseOfAnEarlierNode();
        try (LhWriter lh = new LhWriter(file)) {
            lh.update("insert into workspaces (id, name) values ('w1', 'default')");
        }
        try (LoreHubDatabase db = LoreHubDatabase.open(file)) {
            List<String> before = schema(db.connection());
            List<String> record = table(db.connection(), "SELECT * FROM __drizzle_migrations");

            assertThatThrownBy(() -> LhMigrationRepair.repair(db))
                .isInstanceOf(LoreHubDatabaseException.class)
                .hasMessageContaining("table workspaces holds 1 row(s)")
                .hasMessageContaining("Nothing was changed");

            assertThat(schema(db.connection())).isEqualTo(before);
            assertThat(table(db.connection(), "SELECT * FROM __drizzle_migrations")).isEqualTo(record);
            assertThat(StoreFixtures.one(db.connection(), "SELECT count(*) FROM workspaces")).isEqualTo("1");
        }
    }

    @Test
    void leavesDatabasesThatNeedNothingAlone() throws Exception {
        Path made = dir.resolve("node.db");
        LoreHubDatabase.create(made).close();
        Path lhMade = dir.resolve("lh.db");
        LhWriter.createDatabaseAsLh(lhMade, true);
        for (Path file : List.of(made, lhMade)) {
            try (LoreHubDatabase db = LoreHubDatabase.open(file)) {
                List<String> before = schema(db.connection());
                LhMigrationRepair.Outcome outcome = LhMigrationRepair.repair(db);
                assertThat(outcome.changed()).isFalse();
                assertThat(outcome.message()).startsWith("Nothing to repair");
                assertThat(schema(db.connection())).isEqualTo(before);
            }
        }
    }

    @Test
    void refusesARecordItDoesNotRecognise() throws Exception {
        Path file = dir.resolve("node.db");
        try (LoreHubDatabase db = LoreHubDatabase.create(file)) {
            db.runInTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DELETE FROM __drizzle_migrations WHERE CAST(created_at AS INTEGER) > 1752038466484");
                }
            });
            assertThat(LhMigrationRepair.diagnose(db.connection())).isEqualTo(LhMigrationRepair.State.OTHER);
            assertThatThrownBy(() -> LhMigrationRepair.repair(db)).isInstanceOf(LoreHubDatabaseException.class)
                .hasMessageContaining("not the one earlier node versions wrote").hasMessageContaining("Nothing was changed");
        }
    }
}
