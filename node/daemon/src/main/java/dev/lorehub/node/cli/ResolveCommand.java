package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.LoreEditor;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code resolve}: settles a lore's conflicts with an event whose parents are all its heads
 * (DESIGN.md §3), so every device converges on the choice.
 */
@Command(name = "resolve", description = "Resolve a lore's conflicts: keep your version, theirs, a listed version, "
    + "or edit the text yourself. Every device converges on the choice.")
final class ResolveCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Parameters(index = "0", paramLabel = "LORE", description = "Lore id or a unique prefix")
    String lore;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--keep", paramLabel = "mine|theirs|VERSION",
            description = "mine: this device's latest version; theirs: the latest other one; or a version id from "
                + "`lorehub-node conflicts`")
        String keep;

        @Option(names = "--edit", description = "Write the text yourself in $EDITOR, starting from what is shown now")
        boolean edit;

        @Option(names = "--content", paramLabel = "TEXT", description = "The resolved content, given directly")
        String content;
    }

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.home();
        ObjectMapper json = Json.MAPPER;
        ObjectNode values = json.createObjectNode();
        String id;
        try (NodeView view = NodeView.open(h)) {
            id = new LoreEditor(view.database()).get(lore).id();
            List<LogRows.ConflictRow> rows = new ArrayList<>();
            for (LogRows.ConflictRow c : view.replica().conflicts()) {
                if (c.entity().equals(id)) {
                    rows.add(c);
                }
            }
            if (rows.isEmpty()) {
                throw new NodeException("Lore " + id + " has no conflicts.", NodeException.Reason.REFUSED);
            }
            String self = view.replica().deviceId().toString();
            for (LogRows.ConflictRow c : rows) {
                if (c.field() == 0) {
                    continue; // delete versus edit: the edit is kept; resolving just settles the heads
                }
                Field field = Field.ofCode(c.field());
                JsonNode chosen;
                if (choice.keep != null) {
                    chosen = pick(json.readTree(c.versionsJson()), choice.keep, self);
                    values.set(field.column(), chosen.get("value"));
                } else if (field == Field.CONTENT) {
                    values.put(field.column(), choice.content != null ? choice.content : edit(c, json));
                } else {
                    values.put(field.column(), c.winner());
                }
            }
        }
        NodeClient.run(h, home.config(), new ControlRequest.Resolve(id, values), false, x -> { });
        System.out.println("Resolved lore " + id + ".");
        return 0;
    }

    private static JsonNode pick(JsonNode versions, String keep, String self) {
        JsonNode best = null;
        for (JsonNode v : versions) {
            boolean mine = v.get("author").asText().equals(self);
            boolean match = switch (keep) {
                case "mine" -> mine;
                case "theirs" -> !mine;
                default -> v.get("event").asText().startsWith(keep.toLowerCase());
            };
            if (match && (best == null || v.get("hlc").asLong() > best.get("hlc").asLong())) {
                best = v;
            }
        }
        if (best == null) {
            throw new NodeException("No version matches '" + keep + "': see `lorehub-node conflicts`.", NodeException.Reason.REFUSED);
        }
        return best;
    }

    private static String edit(LogRows.ConflictRow c, ObjectMapper json) throws Exception {
        Path file = Files.createTempFile("lorehub-resolve", ".txt");
        try {
            StringBuilder text = new StringBuilder(c.winner() == null ? "" : c.winner()).append("\n\n");
            text.append("# Write the resolved content above. Lines starting with # are ignored.\n# Versions:\n");
            for (JsonNode v : json.readTree(c.versionsJson())) {
                text.append("#   ").append(v.get("value").asText().replace("\n", "\n#   ")).append('\n');
            }
            Files.writeString(file, text);
            String editor = System.getenv().getOrDefault("VISUAL", System.getenv().getOrDefault("EDITOR", "vi"));
            int exit = new ProcessBuilder(editor, file.toString()).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new NodeException("The editor (" + editor + ") exited with " + exit + "; nothing was resolved.",
                    NodeException.Reason.REFUSED);
            }
            StringBuilder out = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                if (!line.startsWith("#")) {
                    out.append(line).append('\n');
                }
            }
            String result = out.toString().strip();
            if (result.isEmpty()) {
                throw new NodeException("The resolved content is empty; nothing was resolved.", NodeException.Reason.REFUSED);
            }
            return result;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
