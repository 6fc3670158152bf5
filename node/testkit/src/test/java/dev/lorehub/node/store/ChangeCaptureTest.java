package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static dev.lorehub.node.store.StoreFixtures.captured;
import static dev.lorehub.node.store.StoreFixtures.lhData;
import static dev.lorehub.node.store.StoreFixtures.lhSchema;
import static dev.lorehub.node.store.StoreFixtures.one;
import static dev.lorehub.node.store.StoreFixtures.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every insert, update and delete that lh (another connection) makes to realms, lores and
 * lore_relations is captured, cascades included; the node's guarded applies are not.
 */
class ChangeCaptureTest {

    @TempDir
    Path dir;

    private LoreHubDatabase db;
    private LhWriter lh;
    private Connection node;

    @BeforeEach
    void setUp() throws SQLException {
        db = StoreFixtures.lhDatabaseWithCapture(dir);
        node = db.connection();
        lh = new LhWriter(db.file());
    }

    @AfterEach
    void tearDown() throws SQLException {
        lh.close();
        db.close();
    }

    @Test
    void realmInsertUpdateAndDeleteAreCaptured() throws SQLException {
        String realm = lh.addRealm("app", "/work/app", "git@example.com:team/app.git");
        lh.touchRealm(realm);
        lh.renameRealm(realm, "app2");
        lh.deleteRealm(realm);
        assertThat(captured(node)).containsExactly(
            "realms I " + realm, "realms U " + realm, "realms U " + realm, "realms D " + realm);
    }

    @Test
    void loreInsertUpdateArchiveAndDeleteAreCapturedWithTheirRealm() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String lore = lh.addLore(realm, "use WAL", "decree", List.of("sqlite"));
        lh.updateLoreContent(lore, "use WAL mode");
        lh.updateLore(lore, Map.of("sigils", List.of("sqlite", "wal"), "confidence", 90));
        lh.archiveLore(lore);
        lh.deleteLore(lore);
        assertThat(captured(node)).containsExactly(
            "realms I " + realm,
            "lores I " + lore + " @" + realm,
            "lores U " + lore + " @" + realm,
            "lores U " + lore + " @" + realm,
            "lores U " + lore + " @" + realm,
            "lores D " + lore + " @" + realm);
    }

    @Test
    void relationInsertUpdateAndDeleteAreCapturedByTheirKey() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);
        lh.addRelation(a, b, "supports", 0.5, Map.of("note", "why"));
        lh.update("update lore_relations set strength = 0.7 where from_lore_id = ?", a);
        lh.deleteRelation(a, b, "supports");
        assertThat(captured(node)).containsExactly(
            "lore_relations I " + a + " " + b + " supports",
            "lore_relations U " + a + " " + b + " supports",
            "lore_relations D " + a + " " + b + " supports");
    }

    @Test
    void changingARelationsKeyIsADeleteOfTheOldKeyAndAnInsertOfTheNew() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        String c = lh.addLore(realm, "c");
        lh.addRelation(a, b, "supports");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);
        lh.update("update lore_relations set type = 'challenges' where from_lore_id = ?", a);
        lh.update("update lore_relations set to_lore_id = ? where from_lore_id = ?", c, a);
        assertThat(captured(node)).containsExactly(
            "lore_relations D " + a + " " + b + " supports",
            "lore_relations I " + a + " " + b + " challenges",
            "lore_relations D " + a + " " + b + " challenges",
            "lore_relations I " + a + " " + c + " challenges");
    }

    @Test
    void movingALoreToAnotherRealmIsADeleteFromTheOldRealmAndAnInsertIntoTheNew() throws SQLException {
        String from = lh.addRealm("app", "/work/app");
        String to = lh.addRealm("lib", "/work/lib");
        String lore = lh.addLore(from, "moves");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);
        lh.updateLore(lore, Map.of("realm_id", to));
        assertThat(captured(node)).containsExactly("lores D " + lore + " @" + from, "lores I " + lore + " @" + to);
    }

    @Test
    void deletingALoreCapturesItsCascadedRelationsInBothDirections() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        String c = lh.addLore(realm, "c");
        lh.addRelation(a, b, "supports");
        lh.addRelation(c, a, "depends_on");
        lh.addRelation(b, c, "bound_to");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);

        lh.deleteLore(a);

        assertThat(captured(node)).containsExactlyInAnyOrder(
            "lore_relations D " + a + " " + b + " supports",
            "lore_relations D " + c + " " + a + " depends_on",
            "lores D " + a + " @" + realm);
        assertThat(one(node, "SELECT count(*) FROM lore_relations")).isEqualTo("1");
    }

    @Test
    void deletingARealmCapturesEveryCascadedLoreAndRelation() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String other = lh.addRealm("lib", "/work/lib");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        String x = lh.addLore(other, "x");
        lh.addRelation(a, b, "supports");
        lh.addRelation(x, a, "depends_on"); // crosses realms: goes too, since a goes
        lh.addRelation(x, b, "challenges");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);

        lh.deleteRealm(realm);

        assertThat(captured(node)).containsExactlyInAnyOrder(
            "lore_relations D " + a + " " + b + " supports",
            "lore_relations D " + x + " " + a + " depends_on",
            "lore_relations D " + x + " " + b + " challenges",
            "lores D " + a + " @" + realm,
            "lores D " + b + " @" + realm,
            "realms D " + realm);
        assertThat(one(node, "SELECT count(*) FROM lores")).isEqualTo("1");
    }

    @Test
    void clearingWholeTablesAsLhImportDoesIsCapturedRowByRow() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        lh.addRelation(a, b, "supports");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);

        // lh import --replace: delete from lore_relations; delete from lores; delete from realms
        lh.update("delete from \"lore_relations\"");
        lh.update("delete from \"lores\"");
        lh.update("delete from \"realms\"");

        assertThat(captured(node)).containsExactlyInAnyOrder(
            "lore_relations D " + a + " " + b + " supports",
            "lores D " + a + " @" + realm, "lores D " + b + " @" + realm, "realms D " + realm);
    }

    @Test
    void insertOrReplaceOfALoreLosesNothing() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        lh.addRelation(a, b, "supports");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);

        // SQLite fires no delete trigger for the replaced row (recursive_triggers is off), but the
        // foreign-key cascade it causes is captured, and so is the new row.
        lh.update("insert or replace into lores (id, realm_id, content, type, origin) "
            + "select id, realm_id, 'a2', type, origin from lores where id = ?", a);

        assertThat(captured(node)).containsExactly(
            "lore_relations D " + a + " " + b + " supports", "lores I " + a + " @" + realm);
    }

    @Test
    void readingIsInSeqOrderWithALimitAndDeletingStopsAtTheGivenSeq() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        for (int i = 0; i < 5; i++) {
            lh.addLore(realm, "lore " + i);
        }
        List<CapturedChange> first = ChangeCapture.readPending(node, 3);
        assertThat(first).hasSize(3).extracting(CapturedChange::table).containsExactly("realms", "lores", "lores");
        assertThat(first).extracting(CapturedChange::seq).isSorted();
        List<CapturedChange> rest = ChangeCapture.readAfter(node, first.get(2).seq(), 10);
        assertThat(rest).hasSize(3).allMatch(c -> c.seq() > first.get(2).seq());

        int deleted = db.inTransaction(c -> ChangeCapture.deleteThrough(c, first.get(2).seq()));

        assertThat(deleted).isEqualTo(3);
        assertThat(ChangeCapture.readPending(node, 10)).containsExactlyElementsOf(rest);
        assertThat(ChangeCapture.pendingCount(node)).isEqualTo(3);
        CapturedChange lore = rest.get(0);
        assertThat(lore.op()).isEqualTo(CapturedChange.INSERT);
        assertThat(lore.realmId()).isEqualTo(realm);
        assertThat(lore.id2()).isNull();
        assertThat(lore.id3()).isNull();
    }

    @Test
    void seqsAreNeverReusedAfterDeletion() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        long last = ChangeCapture.readPending(node, 1).get(0).seq();
        db.runInTransaction(c -> ChangeCapture.deleteThrough(c, last));
        lh.touchRealm(realm);
        assertThat(ChangeCapture.readPending(node, 1).get(0).seq()).isGreaterThan(last);
    }

    @Test
    void theNodesGuardedAppliesAreNotCapturedAndCaptureResumesAfterwards() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        String lhLore = lh.addLore(realm, "from lh");
        ChangeCapture.deleteThrough(node, Long.MAX_VALUE);

        db.runApplying(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO lores (id, realm_id, content, type, origin, created_at, updated_at) "
                    + "VALUES ('remote-1', '" + realm + "', 'from a peer', 'wisdom', '{\"type\":\"imported\"}', "
                    + "'2025-07-13T02:18:14.000Z', '2025-07-13T02:18:14.000Z')");
                s.executeUpdate("UPDATE lores SET content = 'merged' WHERE id = '" + lhLore + "'");
                s.executeUpdate("INSERT INTO lore_relations (from_lore_id, to_lore_id, type, created_at) "
                    + "VALUES ('remote-1', '" + lhLore + "', 'supports', '2025-07-13T02:18:14.000Z')");
                s.executeUpdate("DELETE FROM lores WHERE id = '" + lhLore + "'"); // cascades the relation
            }
        });
        assertThat(captured(node)).isEmpty();
        assertThat(EchoGuard.isHeld(node)).isFalse();

        lh.addLore(realm, "lh again");
        assertThat(captured(node)).hasSize(1);
    }

    @Test
    void theGuardIsInvisibleToOtherConnectionsWhileHeld() throws SQLException {
        boolean seenByLh = db.applyingRemote(c -> {
            assertThat(EchoGuard.isHeld(c)).isTrue();
            return "1".equals(lh.queryString("SELECT count(*) FROM lhsync_guard"));
        });
        assertThat(seenByLh).isFalse();
    }

    @Test
    void aFailedApplyRollsBackItsWritesAndItsGuard() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        assertThatThrownBy(() -> db.runApplying(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE realms SET name = 'remote' WHERE id = '" + realm + "'");
            }
            throw new IllegalStateException("bad event");
        })).hasMessage("bad event");
        assertThat(one(node, "SELECT name FROM realms")).isEqualTo("app");
        assertThat(EchoGuard.isHeld(node)).isFalse();
    }

    @Test
    void aGuardHeldAtCommitIsRefusedAndRolledBack() throws SQLException {
        lh.addRealm("app", "/work/app");
        assertThatThrownBy(() -> db.runInTransaction(c -> {
            EchoGuard.hold(c); // never released: a bug
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE realms SET name = 'x'");
            }
        })).isInstanceOf(LoreHubDatabaseException.class).hasMessageContaining("still held at commit");
        assertThat(one(node, "SELECT name FROM realms")).isEqualTo("app");
        assertThat(EchoGuard.isHeld(node)).isFalse();
    }

    @Test
    void theGuardCanBeHeldForPartOfATransaction() throws SQLException {
        String realm = lh.addRealm("app", "/work/app");
        db.runInTransaction(c -> {
            EchoGuard guard = EchoGuard.hold(c);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE realms SET name = 'applied' WHERE id = '" + realm + "'");
            }
            guard.close();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE realms SET git_remote = 'local edit' WHERE id = '" + realm + "'");
            }
        });
        assertThat(captured(node)).containsExactly("realms I " + realm, "realms U " + realm);
    }

    @Test
    void theNodesOwnUnguardedWritesAreCapturedAsLocalChanges() throws SQLException {
        db.runInTransaction(c -> LoreHubDatabaseTest.insertRealm(c, "cli-realm"));
        assertThat(captured(node)).containsExactly("realms I cli-realm");
    }

    @Test
    void installingAgainChangesNothing() throws SQLException {
        List<String> before = StoreFixtures.schema(node);
        db.installCapture();
        db.installCapture();
        assertThat(StoreFixtures.schema(node)).containsExactlyElementsOf(before);
        assertThat(rows(node, "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).hasSize(9);
        String realm = lh.addRealm("app", "/work/app");
        assertThat(captured(node)).containsExactly("realms I " + realm);
    }

    @Test
    void installingOverAnOlderVersionReplacesChangedTriggersAndDropsObsoleteOnes() throws SQLException {
        db.runInTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER lhsync_capture_lores_insert");
                s.execute("CREATE TRIGGER lhsync_capture_lores_insert AFTER INSERT ON lores "
                    + "BEGIN INSERT INTO lhsync_capture (tbl, op, id) VALUES ('lores', 'X', NEW.id); END");
                s.execute("CREATE TRIGGER lhsync_capture_lores_v0 AFTER INSERT ON lores "
                    + "BEGIN INSERT INTO lhsync_capture (tbl, op, id) VALUES ('lores', 'OLD', NEW.id); END");
            }
        });
        assertThat(ChangeCapture.isInstalled(node)).isFalse();

        db.installCapture();

        assertThat(ChangeCapture.isInstalled(node)).isTrue();
        assertThat(rows(node, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%v0'")).isEmpty();
        String realm = lh.addRealm("app", "/work/app");
        String lore = lh.addLore(realm, "a");
        assertThat(captured(node)).containsExactly("realms I " + realm, "lores I " + lore + " @" + realm);
    }

    @Test
    void lhTableDefinitionsAreByteIdenticalBeforeInstallAfterInstallAndAfterUninstall() throws Exception {
        Path file = dir.resolve("pristine.db");
        LhWriter.createDatabaseAsLh(file);
        List<String> pristine;
        try (Connection c = LhWriter.connectAsLh(file)) {
            pristine = StoreFixtures.schema(c);
        }
        try (LoreHubDatabase other = LoreHubDatabase.open(file)) {
            assertThat(StoreFixtures.schema(other.connection())).containsExactlyElementsOf(pristine);
            other.installCapture();
            assertThat(lhSchema(other.connection()).stream().filter(o -> !o.startsWith("trigger")))
                .containsExactlyElementsOf(pristine.stream().filter(o -> !o.contains("sqlite_sequence")).toList());
            other.uninstallNode();
            assertThat(StoreFixtures.schema(other.connection())).containsExactlyElementsOf(pristine);
        }
    }

    @Test
    void uninstallRemovesEveryNodeObjectAndLeavesLhDataIntactAndWritable() throws Exception {
        String realm = lh.addRealm("app", "/work/app");
        String a = lh.addLore(realm, "a");
        String b = lh.addLore(realm, "b");
        lh.addRelation(a, b, "supports");
        // Tables the rest of the node keeps in the same file, with their own FK and trigger.
        db.runInTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lhsync_realm (id TEXT PRIMARY KEY)");
                s.execute("CREATE TABLE lhsync_event (id BLOB PRIMARY KEY, realm TEXT NOT NULL "
                    + "REFERENCES lhsync_realm(id))");
                s.execute("CREATE INDEX lhsync_event_realm ON lhsync_event(realm)");
                s.execute("CREATE TRIGGER lhsync_event_audit AFTER INSERT ON lhsync_event BEGIN SELECT 1; END");
                s.execute("INSERT INTO lhsync_realm VALUES ('g1')");
                s.execute("INSERT INTO lhsync_event VALUES (x'01', 'g1')");
            }
        });
        List<String> data = lhData(node);

        db.uninstallNode();

        assertThat(rows(node, "SELECT name FROM sqlite_master WHERE name LIKE 'lhsync%' OR type = 'trigger'"))
            .isEmpty();
        assertThat(lhData(node)).containsExactlyElementsOf(data);
        assertThat(one(node, "SELECT count(*) FROM sqlite_sequence WHERE name LIKE 'lhsync%'")).isEqualTo("0");
        lh.addLore(realm, "lh still works");
        lh.deleteLore(a);
        assertThat(one(node, "SELECT count(*) FROM lores")).isEqualTo("2");
        assertThat(LhCompatibility.check(node)).isEmpty();
    }

    @Test
    void uninstallingCaptureAloneKeepsTheNodesOtherTables() throws SQLException {
        db.runInTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lhsync_event (id BLOB PRIMARY KEY)");
            }
        });
        db.runInTransaction(ChangeCapture::uninstall);
        assertThat(rows(node, "SELECT name FROM sqlite_master WHERE name LIKE 'lhsync%'"))
            .containsExactly("lhsync_event");
        assertThat(ChangeCapture.isInstalled(node)).isFalse();
        lh.addRealm("app", "/work/app");
    }

    @Test
    void theGuardRequiresCaptureToBeInstalled() throws SQLException {
        db.runInTransaction(ChangeCapture::uninstall);
        assertThatThrownBy(() -> db.runApplying(c -> { }))
            .isInstanceOf(LoreHubDatabaseException.class)
            .hasMessageContaining("installCapture");
    }
}
