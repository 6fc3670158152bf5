package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code conflicts}: concurrent edits that could not all be honoured, with every version. */
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
        try (NodeQuery view = HomeOption.query(home.checkedHome())) {
            List<LogRows.ConflictRow> rows = view.replica().conflicts();
            if (json) {
                com.fasterxml.jackson.databind.node.ObjectNode out = JsonOutput.object();
                com.fasterxml.jackson.databind.node.ArrayNode list = out.putArray("conflicts");
                for (LogRows.ConflictRow c : rows) {
                    com.fasterxml.jackson.databind.node.ObjectNode n = list.addObject().put("lore", c.entity())
                        .put("realm", c.realm().toString())
                        .put("field", c.field() == 0 ? null : Field.ofCode(c.field()).column())
                        .put("type", c.type().toLowerCase()).put("shownNow", c.winner());
                    com.fasterxml.jackson.databind.node.ArrayNode versions = n.putArray("versions");
                    for (JsonNode v : dev.lorehub.node.json.Json.MAPPER.readTree(c.versionsJson())) {
                        versions.addObject().put("event", v.path("event").asText()).put("author", v.path("author").asText())
                            .put("at", v.path("at").asText()).put("deleted", v.path("deleted").asBoolean())
                            .set("value", v.get("value"));
                    }
                }
                JsonOutput.print(out);
                return 0;
            }
            if (rows.isEmpty()) {
                System.out.println("No conflicts.");
                return 0;
            }
            String self = view.replica().deviceId().toString();
            for (LogRows.ConflictRow c : rows) {
                String field = c.field() == 0 ? "the lore itself" : Field.ofCode(c.field()).column();
                System.out.println("lore " + c.entity() + " — " + field + " (" + c.type().toLowerCase().replace('_', ' ') + ")");
                System.out.println("  shown now: " + (c.winner() == null ? "(kept)" : "\"" + c.winner() + "\""));
                for (JsonNode v : dev.lorehub.node.json.Json.MAPPER.readTree(c.versionsJson())) {
                    String who = v.get("author").asText().equals(self) ? "this device" : v.get("author").asText().substring(0, 7);
                    System.out.printf("  version %s by %-11s at %s: %s%n", v.get("event").asText().substring(0, 12), who,
                        v.get("at").asText(), v.get("deleted").asBoolean() ? "(deleted)" : shown(v.get("value")));
                }
                System.out.println("  resolve: lorehub-node resolve " + c.entity().substring(0, 8)
                    + " --keep mine|theirs|<version>   (or --edit)");
            }
        }
        return 0;
    }
}
