package dev.lorehub.node.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.json.Json;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@link Resolution} into the values that settle one lore's conflicts, exactly as
 * {@code lorehub-node resolve} does: per conflicting field the chosen version's value ("mine":
 * this device's latest, "theirs": the latest from elsewhere, or a version named by its event
 * id); an edit sets the content and keeps what is shown for other fields. A delete-versus-edit
 * conflict (field 0) takes no value: the resolving event just settles the heads.
 */
final class ConflictChoice {
    private static final ObjectMapper JSON = Json.MAPPER;

    private ConflictChoice() {
    }

    /** The values for {@code Replica.resolve}. */
    static Map<Field, Object> values(List<LogRows.ConflictRow> rows, Resolution choice, String self) {
        if (rows.isEmpty()) {
            throw new DashboardActionException("This lore has no conflicts any more (resolved elsewhere?).");
        }
        Map<Field, Object> values = new TreeMap<>();
        for (LogRows.ConflictRow c : rows) {
            if (c.field() == 0 || c.kind() != EntityKind.LORE) {
                continue;
            }
            Field field = Field.ofCode(c.field());
            if (field.merge() == Field.Merge.SET) {
                continue;
            }
            if (choice instanceof Resolution.Edit edit) {
                if (field == Field.CONTENT) {
                    String content = edit.content() == null ? "" : edit.content().strip();
                    if (content.isEmpty()) {
                        throw new DashboardActionException("The edited content is empty; nothing was resolved.");
                    }
                    values.put(field, content);
                } else {
                    values.put(field, typed(field, c.winner()));
                }
                continue;
            }
            JsonNode chosen = pick(versions(c), choice, self);
            JsonNode v = chosen.get("value");
            values.put(field, v == null || v.isNull() ? null : typed(field, v.isTextual() ? v.asText() : v.toString()));
        }
        return values;
    }

    private static JsonNode versions(LogRows.ConflictRow c) {
        try {
            return JSON.readTree(c.versionsJson());
        } catch (JsonProcessingException e) {
            throw new DashboardActionException("The conflict record is unreadable: " + e.getOriginalMessage());
        }
    }

    private static JsonNode pick(JsonNode versions, Resolution choice, String self) {
        JsonNode best = null;
        for (JsonNode v : versions) {
            boolean mine = v.path("author").asText().equals(self);
            boolean match;
            if (choice instanceof Resolution.KeepMine) {
                match = mine;
            } else if (choice instanceof Resolution.KeepTheirs) {
                match = !mine;
            } else if (choice instanceof Resolution.KeepVersion k) {
                match = !k.event().isEmpty() && v.path("event").asText().startsWith(k.event().toLowerCase());
            } else {
                match = false;
            }
            if (match && (best == null || v.path("hlc").asLong() > best.path("hlc").asLong())) {
                best = v;
            }
        }
        if (best == null) {
            throw new DashboardActionException(choice instanceof Resolution.KeepMine
                ? "No version of this conflict was written on this device."
                : choice instanceof Resolution.KeepTheirs ? "No version of this conflict came from another device."
                : "No version of this conflict matches the one chosen.");
        }
        return best;
    }

    private static Object typed(Field field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return switch (field.type()) {
                case INTEGER -> Long.parseLong(text.strip());
                case REAL -> Double.parseDouble(text.strip());
                case BOOLEAN -> Boolean.parseBoolean(text.strip());
                case STRING -> text;
            };
        } catch (NumberFormatException e) {
            throw new DashboardActionException("The chosen value \"" + text + "\" is not a valid " + field.column() + ".");
        }
    }
}
