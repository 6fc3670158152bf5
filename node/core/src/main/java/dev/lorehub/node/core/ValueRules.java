package dev.lorehub.node.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The value rules LoreHub needs kept (LOREHUB_SCHEMA.md, "Rules a writer must keep"): JSON
 * object text where lh parses JSON, ISO-8601 timestamps, ranges. Checked on every event before it
 * is applied, so that no peer can make {@code lh export} fail on this device.
 */
public final class ValueRules {
    /** Longest text accepted in one field; lh has no limit, this keeps one event from hogging memory. */
    public static final int MAX_TEXT = 256 * 1024;

    private ValueRules() {
    }

    /** Null if {@code value} is acceptable for {@code field}, else what is wrong. */
    public static String problem(Field field, Object value) {
        if (!field.accepts(value)) {
            return field.column() + " cannot be " + (value == null ? "null" : value.getClass().getSimpleName());
        }
        if (value instanceof String s && s.length() > MAX_TEXT) {
            return field.column() + " is " + s.length() + " characters, more than " + MAX_TEXT;
        }
        return switch (field) {
            // lh stores any integer confidence (`-c 150`) and strength: sync what lh accepts
            case RELATION_STRENGTH -> Double.isFinite((Double) value) ? null : "strength " + value + " is not a number";
            case PROVINCES_TEXT, SIGILS_TEXT -> jsonStringArray((String) value);
            case ORIGIN -> jsonObject((String) value, false);
            case RELATION_METADATA -> jsonObject((String) value, true);
            case CREATED_AT, UPDATED_AT, RELATION_CREATED_AT -> isoInstant((String) value);
            case TYPE, STATUS, REALM_NAME -> ((String) value).isBlank() ? field.column() + " is empty" : null;
            default -> null;
        };
    }

    /** The first problem among an entity change's values, or null. */
    public static String problem(EntityChange change) {
        for (Map.Entry<Field, Object> e : change.assignments().entrySet()) {
            String p = problem(e.getKey(), e.getValue());
            if (p != null) {
                return p;
            }
        }
        for (Map.Entry<Field, SetDelta> e : change.sets().entrySet()) {
            for (String s : e.getValue().adds()) {
                if (s.length() > MAX_TEXT) {
                    return e.getKey().column() + " element is longer than " + MAX_TEXT;
                }
            }
        }
        return null;
    }

    private static String jsonStringArray(String text) {
        try {
            JsonNode node = dev.lorehub.node.json.Json.MAPPER.readTree(text);
            if (node == null || !node.isArray()) {
                return "not a JSON array: " + abbreviate(text);
            }
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    return "not a JSON array of strings: " + abbreviate(text);
                }
            }
            return null;
        } catch (JsonProcessingException e) {
            return "invalid JSON: " + abbreviate(text);
        }
    }

    private static String jsonObject(String text, boolean nullable) {
        if (text == null) {
            return nullable ? null : "missing JSON object";
        }
        try {
            JsonNode node = dev.lorehub.node.json.Json.MAPPER.readTree(text);
            return node != null && node.isObject() ? null : "not a JSON object: " + abbreviate(text);
        } catch (JsonProcessingException e) {
            return "invalid JSON: " + abbreviate(text);
        }
    }

    private static String isoInstant(String text) {
        try {
            Instant.parse(text);
            return null;
        } catch (DateTimeParseException e) {
            return "not an ISO-8601 timestamp: " + abbreviate(text);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
