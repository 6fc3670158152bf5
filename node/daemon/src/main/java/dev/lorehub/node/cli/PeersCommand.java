package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.runtime.ControlClient;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code peers}: paired devices, whether each is connected and, per realm, whether it is in sync. */
@Command(name = "peers", description = "List paired devices: connected or not, last contact, and per realm whether it is in "
    + "sync or how many events each side still lacks.")
final class PeersCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @picocli.CommandLine.Option(names = "--json", description = "Print JSON instead of text: {\"running\", \"peers\": [{\"device\", "
        + "\"name\", \"connected\", \"lastContact\", \"lastError\", \"realms\": [{\"realm\", \"name\", \"inSync\", "
        + "\"lastSyncedAt\", \"theyLack\", \"weLack\"}]}]}")
    boolean json;

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.checkedHome();
        Daemon daemon = Daemon.ask(h);
        java.io.PrintStream notes = json ? System.err : System.out;
        if (daemon.busy() != null) {
            notes.println(daemon.busy());
        }
        if (daemon.discoveryWarning() != null) {
            notes.println(daemon.discoveryWarning());
        }
        try (NodeQuery view = HomeOption.query(h)) {
            List<PeerStates.State> states = PeerStates.of(h, view.replica(), daemon.answers());
            if (json) {
                ObjectNode out = JsonOutput.object().put("running", daemon.running());
                com.fasterxml.jackson.databind.node.ArrayNode peers = out.putArray("peers");
                for (PeerStates.State p : states) {
                    ObjectNode n = peers.addObject().put("device", p.device().toString()).put("name", p.name())
                        .put("connected", p.connected()).put("lastContact", JsonOutput.time(p.lastContact()))
                        .put("lastError", p.lastError());
                    com.fasterxml.jackson.databind.node.ArrayNode realms = n.putArray("realms");
                    for (PeerStates.RealmState rs : p.realms()) {
                        realms.addObject().put("realm", rs.realm().toString()).put("name", label(view, rs.realm()))
                            .put("inSync", rs.inSync()).put("lastSyncedAt", JsonOutput.time(rs.lastSyncedAt()))
                            .put("theyLack", rs.theyLack()).put("weLack", rs.weLack());
                    }
                }
                JsonOutput.print(out);
                return 0;
            }
            if (states.isEmpty()) {
                System.out.println("No paired devices yet: run `lorehub-node pair` here and type the code on the other device.");
                return 0;
            }
            for (PeerStates.State p : states) {
                System.out.printf("%-9s %-20s %s%s%n", p.device().shortForm(), p.name(), daemon.describe(p.connected()),
                    p.lastContact() == null ? "" : ", last contact " + Instant.ofEpochMilli(p.lastContact()));
                for (PeerStates.RealmState rs : p.realms()) {
                    ObjectNode n = JsonOutput.object().put("inSync", rs.inSync()).put("theyLack", rs.theyLack())
                        .put("weLack", rs.weLack());
                    n.put("lastSyncedAt", rs.lastSyncedAt() == null ? null : Instant.ofEpochMilli(rs.lastSyncedAt()).toString());
                    System.out.println("          " + label(view, rs.realm()) + ": " + PeerStates.describe(n));
                }
            }
        }
        return 0;
    }

    private static String label(NodeQuery view, dev.lorehub.crypto.RealmId realm) {
        var row = view.replica().realms().get(realm);
        return row == null ? realm.toString().substring(0, 12) : view.localName(row);
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
                r = ControlClient.call(h, new ControlRequest.Connections(), x -> { });
            } catch (dev.lorehub.node.runtime.NodeException e) {
                return new Daemon(true, out, null, e.getMessage());
            }
            for (JsonNode c : r.path("connected")) {
                out.put(c.get("device").asText(), c.get("synced").asBoolean());
            }
            return new Daemon(true, out, r.hasNonNull("discoveryWarning") ? r.get("discoveryWarning").asText() : null, null);
        }

        /** True when a running daemon answers requests (so live peer state can be asked of it). */
        boolean answers() {
            return running && busy == null;
        }

        /** How a peer's connection reads, given whether this node is connected to it. */
        String describe(boolean peerConnected) {
            return peerConnected ? "connected" : answers() ? "offline" : running ? "(node busy)" : "node not running";
        }
    }
}
