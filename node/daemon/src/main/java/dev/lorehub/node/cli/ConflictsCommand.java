package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.runtime.ConflictsReport;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code conflicts}: concurrent edits that could not all be honoured, with every version. A running
 * daemon builds the report ({@link ConflictsReport}) and this process opens no database; otherwise
 * it is built here from a read-only look. The text is rendered from the report, so both read the same.
 */
@Command(name = "conflicts", description = "List recorded conflicts: what is shown now and every concurrent version.")
final class ConflictsCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @picocli.CommandLine.Option(names = "--json", description = "Print JSON instead of text: {\"conflicts\": [{\"lore\", \"realm\", "
        + "\"field\", \"type\", \"shownNow\", \"versions\": [{\"event\", \"author\", \"at\", \"deleted\", \"value\"}]}]}")
    boolean json;

    /**
     * A version's value for people: text quoted; for the edit side of a delete-versus-edit, what the
     * edit holds (its content first, then its other fields).
     */
    static String shown(JsonNode value) {
        if (value == null || value.isNull()) {
            return "(empty)";
        }
        if (!value.isObject()) {
            return "\"" + value.asText() + "\"";
        }
        StringBuilder out = new StringBuilder();
        if (value.has("content")) {
            out.append('"').append(value.get("content").asText()).append('"');
        }
        StringBuilder rest = new StringBuilder();
        value.properties().forEach(e -> {
            if (!e.getKey().equals("content") && !e.getKey().endsWith("_at") && !e.getValue().isNull()) {
                rest.append(rest.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                    .append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        });
        if (rest.length() > 0) {
            out.append(out.length() == 0 ? "" : " ").append('(').append(rest).append(')');
        }
        return out.length() == 0 ? "(edited)" : out.toString();
    }

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.checkedHome();
        String self;
        ObjectNode report;
        DaemonAnswer daemon = DaemonAnswer.ask(h, new ControlRequest.Conflicts());
        if (daemon.answered()) {
            report = (ObjectNode) daemon.reply().get("report");
            self = daemon.reply().get("device").asText();
        } else {
            try (NodeQuery view = HomeOption.query(h)) {
                report = ConflictsReport.build(view.replica());
                self = view.replica().deviceId().toString();
            }
        }
        if (json) {
            JsonOutput.print(report);
            return 0;
        }
        JsonNode conflicts = report.get("conflicts");
        if (conflicts.isEmpty()) {
            System.out.println("No conflicts.");
            return 0;
        }
        for (JsonNode c : conflicts) {
            String lore = c.get("lore").asText();
            String field = c.get("field").isNull() ? "the lore itself" : c.get("field").asText();
            System.out.println("lore " + lore + " — " + field + " (" + c.get("type").asText().replace('_', ' ') + ")");
            System.out.println("  shown now: " + (c.get("shownNow").isNull() ? "(kept)" : "\"" + c.get("shownNow").asText() + "\""));
            for (JsonNode v : c.get("versions")) {
                String who = v.get("author").asText().equals(self) ? "this device" : v.get("author").asText().substring(0, 7);
                System.out.printf("  version %s by %-11s at %s: %s%n", v.get("event").asText().substring(0, 12), who,
                    v.get("at").asText(), v.get("deleted").asBoolean() ? "(deleted)" : shown(v.get("value")));
            }
            System.out.println("  resolve: lorehub-node resolve " + lore.substring(0, 8)
                + " --keep mine|theirs|<version>   (or --edit)");
        }
        return 0;
    }
}
