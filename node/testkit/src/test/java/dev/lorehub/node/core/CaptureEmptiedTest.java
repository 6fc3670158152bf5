package dev.lorehub.node.core;

import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Replica#captureEmptied()}: the endpoint stops looking for more captured rows after a capture
 * that took fewer than its batch, so it must say so only when the queue really was empty; a capture
 * that left rows behind must not, or the rest would wait for the next look (up to a second) for nothing.
 */
class CaptureEmptiedTest {
    @TempDir
    Path tmp;
    TestNode d;
    String realm;

    @BeforeEach
    void oneSharedRealm() throws Exception {
        d = new TestNode("d", tmp, 31);
        realm = d.lh.addRealm("api", "/d/api");
        d.replica.shareRealm(realm, System.currentTimeMillis());
        d.replica.captureLocalChanges(System.currentTimeMillis());
    }

    @AfterEach
    void close() throws Exception {
        d.close();
    }

    @Test
    void aCaptureThatTookEveryRowSaysTheQueueIsEmpty() throws Exception {
        d.lh.addLore(realm, "one lore");
        assertThat(d.replica.captureLocalChanges(System.currentTimeMillis())).isNotEmpty();
        assertThat(d.replica.captureEmptied()).isTrue();
        assertThat(d.replica.hasPendingCapture()).isFalse();
    }

    @Test
    void aCaptureThatLeftRowsBehindDoesNotSayItEmptiedTheQueue() throws Exception {
        for (int i = 0; i <= Replica.CAPTURE_BATCH; i++) { // one more than the largest batch
            d.lh.addLore(realm, "lore " + i);
        }
        d.replica.captureLocalChanges(System.currentTimeMillis());
        assertThat(d.replica.captureEmptied()).isFalse();
        assertThat(d.replica.hasPendingCapture()).isTrue();
        int captures = 1;
        while (!d.replica.captureEmptied() && captures < 100) {
            d.replica.captureLocalChanges(System.currentTimeMillis());
            captures++;
        }
        assertThat(d.replica.captureEmptied()).isTrue();
        assertThat(d.replica.hasPendingCapture()).isFalse();
        assertThat(d.lh.queryString("SELECT count(*) FROM lores")).isEqualTo(String.valueOf(Replica.CAPTURE_BATCH + 1));
    }
}
