package dev.lorehub.node.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one writer of lh's conventions writes the rows lh 0.2.2 writes (LOREHUB_SCHEMA.md), column by
 * column, as text: what {@code lh export} and lh's own readers then see.
 */
class LoreWriterTest {
    private static final Instant CREATED = Instant.parse("2025-07-13T02:18:14Z");
    private static final Instant EDITED = Instant.parse("2025-07-13T02:18:15.250Z");
    private static final String REALM = "5f0c6f5e-2d1a-4c1e-9a51-0e6a3c1d2b3f";
    private static final String LORE = "0b9c2f4e-8e7d-4a61-b3f2-6d5e4c3b2a19";
    private static final String OTHER = "c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f";

    @TempDir
    Path dir;

    private Connection connection;
    private LoreWriter writer;

    @BeforeEach
    void setUp() throws SQLException {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file, false);
        connection = LhWriter.connectAsLh(file);
        writer = new LoreWriter(connection);
    }

    @AfterEach
    void tearDown() throws SQLException {
        connection.close();
    }

    private List<String> row(String sql, String... keys) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                ps.setString(i + 1, keys[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.add(rs.getString(i));
                }
                return out;
            }
        }
    }

    private List<String> lore(String id) throws SQLException {
        return row("select id, realm_id, content, why, type, provinces, sigils, confidence, origin, status, created_at, "
            + "updated_at from lores where id = ?", id);
    }

    private void realmAndLore() throws SQLException {
        writer.insertRealm(REALM, "app", "/work/app", null, CREATED);
        writer.insertLore(LORE, REALM, "Use WAL", null, "decree", List.of(), List.of("x", "", "x"),
            LoreWriter.DEFAULT_CONFIDENCE, LoreWriter.manualOrigin("cli"), LoreWriter.DEFAULT_STATUS, CREATED);
    }

    @Test
    void aNewRealmAndLoreAreTheRowsLhWrites() throws SQLException {
        realmAndLore();

        assertThat(row("select id, name, path, git_remote, is_monorepo, provinces, last_seen, created_at from realms "
            + "where id = ?", REALM))
            .containsExactly(REALM, "app", "/work/app", null, "0", "[]", "2025-07-13T02:18:14.000Z", "2025-07-13T02:18:14.000Z");
        assertThat(lore(LORE)).containsExactly(LORE, REALM, "Use WAL", null, "decree", "[]", "[\"x\",\"\",\"x\"]", "80",
            "{\"type\":\"manual\",\"reference\":\"cli\"}", "living", "2025-07-13T02:18:14.000Z", "2025-07-13T02:18:14.000Z");
        assertThat(LhCompatibility.check(connection)).isEmpty();
    }

    @Test
    void anUpdateWritesOnlyTheGivenColumnsAndUpdatedAt() throws SQLException {
        realmAndLore();
        try (Statement s = connection.createStatement()) {
            s.execute("update lores set created_at = '2025-07-13 02:18:14' where id = '" + LORE + "'"); // lh's column default
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("status", "archived");
        changes.put("sigils", List.of("b", "a"));

        writer.updateLore(LORE, changes, EDITED);

        assertThat(lore(LORE)).containsExactly(LORE, REALM, "Use WAL", null, "decree", "[]", "[\"b\",\"a\"]", "80",
            "{\"type\":\"manual\",\"reference\":\"cli\"}", "archived", "2025-07-13 02:18:14", "2025-07-13T02:18:15.250Z");
        assertThatThrownBy(() -> writer.updateLore(LORE, Map.of("colour", "red"), EDITED))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
    }

    @Test
    void relationsAndDeletesAreLhs() throws SQLException {
        realmAndLore();
        writer.insertLore(OTHER, REALM, "Back up first", "the disk failed once", "wisdom", List.of("api"), List.of(), 150,
            LoreWriter.manualOrigin("cli"), "active", CREATED);
        writer.insertRelation(LORE, OTHER, "supports", LoreWriter.DEFAULT_STRENGTH, null, EDITED);
        writer.insertRelation(OTHER, LORE, "challenges", 0.25, LoreWriter.json(Map.of("note", "measured")), EDITED);

        assertThat(row("select strength, metadata, created_at from lore_relations where from_lore_id = ?", LORE))
            .containsExactly("1.0", null, "2025-07-13T02:18:15.250Z");
        assertThat(row("select strength, metadata from lore_relations where from_lore_id = ?", OTHER))
            .containsExactly("0.25", "{\"note\":\"measured\"}");
        assertThat(lore(OTHER).subList(5, 10)).as("stored as given, as lh stores it")
            .containsExactly("[\"api\"]", "[]", "150", "{\"type\":\"manual\",\"reference\":\"cli\"}", "active");

        writer.deleteRelation(LORE, OTHER, "supports");
        assertThat(row("select 1 from lore_relations where from_lore_id = ?", LORE)).isNull();
        assertThat(writer.deleteLore(OTHER)).isTrue();
        assertThat(row("select 1 from lore_relations where to_lore_id = ?", LORE)).as("cascaded").isNull();
        assertThat(writer.deleteLore(OTHER)).isFalse();
        assertThat(LhCompatibility.check(connection)).isEmpty();
    }

    @Test
    void touchingARealmMovesOnlyLastSeen() throws SQLException {
        realmAndLore();

        writer.touchRealm(REALM, EDITED);

        assertThat(row("select last_seen, created_at from realms where id = ?", REALM))
            .containsExactly("2025-07-13T02:18:15.250Z", "2025-07-13T02:18:14.000Z");
    }

    @Test
    void newIdsAreRandomUuidV4() {
        String id = LoreWriter.newId();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(LoreWriter.newId()).isNotEqualTo(id);
    }
}
