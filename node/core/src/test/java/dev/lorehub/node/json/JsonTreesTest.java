package dev.lorehub.node.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JsonTrees} reads every text into the tree the shared mapper's strict readers read, or fails where they fail. */
class JsonTreesTest {
    /** Either the tree or the failure's original message and place. */
    private static String outcome(String json, boolean strictKeys, boolean byMapper) {
        try {
            JsonNode node = byMapper ? (strictKeys ? Json.STRICT_NO_DUPLICATES : Json.STRICT).readTree(json)
                : JsonTrees.read(json, strictKeys);
            return node.getNodeType() + " " + node + " " + types(node);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            // the mapper names its target type and feature after the clause both share
            String clause = m.startsWith("Trailing token") ? m.substring(0, m.indexOf(')') + 1) : m;
            return "error: " + clause + " at " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ":"
                + e.getLocation().getColumnNr());
        }
    }

    /** The node classes, depth first: IntNode and LongNode print alike. */
    private static String types(JsonNode node) {
        StringBuilder b = new StringBuilder(node.getClass().getSimpleName());
        node.forEach(child -> b.append(',').append(types(child)));
        return b.toString();
    }

    private static void same(String json) {
        for (boolean strict : new boolean[] {false, true}) {
            assertThat(outcome(json, strict, false)).as(json + (strict ? " (no duplicates)" : ""))
                .isEqualTo(outcome(json, strict, true));
        }
    }

    @Test
    void knownShapes() {
        for (String json : List.of("{}", "[]", "", "  ", "{\"a\":1}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
            "{\"n\":2147483648, \"m\":-9223372036854775809, \"f\":1.5e300, \"g\":1e400, \"z\":-0.0}", "{\"a\":1} x",
            "{\"a\":1} {}", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "[1 2]", "{\"a\":tru}", "\"text\"", "12", "null", "{",
            "{\"a\":}", "{\"a\":]", "[1,]", "{\"a\":1,\"b\":}",
            "{\n  \"port\": 7465,\n  \"port\": 7466\n}", "{\"\\u00e9\":\"\\n\"}")) {
            same(json);
        }
        assertThat(outcome("{\"a\":1} {}", false, false)).startsWith("error: Trailing token");
    }

    @Property(tries = 3000)
    void readsAsTheMapperDoes(@ForAll("jsonish") String json) {
        same(json);
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> token = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"a\"", "\"b\"", "1", "-2.5", "1e999",
            "99999999999", "123456789012345678901234", "true", "false", "null", " ", "\n", "x", "\"");
        return token.list().ofMaxSize(12).map(parts -> String.join("", parts));
    }

    /** The streaming writer writes every tree the mapper reads exactly as the mapper writes it. */
    @Property(tries = 3000)
    void writesAsTheMapperDoes(@ForAll("jsonish") String json) throws Exception {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return; // not JSON: nothing to write
        }
        if (tree == null || tree.isMissingNode()) {
            return;
        }
        assertThat(Json.Streams.write(tree)).isEqualTo(Json.MAPPER.writeValueAsString(tree));
    }

    @org.junit.jupiter.api.Test
    void writesBuiltTreesAsTheMapperDoes() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode tree = Json.Streams.object().put("s", "caf\u00e9 \u2603 \"q\" \\ \n\t\u0001")
            .put("d", 0.1).put("f", 1e300).put("neg", -0.0).put("l", Long.MIN_VALUE).put("b", true).putNull("n")
            .put("big", new java.math.BigDecimal("123456789012345678901234.5"));
        tree.putArray("a").add(1).add("x").addNull().addObject().putArray("empty");
        tree.putObject("o");
        assertThat(Json.Streams.write(tree)).isEqualTo(Json.MAPPER.writeValueAsString(tree));
    }
}
