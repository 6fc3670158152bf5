package dev.lorehub.node.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule lh relies on, broken once, is reported once, naming the row, column and problem. */
class LhCompatibilityTest {

    private static final String NOW = "2025-07-13T02:18:14.000Z";

    @TempDir
    Path dir;

    private LhWriter lh;
    private String realm;
    private String a;
    private String b;

    @BeforeEach
    void setUp() throws SQLException {
        Path file = dir.resolve("lorehub.db");
        LhWriter.createDatabaseAsLh(file);
        lh = new LhWriter(file);
        realm = lh.addRealm("app", "/work/app", "git@example.com:team/app.git");
        a = lh.addLore(realm, "a", "decree", List.of("sqlite", "wal"));
        b = lh.addLore(realm, "b");
        lh.addRelation(a, b, "supports", 0.25, Map.of("note", "measured"));
        // Rows with the SQLite column defaults (the other date form) are fine too.
        lh.update("insert into realms (id, name, path) values ('defaults', 'old', '/old')");
        // Some checks need rows the foreign keys would refuse.
        try (Statement s = lh.connection().createStatement()) {
            s.execute("PRAGMA foreign_keys = OFF");
        }
    }

    @AfterEach
    void tearDown() throws SQLException {
        lh.close();
    }

    @Test
    void rowsWrittenTheWayLhWritesThemAreFine() throws SQLException {
        assertThat(LhCompatibility.check(lh.connection())).isEmpty();
    }

    @Test
    void invalidJsonInAnyJsonColumnIsReported() throws SQLException {
        lh.update("update lores set sigils = '[\"a\",]' where id = ?", a);
        lh.update("update lores set origin = '{type: \"manual\"}' where id = ?", b);
        lh.update("update realms set provinces = '[] x' where id = ?", realm);
        lh.update("update lore_relations set metadata = '{\"a\":NaN}'");

        assertThat(descriptions()).satisfiesExactlyInAnyOrder(
            d -> assertThat(d).startsWith("realms[" + realm + "].provinces: is not valid JSON '[] x'"),
            d -> assertThat(d).startsWith("lores[" + a + "].sigils: is not valid JSON"),
            d -> assertThat(d).startsWith("lores[" + b + "].origin: is not valid JSON"),
            d -> assertThat(d).startsWith("lore_relations[" + a + " -> " + b + " (supports)].metadata: "
                + "is not valid JSON"));
    }

    @Test
    void listsMustBeArraysOfStringsAndOriginAnObjectWithAKnownType() throws SQLException {
        lh.update("update lores set provinces = '{\"api\":true}', sigils = '[\"ok\", 3]' where id = ?", a);
        lh.update("update lores set origin = '[\"manual\"]' where id = ?", b);
        lh.update("update realms set provinces = '\"web\"' where id = ?", realm);
        lh.update("update lore_relations set metadata = '[]'");
        lh.update("insert into lores (id, realm_id, content, type, origin, created_at, updated_at) "
            + "values ('c', ?, 'c', 'wisdom', '{\"type\":\"dreamt\"}', ?, ?)", realm, NOW, NOW);

        assertThat(descriptions()).containsExactlyInAnyOrder(
            "realms[" + realm + "].provinces: must be a JSON array of strings, is '\"web\"'",
            "lores[" + a + "].provinces: must be a JSON array of strings, is '{\"api\":true}'",
            "lores[" + a + "].sigils: must be a JSON array of strings, has element 3",
            "lores[" + b + "].origin: must be a JSON object, is '[\"manual\"]'",
            "lores[c].origin: type must be one of [imported, inferred, manual], origin is '{\"type\":\"dreamt\"}'",
            "lore_relations[" + a + " -> " + b + " (supports)].metadata: must be a JSON object, is '[]'");
    }

    @Test
    void unparseableDatesAreReportedAndBothLhFormsAccepted() throws SQLException {
        lh.update("update lores set created_at = '2025-07-13 02:18:14', updated_at = 'yesterday' where id = ?", a);
        lh.update("update lores set updated_at = 1752038466479 where id = ?", b); // TEXT affinity: stored as text
        lh.update("update realms set last_seen = '2025-02-30T00:00:00.000Z' where id = ?", realm);
        lh.update("update lore_relations set created_at = ''");

        assertThat(descriptions()).satisfiesExactlyInAnyOrder(
            d -> assertThat(d).startsWith("realms[" + realm + "].last_seen: unparseable date '2025-02-30T"),
            d -> assertThat(d).startsWith("lores[" + a + "].updated_at: unparseable date 'yesterday' (text)"),
            d -> assertThat(d).startsWith("lores[" + b + "].updated_at: unparseable date '1752038466479' (text)"),
            d -> assertThat(d).startsWith("lore_relations[" + a + " -> " + b + " (supports)].created_at: "
                + "unparseable date ''"));
    }

    @Test
    void aLoreWithoutItsRealmIsReported() throws SQLException {
        lh.update("update lores set realm_id = 'gone' where id = ?", a);
        assertThat(descriptions()).singleElement().asString()
            .startsWith("lores[" + a + "].realm_id: realm 'gone' does not exist: lh silently hides");
    }

    @Test
    void relationsToThemselvesOrToMissingLoresAreReported() throws SQLException {
        lh.update("insert into lore_relations (from_lore_id, to_lore_id, type, created_at) values (?, ?, ?, ?)",
            a, a, "supports", NOW);
        lh.update("insert into lore_relations (from_lore_id, to_lore_id, type, created_at) values (?, ?, ?, ?)",
            "ghost", b, "challenges", NOW);
        lh.update("insert into lore_relations (from_lore_id, to_lore_id, type, created_at) values (?, ?, ?, ?)",
            b, "ghost", "challenges", NOW);

        assertThat(descriptions()).containsExactlyInAnyOrder(
            "lore_relations[" + a + " -> " + a + " (supports)]: relates a lore to itself; lh requires from != to",
            "lore_relations[ghost -> " + b + " (challenges)].from_lore_id: lore 'ghost' does not exist",
            "lore_relations[" + b + " -> ghost (challenges)].to_lore_id: lore 'ghost' does not exist");
    }

    @Test
    void numbersOutOfRangeOrOfTheWrongKindAreReported() throws SQLException {
        lh.update("update lores set confidence = 101 where id = ?", a);
        lh.update("update lores set confidence = 'high' where id = ?", b);
        lh.update("update lore_relations set strength = 1.5");
        lh.update("update realms set is_monorepo = 2 where id = ?", realm);

        assertThat(descriptions()).containsExactlyInAnyOrder(
            "realms[" + realm + "].is_monorepo: must be the integer 0 or 1, is '2'",
            "lores[" + a + "].confidence: must be an integer from 0 to 100, is '101'",
            "lores[" + b + "].confidence: must be an integer from 0 to 100, is 'high'",
            "lore_relations[" + a + " -> " + b + " (supports)].strength: must be a number from 0 to 1, is '1.5'");
    }

    @Test
    void unknownTypesAndStatusesAreReported() throws SQLException {
        lh.update("update lores set type = 'gossip', status = 'deleted' where id = ?", a);
        lh.update("update lores set type = 'lesson', status = 'active' where id = ?", b); // older, still known
        lh.update("update lore_relations set type = 'likes'");

        assertThat(descriptions()).satisfiesExactlyInAnyOrder(
            d -> assertThat(d).startsWith("lores[" + a + "].type: 'gossip' is not one lh knows"),
            d -> assertThat(d).startsWith("lores[" + a + "].status: 'deleted' is not one lh knows"),
            d -> assertThat(d).startsWith("lore_relations[" + a + " -> " + b + " (likes)].type: 'likes' is not"));
    }

    @Test
    void anIncompleteMigrationRecordIsReported() throws SQLException {
        lh.update("delete from __drizzle_migrations where created_at > 1752038466489");
        assertThat(descriptions()).singleElement().asString()
            .startsWith("__drizzle_migrations.created_at: newest recorded migration is 1752038466489");
        lh.update("drop table __drizzle_migrations");
        assertThat(descriptions()).singleElement().asString()
            .startsWith("__drizzle_migrations: missing: lh would try to create its tables again");
    }

    /** A checker keeps its statements across checks and still sees every change made between them. */
    @Test
    void aCheckerKeptAcrossChangesListsWhatAFreshCheckLists() throws SQLException {
        LhCompatibility.Checker checker = LhCompatibility.checker(lh.connection());
        assertThat(describe(checker.check())).isEmpty();
        lh.update("update lores set sigils = '[\"a\",]', type = 'gossip' where id = ?", a);
        assertThat(describe(checker.check())).hasSize(2).containsExactlyElementsOf(descriptions());
        lh.update("update lore_relations set strength = 1.5");
        assertThat(describe(checker.check())).hasSize(3).containsExactlyElementsOf(descriptions());
        lh.update("delete from __drizzle_migrations where created_at > 1752038466489");
        assertThat(describe(checker.check())).hasSize(4).containsExactlyElementsOf(descriptions());
        lh.update("drop table __drizzle_migrations");
        assertThat(describe(checker.check())).hasSize(4).containsExactlyElementsOf(descriptions());
        lh.update("update lores set sigils = '[]', type = 'wisdom' where id = ?", a);
        lh.update("update lore_relations set strength = 1");
        assertThat(describe(checker.check())).singleElement().asString().startsWith("__drizzle_migrations: missing");
    }

    /**
     * A kept checker against a fresh check after every one of many random changes, including the ones a
     * checker that remembered anything between checks could miss (a value changed past a NUL byte, one
     * changed only in its storage class, a deleted lore whose rowid a new one takes, a realm deleted under
     * unchanged lores).
     */
    @Test
    void aKeptCheckerAgreesWithAFreshCheckAfterEveryRandomChange() throws SQLException {
        String[][] changes = {
            {"type", "'wisdom'", "'gossip'", "'wis' || char(0) || 'dom'", "'wis' || char(0) || 'x'"},
            {"sigils", "'[]'", "'[\"a\"]'", "'[1]'", "'['", "x'5b5d'"},
            {"provinces", "'[]'", "'{}'", "'[\"p\"]'"},
            {"confidence", "50", "'50'", "'fifty'", "150", "50.5", "-1"},
            {"origin", "'{\"type\":\"manual\"}'", "'{\"type\":\"guess\"}'", "'[]'"},
            {"status", "'active'", "'nope'", "'active' || char(0)"},
            {"created_at", "'" + NOW + "'", "'yesterday'", "1752038466489", "'2025-07-13 02:18:14'"},
            {"updated_at", "'" + NOW + "'", "'later'"},
            {"content", "'text'", "x'00'", "12"},
            {"realm_id", "'" + realm + "'", "'defaults'", "'nowhere'"},
        };
        Random random = new Random(20261203);
        LhCompatibility.Checker checker = LhCompatibility.checker(lh.connection());
        for (int step = 0; step < 400; step++) {
            List<String> ids = new ArrayList<>();
            try (Statement s = lh.connection().createStatement();
                 ResultSet rows = s.executeQuery("select id from lores order by rowid")) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            int what = random.nextInt(20);
            if (what == 0 && !ids.isEmpty()) { // the newest lore goes and a new one takes its rowid
                lh.update("delete from lores where id = ?", ids.get(ids.size() - 1));
                lh.addLore(random.nextBoolean() ? realm : "defaults", "again " + step);
            } else if (what == 1) {
                lh.addLore(realm, "more " + step, "decree", List.of("x"));
            } else if (what == 2) {
                lh.update("delete from realms where id = 'defaults'");
                lh.update("insert into realms (id, name, path) values ('defaults', 'old', '/old')");
            } else if (what == 3) {
                lh.update("delete from realms where id = 'defaults'");
            } else if (!ids.isEmpty()) {
                String[] column = changes[random.nextInt(changes.length)];
                String value = column[1 + random.nextInt(column.length - 1)];
                lh.update("update lores set " + column[0] + " = " + value + " where id = ?", ids.get(random.nextInt(ids.size())));
            }
            if (lh.queryString("select count(*) from realms where id = 'defaults'").equals("0") && random.nextInt(3) == 0) {
                lh.update("insert into realms (id, name, path) values ('defaults', 'old', '/old')");
            }
            assertThat(describe(checker.check())).as("step %d", step).containsExactlyElementsOf(descriptions());
        }
    }

    private static List<String> describe(List<LhViolation> violations) {
        return violations.stream().map(LhViolation::describe).toList();
    }

    private List<String> descriptions() throws SQLException {
        return LhCompatibility.check(lh.connection()).stream().map(LhViolation::describe).toList();
    }
}
