package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.json.Json;

import java.time.Instant;

/**
 * What {@code --json} prints: one JSON document on stdout, one line, nothing else there (hints and
 * warnings go to stderr). The shapes are documented in README ("Machine-readable output") and are
 * only ever extended: fields are added, never renamed or removed. Times are ISO-8601 UTC strings
 * (null: never), ids in full.
 */
final class JsonOutput {
    private JsonOutput() {
    }

    /**
     * A new object, made without the shared mapper ({@link Json.Streams}): commands build their answer as
     * a tree also when they print it as text.
     */
    static ObjectNode object() {
        return Json.Streams.object();
    }

    /** A new array, made without the shared mapper (see {@link #object()}). */
    static ArrayNode array() {
        return Json.Streams.array();
    }

    static String time(Long millis) {
        return millis == null || millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
    }

    /**
     * Prints {@code node} as one line of JSON, through the streaming writer: creating the shared
     * mapper would cost a quick command's {@code --json} about 50 ms.
     */
    static void print(JsonNode node) {
        System.out.println(Json.Streams.write(node));
    }
}
