package dev.lorehub.node.dashboard;

import dev.lorehub.node.runtime.NodeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each alert fires exactly past its threshold from node.json's "alerts" block. */
class AlertRulesTest {
    private static final long NOW = 1_764_000_000_000L;
    private static final long MIN = 60_000;
    private final NodeConfig.Alerts limits = new NodeConfig.Alerts(30, 60, 5, 3);

    private static AlertRules.PeerHealth peer(boolean online, long behindSince, long unreachableSince, int failures) {
        return new AlertRules.PeerHealth("ABCD123", "ann-desktop", online, behindSince, unreachableSince, failures,
            failures > 0 ? "TIMEOUT: no progress" : null);
    }

    @Test
    void aHealthyPeerRaisesNothing() {
        assertThat(AlertRules.evaluate(limits, List.of(peer(true, 0, 0, 0), peer(false, 0, NOW - 59 * MIN, 2)), 5, NOW))
            .isEmpty();
    }

    @Test
    void behindTooLong() {
        assertThat(AlertRules.evaluate(limits, List.of(peer(true, NOW - 29 * MIN, 0, 0)), 0, NOW)).isEmpty();
        List<Alert> alerts = AlertRules.evaluate(limits, List.of(peer(true, NOW - 31 * MIN, 0, 0)), 0, NOW);
        assertThat(alerts).extracting(Alert::code).containsExactly("peer-behind");
        assertThat(alerts.get(0).message()).contains("ann-desktop (ABCD123)").contains("31 min").contains("alerts.behindMinutes = 30");
    }

    @Test
    void unreachableTooLong() {
        List<Alert> alerts = AlertRules.evaluate(limits, List.of(peer(false, 0, NOW - 26 * 60 * MIN, 0)), 0, NOW);
        assertThat(alerts).extracting(Alert::code).containsExactly("peer-unreachable");
        assertThat(alerts.get(0).message()).contains("26 h").contains("alerts.unreachableMinutes = 60");
    }

    @Test
    void conflictRateAndRepeatedFailures() {
        List<Alert> alerts = AlertRules.evaluate(limits, List.of(peer(false, 0, NOW, 3)), 6, NOW);
        assertThat(alerts).extracting(Alert::code).containsExactly("sync-failing", "conflict-rate");
        assertThat(alerts.get(0).message()).contains("3 sync sessions").contains("TIMEOUT: no progress");
        assertThat(alerts.get(1).message()).contains("6 conflicts recorded in the last hour");
    }
}
