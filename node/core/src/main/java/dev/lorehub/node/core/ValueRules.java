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
        if (plainUtcInstant(text)) {
            return null;
        }
        try {
            Instant.parse(text);
            return null;
        } catch (DateTimeParseException e) {
            return "not an ISO-8601 timestamp: " + abbreviate(text);
        }
    }

    /**
     * True for the form lh and the node write, {@code 2025-06-01T12:00:00Z} with an optional fraction
     * of 1 to 9 digits, when it names a real instant (year 0001 to 9999, the day exists in its month,
     * hour below 24, no leap second): every such text {@link Instant#parse} accepts too, so only
     * texts this says nothing about are parsed. Each event carries its timestamps, and parsing them
     * cost a few percent of the simulator's time.
     */
    static boolean plainUtcInstant(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
            || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return false;
        }
        if (n > 20 && (n == 21 || t.charAt(19) != '.' || !digits(t, 20, n - 1))) {
            return false;
        }
        if (!digits(t, 0, 4) || !digits(t, 5, 7) || !digits(t, 8, 10) || !digits(t, 11, 13) || !digits(t, 14, 16)
            || !digits(t, 17, 19)) {
            return false;
        }
        int year = number(t, 0, 4);
        int month = number(t, 5, 7);
        int day = number(t, 8, 10);
        return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= java.time.YearMonth.of(year, month).lengthOfMonth()
            && number(t, 11, 13) < 24 && number(t, 14, 16) < 60 && number(t, 17, 19) < 60;
    }

    private static boolean digits(String t, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (t.charAt(i) - '0');
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
