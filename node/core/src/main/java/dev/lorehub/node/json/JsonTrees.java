package dev.lorehub.node.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Reads a JSON text into the same tree {@link Json#STRICT} (or {@link Json#STRICT_NO_DUPLICATES}) reads,
 * with Jackson's streaming parser and node factory alone: same node types (int, long, big integer,
 * double), same errors from the same parser, the last of a repeated key winning where repeats are
 * allowed, and anything after the value refused.
 *
 * <p>Why not the mapper: the short commands read the node's configuration (and the running node's
 * replies) on every call, and creating the shared mapper (its date format loads the JDK's locale
 * data) was a sixth of such a command's start. The equivalence is a property test against the mapper.
 */
public final class JsonTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /**
     * The tree of one JSON value; {@link MissingNode} for empty text. Throws the parser's exception for
     * broken JSON, a key given twice when {@code rejectDuplicateKeys}, or anything after the value.
     */
    public static JsonNode read(String json, boolean rejectDuplicateKeys) throws JsonProcessingException {
        try (JsonParser p = Json.Streams.FACTORY.createParser(json)) {
            if (rejectDuplicateKeys) {
                p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            }
            JsonToken first = p.nextToken();
            if (first == null) {
                return MissingNode.getInstance();
            }
            JsonNode value = value(p, first);
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new JsonParseException(p, "Trailing token (of type " + after + ") found after value",
                    p.currentTokenLocation());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail with I/O", e);
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                // nextFieldName, as the mapper's deserializer reads objects: the parser words a missing
                // value differently on this path than after nextToken, and the messages must match
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    object.replace(name, value(p, p.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    array.add(value(p, e));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new JsonParseException(p, "Unexpected token " + t, p.currentTokenLocation());
        }
    }
}
