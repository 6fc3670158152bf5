package dev.lorehub.node.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database watcher on a real SQLite file written by another connection, as lh writes: each
 * commit is reported, reports are merged until handled, other files in the directory are not
 * reported, and nothing is reported after close.
 */
class DatabaseWatcherTest {
    @TempDir
    Path dir;

    @Test
    void aCommitByAnotherConnectionIsReportedAndReportsMergeUntilHandled() throws Exception {
        Path db = dir.resolve("lorehub.db");
        try (Connection lh = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = lh.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE lores (id TEXT PRIMARY KEY, content TEXT)");
            AtomicInteger reports = new AtomicInteger();
            Optional<DatabaseWatcher> started = DatabaseWatcher.start(db, reports::incrementAndGet);
            assertThat(started).as("Linux reports file changes (inotify)").isPresent();
            try (DatabaseWatcher watcher = started.get()) {
                st.execute("INSERT INTO lores VALUES ('a', 'first')");
                await().atMost(Duration.ofSeconds(10)).until(() -> reports.get() == 1);

                st.execute("INSERT INTO lores VALUES ('b', 'second')");
                st.execute("INSERT INTO lores VALUES ('c', 'third')");
                Files.writeString(dir.resolve("unrelated.txt"), "x");
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> reports.get() == 1);

                watcher.handled();
                st.execute("INSERT INTO lores VALUES ('d', 'fourth')");
                await().atMost(Duration.ofSeconds(10)).until(() -> reports.get() == 2);

                watcher.handled();
                Files.writeString(dir.resolve("unrelated.txt"), "y");
                Files.writeString(dir.resolve("lorehub.db.bak"), "z");
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> reports.get() == 2);
            }
            st.execute("INSERT INTO lores VALUES ('e', 'after close')");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> reports.get() == 2);
        }
    }
}
