package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.runtime.ControlClient;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import dev.lorehub.node.store.EventStore;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code peers}: paired devices and whether they are connected. */
@Command(name = "peers", description = "List paired devices, whether each is connected now, and when it last synced.")
final class PeersCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Override
    public Integer call() {
        NodeHome h = home.home();
        Map<String, Boolean> connected = connections(h);
        try (NodeView view = NodeView.open(h)) {
            var peers = view.replica().peers();
            if (peers.isEmpty()) {
                System.out.println("No paired devices yet: run `lorehub-node pair` here and type the code on the other device.");
                return 0;
            }
            System.out.printf("%-9s %-20s %-10s %s%n", "device", "name", "state", "last sync");
            for (EventStore.PeerRow p : peers) {
                DeviceId id = DeviceId.fromBytes(p.device());
                Boolean c = connected.get(id.toString());
                String state = c == null ? (NodeClient.daemonRunning(h) ? "offline" : "(not running)") : c ? "synced" : "syncing";
                System.out.printf("%-9s %-20s %-10s %s%n", id.shortForm(), p.displayName(), state,
                    p.lastSyncAt() == null ? "never" : Instant.ofEpochMilli(p.lastSyncAt()).toString());
            }
        }
        return 0;
    }

    static Map<String, Boolean> connections(NodeHome h) {
        Map<String, Boolean> out = new HashMap<>();
        if (!NodeClient.daemonRunning(h)) {
            return out;
        }
        JsonNode r = ControlClient.call(h, new ObjectMapper().createObjectNode().put("op", "connections"), x -> { });
        for (JsonNode c : r.path("connected")) {
            out.put(c.get("device").asText(), c.get("synced").asBoolean());
        }
        return out;
    }
}
