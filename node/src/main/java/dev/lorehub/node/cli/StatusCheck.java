package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.dashboard.Alert;
import dev.lorehub.node.dashboard.AlertRules;
import dev.lorehub.node.dashboard.DashboardEndpoint;
import dev.lorehub.node.dashboard.DashboardToken;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import dev.lorehub.node.store.EventStore;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        Optional<Integer> port = DashboardEndpoint.port(h);
        Optional<DashboardToken> token = DashboardToken.read(h);
        if (port.isEmpty() || token.isEmpty()) {
            return Optional.empty();
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).proxy(HttpClient.Builder.NO_PROXY)
            .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/api/alerts"))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token.get().value()).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            List<Alert> out = new ArrayList<>();
            for (JsonNode a : new ObjectMapper().readTree(response.body()).path("alerts")) {
                out.add(new Alert(a.path("code").asText(), a.path("peer").isNull() ? null : a.path("peer").asText(),
                    a.path("message").asText()));
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static List<Alert> fromDatabase(NodeHome h, NodeConfig config) {
        long now = System.currentTimeMillis();
        List<AlertRules.PeerHealth> peers = new ArrayList<>();
        try (NodeView view = NodeView.open(h)) {
            for (EventStore.PeerRow p : view.replica().peers()) {
                DeviceId id = DeviceId.fromBytes(p.device());
                long since = p.lastSyncAt() != null ? p.lastSyncAt() : p.pairedAt();
                peers.add(new AlertRules.PeerHealth(id.shortForm(), p.displayName(), false, 0, since, 0, null));
            }
        }
        return AlertRules.evaluate(config.alerts(), peers, 0, now);
    }
}
