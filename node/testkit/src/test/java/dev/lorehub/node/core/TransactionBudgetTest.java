package dev.lorehub.node.core;

import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write transactions are sized by how long they take (issue 12: lh waits at most 5 s for the
 * lock): the size follows the measured cost to the target, drops at once when a transaction runs
 * over, stays within its bounds, and a received batch split over several transactions gives the
 * same outcome as one transaction.
 */
class TransactionBudgetTest {
    static final long TARGET = TransactionBudget.DEFAULT_TARGET_NANOS;

    @TempDir
    Path tmp;

    @AfterEach
    void noTicker() {
        TestNode.ticker = null;
    }

    @Test
    void withoutATimeSourceTheSizeIsFixed() {
        TransactionBudget b = new TransactionBudget(null, TARGET, 8, 500);
        b.took(b.start(), 500);
        assertThat(b.size()).isEqualTo(500);
        assertThat(b.longestNanos()).isZero();
    }

    @Test
    void theSizeFollowsTheCostPerItemToTheTarget() {
        AtomicLong clock = new AtomicLong();
        TransactionBudget b = new TransactionBudget(clock::get, TARGET, 8, 4096);
        long perItem = 1_000_000; // 1 ms per event: 200 fit in the target
        for (int i = 0; i < 20; i++) {
            long started = b.start();
            int n = b.size();
            clock.addAndGet(n * perItem);
            b.took(started, n);
        }
        assertThat(b.size()).isBetween(190, 200);
        // the machine gets ten times slower: the next transaction is already under half the last
        long started = b.start();
        int n = b.size();
        clock.addAndGet(n * perItem * 10);
        b.took(started, n);
        assertThat(b.size()).isLessThanOrEqualTo(n / 2).isGreaterThanOrEqualTo(8);
        for (int i = 0; i < 20; i++) {
            started = b.start();
            n = b.size();
            clock.addAndGet(n * perItem * 10);
            b.took(started, n);
        }
        assertThat(b.size()).isBetween(19, 20);
        assertThat(b.longestNanos()).isGreaterThanOrEqualTo(TARGET);
    }

    @Test
    void itNeverLeavesItsBounds() {
        AtomicLong clock = new AtomicLong();
        TransactionBudget b = new TransactionBudget(clock::get, TARGET, 8, 64);
        for (int i = 0; i < 10; i++) {
            long started = b.start();
            clock.addAndGet(60_000_000_000L); // a minute each: as small as allowed
            b.took(started, b.size());
        }
        assertThat(b.size()).isEqualTo(8);
        for (int i = 0; i < 10; i++) {
            long started = b.start();
            clock.addAndGet(1); // free: as large as allowed
            b.took(started, b.size());
        }
        assertThat(b.size()).isEqualTo(64);
    }

    @Test
    void aBatchSplitOverSeveralTransactionsHasTheOutcomeOfOne() throws Exception {
        AtomicLong clock = new AtomicLong();
        TestNode.ticker = () -> clock.addAndGet(1_000_000_000L); // every reading a second later: everything runs over
        TestNode a = new TestNode("a", tmp, 1);
        try {
            String local = a.lh.addRealm("api", "/home/ann/api");
            for (int i = 0; i < 300; i++) {
                a.lh.addLore(local, "lore number " + i);
            }
            long now = 1_764_000_000_000L;
            a.replica.shareRealm(local, now);
            List<byte[]> batch = new ArrayList<>();
            for (var e : a.replica.events().page(a.replica.realms().keySet().iterator().next(), 0, 10_000)) {
                batch.add(e.sealed());
            }
            assertThat(batch).hasSizeGreaterThan(300);
            batch.add(150, new byte[] {1, 2, 3});
            AtomicInteger commits = new AtomicInteger();
            a.replica.faults(step -> {
                if (step.equals("commit")) {
                    commits.incrementAndGet();
                }
            });
            IngestResult r = a.replica.ingest(batch, now + 1000);
            // the first chunk is 64 (unmeasured), then at most what fits, at least 8: about batch / 8 commits
            assertThat(commits.get()).as("chunks down to 8 events").isBetween((batch.size() - 64) / 8, batch.size() / 8 + 2);
            assertThat(r.duplicates()).isEqualTo(batch.size() - 1);
            assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.index()).isEqualTo(150));
            assertThat(a.replica.longestWriteNanos()).isGreaterThan(0);
        } finally {
            a.close();
        }
    }
}
