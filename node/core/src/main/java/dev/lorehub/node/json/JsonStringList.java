package dev.lorehub.node.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads lh's JSON array-of-strings columns (realm paths, tags, ...) with Jackson's streaming parser,
 * as the shared mapper would read them as a {@code List<String>}: strings as they are, numbers and
 * booleans as their text, {@code null} elements dropped; anything else (not an array, an object or
 * array inside, broken JSON) reads as empty. Text after the closing bracket is ignored, as the mapper
 * ignores it by default.
 *
 * <p>Why not the mapper: every read-only command reads a realm's paths, and creating the mapper
 * (its date format loads the JDK's locale data) was a sixth of such a command's start, for a value a
 * parser reads in microseconds. The equivalence is a property test against the mapper.
 */
public final class JsonStringList {
    private JsonStringList() {
    }

    /** The strings of a JSON array text; empty for null, blank or anything that is not such an array. */
    public static List<String> parse(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try (JsonParser p = Json.Streams.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    return List.of(); // the text ended inside the array
                }
                switch (t) {
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> out.add(p.getText());
                    case VALUE_NULL -> { }
                    default -> {
                        return List.of(); // an object or array where a string belongs
                    }
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            return List.of();
        }
    }
}
