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
        NodeHome h = home.checkedHome();
        Daemon daemon = Daemon.ask(h);
        Map<String, Boolean> connected = daemon.connected();
        if (daemon.busy() != null) {
            System.out.println(daemon.busy());
        }
        if (daemon.discoveryWarning() != null) {
            System.out.println(daemon.discoveryWarning());
        }
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
                String state = c == null ? (daemon.running() ? daemon.busy() == null ? "offline" : "(busy)" : "(not running)")
                    : c ? "synced" : "syncing";
                System.out.printf("%-9s %-20s %-10s %s%n", id.shortForm(), p.displayName(), state,
                    p.lastSyncAt() == null ? "never" : Instant.ofEpochMilli(p.lastSyncAt()).toString());
            }
        }
        return 0;
    }

    /**
     * What the process holding the data directory says: the connected peers and any warning about
     * discovery from a daemon, or, from a node run for one command (e.g. {@code pair} waiting for
     * its code), that it is busy.
     *
     * @param running           whether a node holds the data directory
     * @param connected         device id → whether its session is synced
     * @param discoveryWarning  what the daemon says about finding peers (mDNS off or silent), or null
     * @param busy              why no daemon answered although one holds the directory, or null
     */
    record Daemon(boolean running, Map<String, Boolean> connected, String discoveryWarning, String busy) {
        static Daemon ask(NodeHome h) {
            Map<String, Boolean> out = new HashMap<>();
            if (!NodeClient.daemonRunning(h)) {
                return new Daemon(false, out, null, null);
            }
            JsonNode r;
            try {
                r = ControlClient.call(h, new ObjectMapper().createObjectNode().put("op", "connections"), x -> { });
            } catch (dev.lorehub.node.runtime.NodeException e) {
                return new Daemon(true, out, null, e.getMessage());
            }
            for (JsonNode c : r.path("connected")) {
                out.put(c.get("device").asText(), c.get("synced").asBoolean());
            }
            return new Daemon(true, out, r.hasNonNull("discoveryWarning") ? r.get("discoveryWarning").asText() : null, null);
        }
    }
}
