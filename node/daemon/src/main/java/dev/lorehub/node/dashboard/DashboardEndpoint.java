package dev.lorehub.node.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.runtime.NodeHome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code node/dashboard.json}: where the running daemon's dashboard listens (the port may be
 * any free one), for {@code lorehub-node dashboard} and {@code status --check}. Written when the
 * dashboard starts, removed when it stops; holds no secret.
 */
public final class DashboardEndpoint {
    private static final ObjectMapper JSON = Json.MAPPER;

    private DashboardEndpoint() {
    }

    public static Path file(NodeHome home) {
        return home.nodeDir().resolve("dashboard.json");
    }

    static void write(NodeHome home, int port) throws IOException {
        Path tmp = file(home).resolveSibling("dashboard.json.tmp");
        Files.writeString(tmp, JSON.createObjectNode().put("port", port).put("pid", ProcessHandle.current().pid()).toString());
        Files.move(tmp, file(home), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void remove(NodeHome home) {
        try {
            Files.deleteIfExists(file(home));
        } catch (IOException e) {
            // stale file: readers check that the daemon runs
        }
    }

    /** The port of the running daemon's dashboard, if it wrote one. */
    public static Optional<Integer> port(NodeHome home) {
        try {
            JsonNode n = JSON.readTree(Files.readString(file(home)));
            int port = n.path("port").asInt(-1);
            return port > 0 && port < 65536 ? Optional.of(port) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
