package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.LogReport;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code log}: the audit trail — who changed what, when, from which device. A running daemon
 * builds the report ({@link LogReport}) and this process opens no database; otherwise it is built
 * here from a read-only look. The text is rendered from the report, so both read the same.
 */
@Command(name = "log", description = "Show the audit trail: who changed what, when, from which device (newest first).")
final class LogCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = {"-n", "--limit"}, defaultValue = "50", description = "How many events (default: 50; 0 prints nothing)")
    int limit;

    @Option(names = "--refused", description = "Show what this device refused instead: from which device, why, how often")
    boolean refused;

    @Option(names = "--json", description = "Print JSON instead of text: {\"events\": [{\"at\", \"version\", \"author\", "
        + "\"authorName\", \"realm\", \"what\", \"lore\"}]} (with --refused: {\"refused\": [{\"lastAt\", \"from\", "
        + "\"realm\", \"count\", \"reason\", \"lastDetail\"}]})")
    boolean json;

    @Option(names = "--lore", paramLabel = "LORE", description = "Only the history of one lore (id or a unique prefix), "
        + "deleted ones included: each line's version id can be given to `undo LORE --to VERSION`")
    String lore;

    @Override
    public Integer call() throws dev.lorehub.node.core.StorageException {
        if (limit < 0) {
            throw new NodeException("-n must be 0 or more, got " + limit + ".", NodeException.Reason.USAGE);
        }
        NodeHome h = home.checkedHome();
        if (limit == 0 && !json) {
            return 0;
        }
        ObjectNode report = report(h);
        if (json) {
            JsonOutput.print(report);
            return 0;
        }
        if (refused) {
            if (report.get("refused").isEmpty()) {
                System.out.println("Nothing refused.");
            }
            for (JsonNode r : report.get("refused")) {
                System.out.printf("%s  from %s  realm %s  %d × %s; last: %s%n", r.get("lastAt").asText(), r.get("from").asText(),
                    r.get("realm").asText().substring(0, 8), r.get("count").asLong(), r.get("reason").asText(),
                    r.get("lastDetail").asText());
            }
            return 0;
        }
        JsonNode events = report.get("events");
        if (events.isEmpty()) {
            System.out.println("No events yet.");
        }
        for (JsonNode e : events) {
            String author = DeviceId.parse(e.get("author").asText()).shortForm();
            String who = author + (e.get("authorName").isNull() ? "" : " (" + e.get("authorName").asText() + ")");
            String what = e.get("what").isNull() ? "(encrypted: this device holds no key for it)" : e.get("what").asText();
            System.out.printf("%s  version %s  %-26s realm %s  %s%n", e.get("at").asText(),
                e.get("version").asText().substring(0, 12), who, e.get("realm").asText().substring(0, 8), what);
        }
        if (!events.isEmpty()) {
            // on stderr, as git prints its hints: scripts read the event lines alone
            System.err.println("To bring a lore back: lorehub-node undo LORE --to VERSION (or --to TIME); a whole realm: "
                + "lorehub-node undo --realm REALM --to TIME.");
        }
        return 0;
    }

    /** The report, from the running daemon when one answers, else built here. */
    private ObjectNode report(NodeHome h) throws dev.lorehub.node.core.StorageException {
        DaemonAnswer daemon = DaemonAnswer.ask(h, new ControlRequest.Log(limit, lore, refused));
        if (daemon.answered()) {
            return (ObjectNode) daemon.reply().get("report");
        }
        try (NodeQuery view = HomeOption.query(h)) {
            return refused ? LogReport.refusals(view.replica(), limit) : LogReport.events(view.replica(), limit, lore);
        }
    }
}
