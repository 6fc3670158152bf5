package dev.lorehub.node.cli;

import dev.lorehub.node.core.LogRows;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.dashboard.Alert;
import dev.lorehub.node.dashboard.AlertRules;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code status --check}: one line and an exit code for monitoring (cron, a systemd timer, a
 * Nagios-style check). Asks the running node's dashboard for its alerts ({@code GET /api/alerts}
 * with the token); with the dashboard turned off, judges from the database alone (peers not
 * synced for longer than {@code alerts.unreachableMinutes}).
 */
final class StatusCheck {
    /** Exit code when a check fails. */
    static final int FAILED = 8;

    private StatusCheck() {
    }

    static int run(NodeHome h, NodeConfig config, PrintStream out) {
        if (!NodeClient.daemonRunning(h)) {
            out.println("ALERT: the node is not running (start it with `lorehub-node start`, or at login with "
                + "`lorehub-node service install`)");
            return FAILED;
        }
        Optional<List<Alert>> live = config.dashboard().enabled() ? fromDashboard(h) : Optional.empty();
        List<Alert> alerts = live.orElseGet(() -> fromDatabase(h, config));
        if (alerts.isEmpty()) {
            out.println("OK: no alerts" + (live.isPresent() ? "" : " (judged from the database only: turn the dashboard on "
                + "for the live checks)"));
            return 0;
        }
        out.println("ALERT: " + alerts.get(0).message() + (alerts.size() > 1 ? " (and " + (alerts.size() - 1) + " more: see "
            + "`lorehub-node dashboard`)" : ""));
        return FAILED;
    }

    private static Optional<List<Alert>> fromDashboard(NodeHome h) {
        return DashboardClient.of(h).flatMap(c -> c.get("/api/alerts")).map(json -> {
            List<Alert> out = new ArrayList<>();
            for (JsonNode a : json.path("alerts")) {
                out.add(new Alert(a.path("code").asText(), a.path("peer").isNull() ? null : a.path("peer").asText(),
                    a.path("message").asText()));
            }
            return out;
        });
    }

    private static List<Alert> fromDatabase(NodeHome h, NodeConfig config) {
        long now = System.currentTimeMillis();
        List<AlertRules.PeerHealth> peers = new ArrayList<>();
        try (NodeView view = NodeView.open(h)) {
            for (LogRows.PeerRow p : view.replica().peers()) {
                DeviceId id = p.device();
                long since = p.lastSyncAt() != null ? p.lastSyncAt() : p.pairedAt();
                peers.add(new AlertRules.PeerHealth(id.shortForm(), p.displayName(), false, 0, since, 0, null));
            }
        }
        return AlertRules.evaluate(config.alerts(), peers, 0, now);
    }
}
