package dev.lorehub.node.remote;

import dev.lorehub.crypto.SeededRandom;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The schedule a daemon follows: due times, nudges, backoff after failures, all from the given time. */
class RemoteDriverTest {
    @TempDir
    Path tmp;

    @Test
    void runsDueRemotesAndBacksOffAFailingOne() throws Exception {
        Path bare = tmp.resolve("hub.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).call().close();
        try (Devices d = new Devices(tmp, 1, 3)) {
            List<BackendConfig> backends = List.of(
                new BackendConfig.Git("good", bare.toUri().toString(), "lorehub-sync", null, 60),
                new BackendConfig.Git("broken", tmp.resolve("nowhere.git").toUri().toString(), "lorehub-sync", null, 60));
            try (RemoteState state = RemoteState.open(d.node(0).dir.resolve("lorehub.db"));
                 RemoteDriver driver = new RemoteDriver(backends, d.node(0).dir, ReplicaEvents.direct(d.node(0).replica), state,
                     Map.of(), new Backoff(1_000, 60_000))) {
                long now = 1_000_000;
                var random = SeededRandom.of(3);
                List<RemoteDriver.Outcome> first = driver.runDue(now, random);
                assertThat(first).hasSize(2);
                assertThat(first.get(0).attempt().error()).isEmpty();
                // It pushed the device's events: the next round comes soon (interval/4, less up to a tenth of jitter).
                assertThat(first.get(0).attempt().nextAttemptAt()).isBetween(now + 13_500, now + 15_000);
                assertThat(first.get(1).attempt().error()).get().asString().contains("nowhere.git");
                long retry = first.get(1).attempt().nextAttemptAt();
                assertThat(retry).isBetween(now + 500, now + 1_000);
                assertThat(driver.nextDue()).isEqualTo(retry);

                assertThat(driver.runDue(now + 100, random)).isEmpty();
                // A local change makes healthy remotes due at once, never one that is backing off.
                driver.nudge();
                assertThat(driver.runDue(now + 200, random)).extracting(RemoteDriver.Outcome::remote).containsExactly("good");
                List<RemoteDriver.Outcome> again = driver.runDue(retry, random);
                assertThat(again).extracting(RemoteDriver.Outcome::remote).containsExactly("broken");
                assertThat(state.status("broken").failures()).isEqualTo(2);
                assertThat(again.get(0).attempt().nextAttemptAt() - retry).isBetween(1_000L, 2_000L);
            }
        }
    }
}
