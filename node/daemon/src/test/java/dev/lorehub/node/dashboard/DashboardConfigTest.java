package dev.lorehub.node.dashboard;

import dev.lorehub.node.runtime.NodeConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** node.json's "dashboard" and "alerts" blocks: defaults, values, and strict errors naming the key. */
class DashboardConfigTest {
    @Test
    void defaults() {
        NodeConfig c = NodeConfig.parse("{}", "node.json");
        assertThat(c.dashboard()).isEqualTo(new NodeConfig.Dashboard(true, 7466));
        assertThat(c.alerts()).isEqualTo(new NodeConfig.Alerts(30, 1440, 20, 5));
        assertThat(c.loopbackOnly().dashboard().port()).as("tests and the demo: any free port").isZero();
    }

    @Test
    void values() {
        NodeConfig c = NodeConfig.parse("{\"dashboard\": {\"enabled\": false, \"port\": 0}, \"alerts\": {\"behindMinutes\": 5, "
            + "\"unreachableMinutes\": 90, \"conflictsPerHour\": 3, \"failedSyncs\": 2}}", "node.json");
        assertThat(c.dashboard()).isEqualTo(new NodeConfig.Dashboard(false, 0));
        assertThat(c.alerts()).isEqualTo(new NodeConfig.Alerts(5, 90, 3, 2));
    }

    @Test
    void mistakesNameTheKey() {
        assertThatThrownBy(() -> NodeConfig.parse("{\"dashboard\": {\"prot\": 1}}", "node.json"))
            .hasMessageContaining("unknown key \"dashboard.prot\"").hasMessageContaining("dashboard.port");
        assertThatThrownBy(() -> NodeConfig.parse("{\"dashboard\": {\"port\": \"7466\"}}", "node.json"))
            .hasMessageContaining("dashboard.port");
        assertThatThrownBy(() -> NodeConfig.parse("{\"dashboard\": {\"port\": 70000}}", "node.json"))
            .hasMessageContaining("\"dashboard.port\" must be within 0..65535");
        assertThatThrownBy(() -> NodeConfig.parse("{\"alerts\": {\"behindMinutes\": 0}}", "node.json"))
            .hasMessageContaining("\"alerts.behindMinutes\" must be at least 1");
        assertThatThrownBy(() -> NodeConfig.parse("{\"alerts\": {\"conflictRate\": 1}}", "node.json"))
            .hasMessageContaining("unknown key \"alerts.conflictRate\"");
    }
}
