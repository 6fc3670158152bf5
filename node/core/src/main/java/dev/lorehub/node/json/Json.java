package dev.lorehub.node.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node's one Jackson configuration. Every JSON the node reads or writes — lh's columns, the
 * node's config, the control socket, the dashboard, {@code --json} output, backups — goes through
 * {@link #MAPPER} or a reader or writer derived from it, so a setting is decided once.
 *
 * <p>Threading: an {@code ObjectMapper} is thread-safe once configured; {@link ObjectReader} and
 * {@link ObjectWriter} are immutable. Invariant: nobody reconfigures {@link #MAPPER} after this
 * class initialises (a variant is an {@code ObjectReader}/{@code ObjectWriter} derived from it,
 * as {@link #STRICT} and {@link #PRETTY} are).
 */
public final class Json {
    /** The shared mapper, Jackson's defaults. Never reconfigure it: derive a reader or writer instead. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Strict like JavaScript's {@code JSON.parse}: nothing may follow the value. */
    public static final ObjectReader STRICT = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** As {@link #STRICT}, and a key given twice in one object is an error rather than "the last one wins". */
    public static final ObjectReader STRICT_NO_DUPLICATES = STRICT.with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Indented output, for people reading it. */
    public static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    /** A new, empty JSON object (the mapper's own node factory, {@link Streams#object()}). */
    public static ObjectNode object() {
        return Streams.object();
    }

    /** A new, empty JSON array (the mapper's own node factory, {@link Streams#array()}). */
    public static ArrayNode array() {
        return Streams.array();
    }

    /**
     * JSON without the mapper: the streaming factory and the node factory, Jackson's defaults, which
     * are the mapper's too. A nested class initialises on its own, so using it never creates
     * {@link #MAPPER}: the short commands read and write their JSON through it, because creating the
     * mapper (its date format loads the JDK's locale data) was a sixth of such a command's start.
     */
    public static final class Streams {
        /** The one streaming factory (parsers and generators without the mapper). */
        public static final JsonFactory FACTORY = new JsonFactory();

        private Streams() {
        }

        /** A new, empty JSON object. */
        public static ObjectNode object() {
            return JsonNodeFactory.instance.objectNode();
        }

        /** A new, empty JSON array. */
        public static ArrayNode array() {
            return JsonNodeFactory.instance.arrayNode();
        }

        /**
         * {@code tree} as compact JSON text, exactly as {@code MAPPER.writeValueAsString(tree)}
         * writes it (JsonTreesTest compares them), through the streaming generator.
         *
         * @throws IllegalArgumentException for a tree holding a POJO node (only the mapper can write one)
         */
        public static String write(JsonNode tree) {
            java.io.StringWriter out = new java.io.StringWriter();
            try (com.fasterxml.jackson.core.JsonGenerator g = FACTORY.createGenerator(out)) {
                write(tree, g);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("writing JSON to memory failed", e); // a StringWriter does not fail
            }
            return out.toString();
        }

        private static void write(JsonNode node, com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
            switch (node.getNodeType()) {
                case OBJECT -> {
                    g.writeStartObject();
                    for (java.util.Map.Entry<String, JsonNode> field : node.properties()) {
                        g.writeFieldName(field.getKey());
                        write(field.getValue(), g);
                    }
                    g.writeEndObject();
                }
                case ARRAY -> {
                    g.writeStartArray();
                    for (JsonNode element : node) {
                        write(element, g);
                    }
                    g.writeEndArray();
                }
                case STRING -> g.writeString(node.textValue());
                case BOOLEAN -> g.writeBoolean(node.booleanValue());
                case NULL, MISSING -> g.writeNull();
                case BINARY -> g.writeBinary(node.binaryValue());
                case NUMBER -> {
                    switch (node.numberType()) {
                        case INT -> g.writeNumber(node.intValue());
                        case LONG -> g.writeNumber(node.longValue());
                        case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                        case FLOAT -> g.writeNumber(node.floatValue());
                        case DOUBLE -> g.writeNumber(node.doubleValue());
                        case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                    }
                }
                case POJO -> throw new IllegalArgumentException("a POJO node in a JSON tree: only the mapper writes it");
            }
        }
    }
}
