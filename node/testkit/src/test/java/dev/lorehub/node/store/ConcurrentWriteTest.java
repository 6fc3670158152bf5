package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.lorehub.node.store.StoreFixtures.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * lh and the node write the same file at the same moment: whoever comes second waits for the
 * lock (busy timeout) and succeeds; no write fails with SQLITE_BUSY and no change goes uncaptured.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentWriteTest {

    @TempDir
    Path dir;

    private LoreHubDatabase db;
    private ExecutorService lhProcess;

    @BeforeEach
    void setUp() throws SQLException {
        db = StoreFixtures.lhDatabaseWithCapture(dir);
        lhProcess = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        lhProcess.shutdownNow();
        assertThat(lhProcess.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        db.close();
    }

    @Test
    void lhWritingWhileTheNodeHoldsItsTransactionWaitsAndSucceeds() throws Exception {
        String realm;
        try (LhWriter setup = new LhWriter(db.file())) {
            realm = setup.addRealm("app", "/work/app");
        }
        CountDownLatch nodeHoldsLock = new CountDownLatch(1);
        CountDownLatch releaseNode = new CountDownLatch(1);
        ExecutorService nodeSide = Executors.newSingleThreadExecutor();
        Future<?> nodeApply = nodeSide.submit(() -> {
            db.runApplying(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE realms SET name = 'renamed by a peer'");
                }
                nodeHoldsLock.countDown();
                releaseNode.await(20, TimeUnit.SECONDS);
            });
            return null;
        });
        assertThat(nodeHoldsLock.await(10, TimeUnit.SECONDS)).isTrue();

        Future<String> lhWrite = lhProcess.submit(() -> {
            try (LhWriter lh = new LhWriter(db.file())) {
                return lh.addLore(realm, "written while the node applies");
            }
        });
        // lh is blocked on the lock, not failed.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !lhWrite.isDone());
        releaseNode.countDown();
        String lore = lhWrite.get(10, TimeUnit.SECONDS);
        nodeApply.get(10, TimeUnit.SECONDS);
        nodeSide.shutdown();

        Connection c = db.connection();
        assertThat(one(c, "SELECT name FROM realms")).isEqualTo("renamed by a peer");
        assertThat(StoreFixtures.captured(c)).containsExactly(
            "realms I " + realm, "lores I " + lore + " @" + realm); // the node's apply: not captured
    }

    @Test
    void theNodeWritingWhileLhHoldsAWriteTransactionWaitsAndSucceeds() throws Exception {
        CountDownLatch lhHoldsLock = new CountDownLatch(1);
        CountDownLatch releaseLh = new CountDownLatch(1);
        Future<String> lhTransaction = lhProcess.submit(() -> {
            try (LhWriter lh = new LhWriter(db.file()); Statement s = lh.connection().createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                String realm = lh.addRealm("app", "/work/app");
                lhHoldsLock.countDown();
                releaseLh.await(20, TimeUnit.SECONDS);
                s.execute("COMMIT");
                return realm;
            }
        });
        assertThat(lhHoldsLock.await(10, TimeUnit.SECONDS)).isTrue();

        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            releaseLh.countDown();
        });
        releaser.start();
        long started = System.nanoTime();
        db.runInTransaction(c -> LoreHubDatabaseTest.insertRealm(c, "node-realm"));
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        String lhRealm = lhTransaction.get(10, TimeUnit.SECONDS);
        releaser.join(10_000);

        assertThat(waitedMs).isGreaterThanOrEqualTo(200);
        assertThat(StoreFixtures.captured(db.connection()))
            .containsExactly("realms I " + lhRealm, "realms I node-realm");
    }

    @Test
    void interleavedWritesFromBothSidesAllSucceedAndEveryLhChangeIsCaptured() throws Exception {
        String realm;
        try (LhWriter setup = new LhWriter(db.file())) {
            realm = setup.addRealm("app", "/work/app");
        }
        db.runInTransaction(c -> ChangeCapture.deleteThrough(c, Long.MAX_VALUE));
        int lhWrites = 150;
        Future<List<String>> lhSide = lhProcess.submit(() -> {
            List<String> ids = new ArrayList<>();
            try (LhWriter lh = new LhWriter(db.file())) {
                for (int i = 0; i < lhWrites; i++) {
                    ids.add(lh.addLore(realm, "lh lore " + i));
                }
            }
            return ids;
        });
        // Meanwhile the node drains capture and applies remote lores, transaction after transaction.
        List<CapturedChange> drained = new ArrayList<>();
        int applied = 0;
        while (!lhSide.isDone() || ChangeCapture.pendingCount(db.connection()) > 0) {
            int n = applied++;
            drained.addAll(db.applyingRemote(c -> {
                List<CapturedChange> batch = ChangeCapture.readPending(c, 20);
                if (!batch.isEmpty()) {
                    ChangeCapture.deleteThrough(c, batch.get(batch.size() - 1).seq());
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO lores (id, realm_id, content, type, origin, created_at, updated_at) "
                        + "VALUES ('remote-" + n + "', '" + realm + "', 'remote', 'wisdom', '{\"type\":\"imported\"}', "
                        + "'2025-07-13T02:18:14.000Z', '2025-07-13T02:18:14.000Z')");
                }
                return batch;
            }));
            if (applied > 5_000) {
                throw new AssertionError("the node never caught up");
            }
        }
        List<String> lhIds = lhSide.get(30, TimeUnit.SECONDS);

        assertThat(drained).extracting(CapturedChange::id).containsExactlyElementsOf(lhIds);
        assertThat(drained).extracting(CapturedChange::seq).isSorted().doesNotHaveDuplicates();
        assertThat(one(db.connection(), "SELECT count(*) FROM lores")).isEqualTo(String.valueOf(lhWrites + applied));
    }
}
