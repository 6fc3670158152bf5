package dev.lorehub.node.store;

import dev.lorehub.node.core.LoreRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the node writes lh's lore rows. */
class LoreTablesTest {
    @TempDir
    Path dir;

    private LoreHubDatabase db;
    private LoreTables tables;

    @BeforeEach
    void setUp() throws Exception {
        db = StoreFixtures.lhDatabaseWithCapture(dir);
        db.runInTransaction(c -> LoreHubDatabaseTest.insertRealm(c, "r1"));
        tables = new LoreTables(db.connection());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void anUpdateWritesOnlyTheColumnsThatChangedAndLeavesTheOthersAsLhWroteThem() throws Exception {
        // lh's row, with timestamps in a text the node reads as the same instants but would print otherwise
        db.runInTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO lores (id, realm_id, content, why, type, provinces, sigils, confidence, origin, status, "
                    + "created_at, updated_at) VALUES ('l1', 'r1', 'old text', NULL, 'fact', '[]', '[\"a\"]', 80, "
                    + "'{\"source\":\"lh\"}', 'active', '2025-07-13 02:18:14', '2025-07-13 02:18:14')");
            }
        });
        LoreRow current = tables.lore("l1").orElseThrow();
        assertThat(current.createdAt()).as("read as the node normalises it").isEqualTo("2025-07-13T02:18:14.000Z");
        LoreRow edited = new LoreRow("l1", "r1", "new text", null, "fact", "[]", "[\"a\"]", 80, "{\"source\":\"lh\"}",
            "active", current.createdAt(), "2025-07-14T00:00:00.000Z");

        db.runInTransaction(c -> {
            tables.writeLore(edited, current);
        });

        assertThat(StoreFixtures.table(db.connection(), "SELECT content, created_at, updated_at, sigils FROM lores WHERE id = 'l1'"))
            .containsExactly("new text|2025-07-13 02:18:14|2025-07-14T00:00:00.000Z|[\"a\"]");
        assertThat(tables.lore("l1")).contains(edited);
    }

    @Test
    void aRowNotThereIsInsertedAndARowOfAnotherLoreIsRefused() throws Exception {
        LoreRow row = new LoreRow("l2", "r1", "text", "why", "fact", "[]", "[]", 50, "{}", "active",
            "2025-07-13T02:18:14.000Z", "2025-07-13T02:18:14.000Z");
        db.runInTransaction(c -> {
            tables.writeLore(row, null);
        });
        assertThat(tables.lore("l2")).contains(row);
        LoreRow other = new LoreRow("l3", "r1", "text", "why", "fact", "[]", "[]", 50, "{}", "active",
            "2025-07-13T02:18:14.000Z", "2025-07-13T02:18:14.000Z");
        assertThatThrownBy(() -> tables.writeLore(other, row)).isInstanceOf(IllegalArgumentException.class);
    }
}
