package dev.lorehub.node.runtime;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.discovery.StaticPeer;
import dev.lorehub.node.json.JsonTrees;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads node.json into a {@link NodeConfig}, checking every key itself so that each mistake is
 * reported in the user's terms: which file, which key, what it must be and what it is (never a
 * JSON library's class or token names). Every key is optional; {@code null} counts as a mistake,
 * since leaving the key out is how to ask for the default.
 */
final class NodeConfigReader {
    /** Every key, in the order the README lists them. */
    static final List<String> KNOWN_KEYS = List.of("enabled", "mode", "interval", "displayName", "port", "bind", "mdns",
        "staticPeers", "conflicts.autoResolve", "dashboard.enabled", "dashboard.port", "alerts.behindMinutes",
        "alerts.unreachableMinutes", "alerts.conflictsPerHour", "alerts.failedSyncs", "backends", "autoJoin");

    private final String source;

    private NodeConfigReader(String source) {
        this.source = source;
    }

    /** Parses configuration text; {@code source} names it in errors. */
    static NodeConfig read(String json, String source) {
        return new NodeConfigReader(source).read(json);
    }

    private NodeConfig read(String json) {
        if (json.isBlank()) {
            throw fail(source + " is empty. Write {} in it for the defaults, or delete the file.");
        }
        JsonNode root;
        try {
            root = JsonTrees.read(json, true); // as Json.STRICT_NO_DUPLICATES reads it, without creating the mapper
        } catch (JsonProcessingException e) {
            throw fail(source + " is not valid JSON" + where(e) + ": " + plain(e) + ". It must hold one object such as "
                + "{ \"displayName\": \"ann-laptop\" }.");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw fail(source + " holds no settings. Write {} in it for the defaults, or delete the file.");
        }
        if (!root.isObject()) {
            throw fail(source + " must hold one JSON object in braces, such as { \"port\": 7465 }; it holds "
                + describe(root) + ".");
        }
        checkKeys(root, "");
        NodeConfig.Conflicts conflicts = null;
        if (root.has("conflicts")) {
            JsonNode block = object(root, "conflicts");
            conflicts = new NodeConfig.Conflicts(bool(block, "conflicts.autoResolve", "autoResolve", false));
        }
        NodeConfig.Dashboard dashboard = null;
        if (root.has("dashboard")) {
            JsonNode block = object(root, "dashboard");
            dashboard = new NodeConfig.Dashboard(optionalBool(block, "dashboard.enabled", "enabled"),
                port(block, "dashboard.port", "port"));
        }
        NodeConfig.Alerts alerts = null;
        if (root.has("alerts")) {
            JsonNode block = object(root, "alerts");
            alerts = new NodeConfig.Alerts(atLeastOne(block, "alerts.behindMinutes", "behindMinutes", "minutes"),
                atLeastOne(block, "alerts.unreachableMinutes", "unreachableMinutes", "minutes"),
                atLeastOne(block, "alerts.conflictsPerHour", "conflictsPerHour", "conflicts"),
                atLeastOne(block, "alerts.failedSyncs", "failedSyncs", "sessions"));
        }
        JsonNode backends = value(root, "backends", "backends");
        try {
            return new NodeConfig(optionalBool(root, "enabled", "enabled"), mode(root), atLeastOne(root, "interval",
                "interval", "seconds"), displayName(root), port(root, "port", "port"),
                strings(root, "bind", false, this::address), strings(root, "mdns", true, this::mdnsAddress),
                strings(root, "staticPeers", true, this::staticPeer), conflicts, dashboard, alerts, backends,
                strings(root, "autoJoin", true, this::deviceRef));
        } catch (IllegalArgumentException e) {
            // the "backends" entries are checked where remotes are defined, in the same words
            throw fail(source + ": " + e.getMessage() + (e.getMessage().endsWith(".") ? "" : "."));
        }
    }

    private void checkKeys(JsonNode object, String prefix) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String key = prefix + names.next();
            boolean known = KNOWN_KEYS.contains(key) || KNOWN_KEYS.stream().anyMatch(k -> k.startsWith(key + "."));
            if (!known) {
                String near = nearest(key);
                throw fail(source + ": unknown key \"" + key + "\"" + (near == null ? "" : " (did you mean \"" + near + "\"?)")
                    + ". Known keys: " + String.join(", ", KNOWN_KEYS) + ".");
            }
            JsonNode value = object.get(key.substring(prefix.length()));
            if (value.isObject() && prefix.isEmpty() && !KNOWN_KEYS.contains(key)) {
                checkKeys(value, key + ".");
            }
        }
    }

    private JsonNode value(JsonNode object, String key, String field) {
        JsonNode v = object.get(field);
        if (v != null && v.isNull()) {
            throw fail(source + ": key \"" + key + "\" is null. Give it a value, or leave the key out for the default.");
        }
        return v;
    }

    private JsonNode object(JsonNode root, String key) {
        JsonNode v = value(root, key, key);
        if (!v.isObject()) {
            throw wrongType(key, "an object in braces, such as { " + example(key) + " }", v);
        }
        return v;
    }

    private boolean bool(JsonNode object, String key, String field, boolean otherwise) {
        Boolean b = optionalBool(object, key, field);
        return b == null ? otherwise : b;
    }

    private Boolean optionalBool(JsonNode object, String key, String field) {
        JsonNode v = value(object, key, field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrongType(key, "true or false (without quotes)", v);
        }
        return v.booleanValue();
    }

    private Long wholeNumber(JsonNode object, String key, String field, String expected) {
        JsonNode v = value(object, key, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw wrongType(key, expected, v);
        }
        return v.canConvertToLong() ? v.longValue() : Long.MAX_VALUE;
    }

    private Integer port(JsonNode object, String key, String field) {
        Long n = wholeNumber(object, key, field, "a whole number from 0 to 65535");
        if (n == null) {
            return null;
        }
        if (n < 0 || n > 65535) {
            throw fail(source + ": key \"" + key + "\" must be within 0..65535 (0 picks a free port), got " + n + ".");
        }
        return n.intValue();
    }

    private Integer atLeastOne(JsonNode object, String key, String field, String unit) {
        Long n = wholeNumber(object, key, field, "a whole number of " + unit + ", at least 1");
        if (n == null) {
            return null;
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw fail(source + ": key \"" + key + "\" must be at least 1 (" + unit + ")" + (n > 1 ? " and at most "
                + Integer.MAX_VALUE : "") + ", got " + n + ".");
        }
        return n.intValue();
    }

    private NodeConfig.Mode mode(JsonNode root) {
        JsonNode v = value(root, "mode", "mode");
        if (v == null) {
            return null;
        }
        String text = v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : null;
        if (!"automatic".equals(text) && !"manual".equals(text)) {
            throw fail(source + ": key \"mode\" must be \"automatic\" or \"manual\", got " + describe(v) + ".");
        }
        return NodeConfig.Mode.valueOf(text.toUpperCase(Locale.ROOT));
    }

    private String displayName(JsonNode root) {
        JsonNode v = value(root, "displayName", "displayName");
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType("displayName", "text in double quotes, such as \"ann-laptop\"", v);
        }
        String name = v.asText();
        String problem = displayNameProblem(name);
        if (problem != null) {
            throw fail(source + ": key \"displayName\" " + problem + (name.isBlank() ? ", or leave the key out to use the "
                + "host name" : "") + ".");
        }
        return name;
    }

    /** What is wrong with a display name peers would be shown, or null if nothing is. */
    static String displayNameProblem(String name) {
        if (name.isBlank()) {
            return "is empty: give this device a name its peers will see, such as \"ann-laptop\"";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "contains a control character (position " + (i + 1) + "): use letters, digits, spaces and "
                    + "punctuation only";
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > dev.lorehub.crypto.DeviceRecord.MAX_NAME_BYTES) {
            return "is " + bytes + " bytes long in UTF-8; at most " + dev.lorehub.crypto.DeviceRecord.MAX_NAME_BYTES
                + " are allowed";
        }
        return null;
    }

    private List<String> strings(JsonNode root, String key, boolean mayBeEmpty, Function<String, String> check) {
        JsonNode v = value(root, key, key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw wrongType(key, "a list in brackets, such as [" + example(key) + "]", v);
        }
        if (v.isEmpty() && !mayBeEmpty) {
            throw fail(source + ": key \"" + key + "\" is an empty list: give at least one address, such as ["
                + example(key) + "], or leave the key out for the default.");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode element = v.get(i);
            String at = key + "[" + i + "]";
            if (!element.isTextual()) {
                throw wrongType(at, "text in double quotes, such as " + example(key), element);
            }
            String problem = check.apply(element.asText());
            if (problem != null) {
                throw fail(source + ": key \"" + at + "\" " + problem + ".");
            }
            out.add(element.asText());
        }
        return out;
    }

    private String address(String text) {
        return text.isBlank() || text.chars().anyMatch(c -> c <= ' ') ? "is not an IP address (such as \"0.0.0.0\" or "
            + "\"192.168.1.20\"): \"" + text + "\"" : null;
    }

    private String mdnsAddress(String text) {
        return text.equalsIgnoreCase("auto") ? null : address(text) == null ? null
            : "must be \"auto\" or an IP address of this machine, got \"" + text + "\"";
    }

    private String deviceRef(String text) {
        String norm = text.replaceAll("[-\\s]", "").toUpperCase(Locale.ROOT);
        if (norm.length() < 7 || !norm.matches("[A-Z2-7]+")) {
            return "must be a device id or its first 7 characters, as `lorehub-node peers` shows them (such as \"GUFHIX2\"), "
                + "got \"" + text + "\"";
        }
        return null;
    }

    private String staticPeer(String text) {
        try {
            StaticPeer.parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return "is not host:port, such as \"192.168.1.20:7465\": \"" + text + "\"";
        }
    }

    private static String example(String key) {
        return switch (key) {
            case "bind" -> "\"0.0.0.0\"";
            case "mdns" -> "\"auto\"";
            case "staticPeers" -> "\"192.168.1.20:7465\"";
            case "autoJoin" -> "\"GUFHIX2\"";
            case "conflicts" -> "\"autoResolve\": false";
            case "dashboard" -> "\"enabled\": true, \"port\": 7466";
            case "alerts" -> "\"behindMinutes\": 30";
            default -> "\"…\"";
        };
    }

    private NodeConfig.ConfigException wrongType(String key, String expected, JsonNode actual) {
        return fail(source + ": key \"" + key + "\" has the wrong type: it must be " + expected + ", not " + describe(actual)
            + ".");
    }

    /** A JSON value the way a person would name it. */
    static String describe(JsonNode v) {
        if (v.isTextual()) {
            String text = v.asText();
            return "the text \"" + (text.length() > 40 ? text.substring(0, 37) + "…" : text) + "\"";
        }
        if (v.isBoolean()) {
            return v.asText() + " (true/false)";
        }
        if (v.isNumber()) {
            return "the number " + v.asText();
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "an object";
        }
        return "null";
    }

    /** Where in the file a syntax error is. */
    private static String where(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
            : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** A JSON syntax error in plain words (Jackson's own messages name its tokens and character codes). */
    static String plain(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (m.startsWith("Duplicate field '")) {
            return "key \"" + m.substring(17, m.indexOf('\'', 17)) + "\" appears twice";
        }
        if (m.contains("end-of-input")) {
            return "the text ends too early (a missing } or ] or \"?)";
        }
        if (m.startsWith("Unexpected character ('")) {
            String c = m.substring(23, m.indexOf('\'', 23) < 0 ? 24 : m.indexOf('\'', 23));
            String why = m.contains("double-quote to start field name") ? " where a key in double quotes should start "
                + "(a comma too many?)" : m.contains("comma to separate") ? " where a comma should be" : "";
            return "unexpected " + (c.equals("\"") ? "'\"'" : "'" + c + "'") + why;
        }
        if (m.startsWith("Unrecognized token '")) {
            return "unrecognized word '" + m.substring(20, Math.max(20, m.indexOf('\'', 20)))
                + "' (text must be in double quotes; true, false and numbers without)";
        }
        if (m.contains("Trailing token") || m.contains("trailing token")) {
            return "there is more after the closing brace";
        }
        if (e instanceof JsonParseException) {
            // the first clause, without code points and token class names
            return m.split("\n")[0].replaceAll("\\s*\\(code \\d+\\)", "").replaceAll("JsonToken\\.\\w+", "").strip();
        }
        return "it cannot be read";
    }

    /** The known key closest to a mistyped one (at most two edits away), or null. */
    private static String nearest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String k : KNOWN_KEYS) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static NodeConfig.ConfigException fail(String message) {
        return new NodeConfig.ConfigException(message);
    }
}
