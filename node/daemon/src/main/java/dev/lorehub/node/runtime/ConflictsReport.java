package dev.lorehub.node.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.json.JsonTrees;

import java.util.Locale;

/**
 * What {@code conflicts --json} prints, built in one place for the running daemon (asked over the
 * control socket; the CLI then opens no database) and for the CLI with no daemon, as
 * {@link StatusReport} is:
 * <pre>
 *   {"conflicts": [{"lore", "realm", "field" (null: the lore itself), "type", "shownNow",
 *                   "versions": [{"event", "author", "at", "deleted", "value"}]}]}
 * </pre>
 * The text says "this device" for versions by the device whose replica built it; the daemon
 * sends that device's id next to the report.
 *
 * <p>Threading: reads the replica, so on the daemon it runs on the node thread.
 */
public final class ConflictsReport {
    private ConflictsReport() {
    }

    /** Every conflict {@code replica} recorded and has not seen resolved, with every concurrent version. */
    public static ObjectNode build(Replica replica) throws JsonProcessingException {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("conflicts");
        for (LogRows.ConflictRow c : replica.conflicts()) {
            ObjectNode n = list.addObject().put("lore", c.entity())
                .put("realm", c.realm().toString())
                .put("field", c.field() == 0 ? null : Field.ofCode(c.field()).column())
                .put("type", c.type().toLowerCase(Locale.ROOT)).put("shownNow", c.winner());
            ArrayNode versions = n.putArray("versions");
            // the tree the mapper reads, without creating it: a look with no node runs in a fresh JVM
            for (JsonNode v : JsonTrees.read(c.versionsJson(), false)) {
                versions.addObject().put("event", v.path("event").asText()).put("author", v.path("author").asText())
                    .put("at", v.path("at").asText()).put("deleted", v.path("deleted").asBoolean())
                    .set("value", v.get("value"));
            }
        }
        return out;
    }
}
