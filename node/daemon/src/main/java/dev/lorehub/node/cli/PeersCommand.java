package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.PeerStates;
import dev.lorehub.node.runtime.PeersReport;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;

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
        // A daemon that answers builds the report (live) and this process opens no database.
        DaemonAnswer daemon = DaemonAnswer.ask(h, new ControlRequest.Peers());
        ObjectNode out;
        String discoveryWarning = null;
        if (daemon.answered()) {
            out = (ObjectNode) daemon.reply().get("report");
            discoveryWarning = daemon.reply().hasNonNull("discoveryWarning") ? daemon.reply().get("discoveryWarning").asText()
                : null;
        } else {
            try (NodeQuery view = HomeOption.query(h)) {
                out = PeersReport.build(view.database(), view.replica(), PeerStates.recorded(view.replica()), daemon.running());
            }
        }
        java.io.PrintStream notes = json ? System.err : System.out;
        if (daemon.busy() != null) {
            notes.println(daemon.busy());
        }
        if (discoveryWarning != null) {
            notes.println(discoveryWarning);
        }
        if (json) {
            JsonOutput.print(out);
            return 0;
        }
        if (out.get("peers").isEmpty()) {
            System.out.println("No paired devices yet: run `lorehub-node pair` here and type the code on the other device.");
            return 0;
        }
        // The report as the JSON says it; busy is not part of it, so the connection reads from the answer.
        ObjectNode presence = JsonOutput.object().put("running", daemon.running()).put("busy", daemon.busy());
        for (JsonNode p : out.get("peers")) {
            System.out.printf("%-9s %-20s %s%s%n", DeviceId.parse(p.get("device").asText()).shortForm(), p.get("name").asText(),
                DaemonAnswer.connection(presence, p.get("connected").asBoolean()),
                p.get("lastContact").isNull() ? "" : ", last contact " + p.get("lastContact").asText());
            for (JsonNode rs : p.get("realms")) {
                System.out.println("          " + rs.get("name").asText() + ": " + PeerStates.describe(rs));
            }
        }
        return 0;
    }
}
