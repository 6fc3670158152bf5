package dev.lorehub.node.runtime;

import dev.lorehub.node.store.LhCompatibility;
import dev.lorehub.node.store.LhWriter;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.core.RealmRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code lore} commands write as lh does: a new realm and lore as lh's rows, an edit only the
 * columns it changes (as lh's {@code updateLore}), so what another writer stored stays byte for byte.
 */
class LoreEditorTest {
    private static final String ISO = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @TempDir
    Path dir;

    private LoreHubDatabase db;
    private LoreEditor editor;

    @BeforeEach
    void setUp() throws SQLException {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file, false);
        db = LoreHubDatabase.open(file);
        editor = new LoreEditor(db);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private List<String> row(String sql, String key) throws SQLException {
        try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        out.add(rs.getString(i));
                    }
                }
                return out;
            }
        }
    }

    private List<String> lore(String id) throws SQLException {
        return row("select content, why, type, provinces, sigils, confidence, origin, status, created_at, updated_at "
            + "from lores where id = ?", id);
    }

    @Test
    void aNewRealmAndLoreAreWrittenAsLhWritesThem() throws SQLException {
        Path project = dir.resolve("shop");
        RealmRow realm = editor.realmFor(project, true);
        String id = editor.add(realm.id(), "Use WAL", null, "decree", List.of("db", "db"), List.of(), 90);

        List<String> realmRow = row("select name, path, git_remote, is_monorepo, provinces, last_seen, created_at from realms "
            + "where id = ?", realm.id());
        assertThat(realmRow.subList(0, 5)).containsExactly("shop", project.toAbsolutePath().toString(), null, "0", "[]");
        assertThat(realmRow.get(5)).matches(ISO).isEqualTo(realmRow.get(6));
        List<String> l = lore(id);
        assertThat(l.subList(0, 8)).containsExactly("Use WAL", null, "decree", "[]", "[\"db\",\"db\"]", "90",
            "{\"type\":\"manual\",\"reference\":\"lorehub-node\"}", "living");
        assertThat(l.get(8)).matches(ISO).isEqualTo(l.get(9));
        assertThat(LhCompatibility.check(db.connection())).isEmpty();
    }

    @Test
    void anEditWritesOnlyTheColumnsItChanges() throws SQLException {
        RealmRow realm = editor.realmFor(dir.resolve("shop"), true);
        String id = editor.add(realm.id(), "Use WAL", "speed", "decree", List.of("db"), List.of(), 90);
        try (Statement s = db.connection().createStatement()) {
            // As another writer left them: spaced JSON, the column default's date form.
            s.execute("update lores set provinces = '[\"api\", \"web\"]', created_at = '2025-07-13 02:18:14' where id = '"
                + id + "'");
        }

        editor.edit(id, null, null, null, List.of("db", "wal"), null, "archived");

        List<String> l = lore(id);
        assertThat(l.subList(0, 9)).containsExactly("Use WAL", "speed", "decree", "[\"api\", \"web\"]", "[\"db\",\"wal\"]", "90",
            "{\"type\":\"manual\",\"reference\":\"lorehub-node\"}", "archived", "2025-07-13 02:18:14");
        assertThat(l.get(9)).matches(ISO);
    }

    @Test
    void badValuesAreRefusedBeforeAnythingIsWritten() throws SQLException {
        RealmRow realm = editor.realmFor(dir.resolve("shop"), true);
        String id = editor.add(realm.id(), "Use WAL", null, "decree", List.of(), List.of(), 90);
        List<String> before = lore(id);

        assertThatThrownBy(() -> editor.edit(id, null, null, null, null, 150, null))
            .isInstanceOfSatisfying(NodeException.class, e -> assertThat(e.reason()).isEqualTo(NodeException.Reason.USAGE))
            .hasMessage("Confidence must be within 0..100, got 150.");
        assertThat(lore(id)).isEqualTo(before);

        editor.remove(id);
        assertThat(lore(id)).isEmpty();
    }
}
