package dev.lorehub.node.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JsonStringList} reads every text exactly as the shared mapper reads a {@code List<String>}. */
class JsonStringListTest {
    /** The oracle: what the node did before, through the mapper. */
    private static List<String> byMapper(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            List<String> parsed = Json.MAPPER.readValue(json, new TypeReference<List<String>>() { });
            return parsed == null ? List.of() : parsed.stream().filter(Objects::nonNull).toList();
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    @Test
    void knownShapes() {
        for (String json : List.of("[]", "[\"/a\",\"/b c\"]", "[\"x\",null,\"y\"]", "[1, 2.50, -3e2, true, false]",
            "null", "\"a\"", "{}", "[{}]", "[[\"a\"]]", "[\"a\"", "[\"a\"] trailing", "[\"a\",]", "[\"\\u00e9\\n\"]",
            "", "  ", "[\"a\"] [\"b\"]", "nonsense", "[\"a\" \"b\"]", "[01]", "[NaN]")) {
            assertThat(JsonStringList.parse(json)).as(json).isEqualTo(byMapper(json));
        }
        assertThat(JsonStringList.parse("[\"/a\",\"/b c\"]")).containsExactly("/a", "/b c");
    }

    @Property(tries = 2000)
    void readsAsTheMapperDoes(@ForAll("jsonish") String json) {
        assertThat(JsonStringList.parse(json)).as(json).isEqualTo(byMapper(json));
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> token = Arbitraries.of("[", "]", "{", "}", ",", ":", "null", "true", "false", "0", "-1.5e3",
            "12345678901234567890", "\"a\"", "\"\\\"q\\\"\"", "\"\\u0041\"", "\"/home/x\"", " ", "x", "\"", "[]", "{\"k\":1}");
        Arbitrary<String> wellFormed = Arbitraries.of("\"a\"", "\"b c\"", "null", "1", "2.5", "true", "{}", "[]", "\"\"")
            .list().ofMaxSize(6).map(items -> "[" + String.join(",", items) + "]");
        return Arbitraries.oneOf(wellFormed, token.list().ofMaxSize(8).map(parts -> String.join("", parts)));
    }
}
