package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code peers}: paired devices, whether each is connected and, per realm, whether it is in sync. */
@Command(name = "peers", description = "List paired devices: connected or not, last contact, and per realm whether it is in "
    + "sync or how many events each side still lacks.")
final class PeersCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.home();
        try (NodeView view = NodeView.open(h)) {
            List<PeerStates.State> states = PeerStates.of(h, view.replica());
            if (states.isEmpty()) {
                System.out.println("No paired devices yet: run `lorehub-node pair` here and type the code on the other device.");
                return 0;
            }
            boolean running = NodeClient.daemonRunning(h);
            ObjectMapper mapper = new ObjectMapper();
            for (PeerStates.State p : states) {
                System.out.printf("%-9s %-20s %s%s%n", p.device().shortForm(), p.name(),
                    p.connected() ? "connected" : running ? "offline" : "node not running",
                    p.lastContact() == null ? "" : ", last contact " + Instant.ofEpochMilli(p.lastContact()));
                for (PeerStates.RealmState rs : p.realms()) {
                    ObjectNode n = mapper.createObjectNode().put("inSync", rs.inSync()).put("theyLack", rs.theyLack())
                        .put("weLack", rs.weLack());
                    n.put("lastSyncedAt", rs.lastSyncedAt() == null ? null : Instant.ofEpochMilli(rs.lastSyncedAt()).toString());
                    System.out.println("          " + label(view, rs.realm()) + ": " + PeerStates.describe(n));
                }
            }
        }
        return 0;
    }

    private static String label(NodeView view, dev.lorehub.crypto.RealmId realm) {
        var row = view.replica().realms().get(realm);
        return row == null ? realm.toString().substring(0, 12) : view.localName(row);
    }
}
