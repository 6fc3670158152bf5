package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.node.dashboard.DashboardEndpoint;
import dev.lorehub.node.dashboard.DashboardToken;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.runtime.NodeHome;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the running daemon's live state through its dashboard API (127.0.0.1, the token as a
 * bearer), for CLI commands that need what only the daemon knows: alerts, sync progress.
 */
final class DashboardClient {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
        .proxy(HttpClient.Builder.NO_PROXY).build();
    private final int port;
    private final String token;

    private DashboardClient(int port, String token) {
        this.port = port;
        this.token = token;
    }

    /** A client of the running daemon's dashboard, if it publishes one. */
    static Optional<DashboardClient> of(NodeHome h) {
        Optional<Integer> port = DashboardEndpoint.port(h);
        Optional<DashboardToken> token = DashboardToken.read(h);
        return port.isPresent() && token.isPresent() ? Optional.of(new DashboardClient(port.get(), token.get().value()))
            : Optional.empty();
    }

    /** GET {@code path} as JSON; empty when the dashboard does not answer 200. */
    Optional<JsonNode> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(Json.MAPPER.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
