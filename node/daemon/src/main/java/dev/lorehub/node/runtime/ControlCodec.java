package dev.lorehub.node.runtime;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.json.JsonTrees;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The control socket's wire format, in one place: a request is one line of JSON (a
 * {@link ControlRequest}, its record named by {@code "op"}), each reply one line of JSON. Lines
 * are read with a bound ({@link #MAX_LINE} characters) before anything is decoded, so a client
 * cannot make the daemon buffer an unbounded line.
 *
 * <p>Decoding never guesses: an unknown {@code op}, a missing one, a field the request does not
 * have or malformed JSON is a {@link NodeException} ({@link NodeException.Reason#USAGE}) that says which,
 * so a CLI and a daemon of different versions fail with a message rather than a silent misreading.
 *
 * <p>Threading: stateless; any thread.
 */
final class ControlCodec {
    /** The longest request or reply line accepted, in characters. */
    static final int MAX_LINE = 64 * 1024;

    private static final Map<Class<?>, String> OPS = new HashMap<>();

    static {
        for (JsonSubTypes.Type t : ControlRequest.class.getAnnotation(JsonSubTypes.class).value()) {
            OPS.put(t.value(), t.name());
        }
    }

    private ControlCodec() {
    }

    /** The {@code op} that names {@code request} on the wire. */
    static String op(ControlRequest request) {
        return OPS.get(request.getClass());
    }

    /** The daemon's side, made on its first request: the mapper's reader of requests. */
    private static final class Server {
        static final ObjectReader REQUESTS = Json.MAPPER.readerFor(ControlRequest.class);
    }

    /**
     * One request line (no newline): {@code "op"} first, then the record's non-null components in
     * declaration order, exactly as the mapper writes {@link ControlRequest} (its {@code @JsonTypeInfo}
     * and {@code NON_NULL}).
     */
    static String encode(ControlRequest request) {
        // The streaming generator: a command that asks the running node something must not pay for
        // creating the shared mapper (ControlCodecTest checks the bytes equal the mapper's).
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.Streams.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("op", op(request));
            for (RecordComponent c : request.getClass().getRecordComponents()) {
                Object value = c.getAccessor().invoke(request);
                if (value != null) {
                    g.writeFieldName(c.getName());
                    writeValue(g, value);
                }
            }
            g.writeEndObject();
        } catch (IOException | ReflectiveOperationException e) {
            throw new IllegalStateException("cannot encode " + request, e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Long n) {
            g.writeNumber(n);
        } else if (value instanceof Integer n) {
            g.writeNumber(n);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object e : list) {
                writeValue(g, e);
            }
            g.writeEndArray();
        } else if (value instanceof JsonNode node) {
            g.writeRawValue(Json.MAPPER.writeValueAsString(node)); // resolve's values: a rare, long command
        } else {
            throw new IllegalArgumentException("a control request cannot carry a " + value.getClass().getName());
        }
    }

    /**
     * Decodes one request line.
     *
     * @throws NodeException ({@link NodeException.Reason#USAGE}) naming what is wrong with it
     */
    static ControlRequest decode(String line) {
        try {
            return Server.REQUESTS.readValue(line);
        } catch (InvalidTypeIdException e) {
            String op = e.getTypeId();
            if (op == null) {
                throw new NodeException("The control request names no \"op\".", NodeException.Reason.USAGE);
            }
            throw new NodeException("unknown operation '" + op + "': this node does not know it (is the running "
                + "daemon older than this command? restart it with `lorehub-node start`)", NodeException.Reason.USAGE);
        } catch (UnrecognizedPropertyException e) {
            throw new NodeException("The running node does not understand the field '" + e.getPropertyName()
                + "' of this request (is it older than this command? restart it with `lorehub-node start`)",
                NodeException.Reason.USAGE);
        } catch (JsonProcessingException e) {
            throw new NodeException("Malformed control request: " + e.getOriginalMessage(), NodeException.Reason.USAGE);
        }
    }

    /** One reply line (no newline). */
    static String encodeReply(JsonNode reply) {
        try {
            return Json.MAPPER.writeValueAsString(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a reply", e);
        }
    }

    /** Decodes one reply line. */
    static JsonNode decodeReply(String line) throws IOException {
        return JsonTrees.read(line, false); // the client reads replies without creating the shared mapper
    }

    /** The error reply: {@code {"ok":false,"error":message,"code":exit code}}. */
    static JsonNode error(String message, NodeException.Reason reason) {
        return Json.object().put("ok", false).put("error", message).put("code", reason.exitCode());
    }

    /**
     * Reads one line of at most {@code max} characters (without its end of line), or null at the
     * end of the stream.
     *
     * @throws LineTooLongException as soon as the line exceeds {@code max}, having read {@code max + 1} characters
     */
    static String readLine(Reader in, int max) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                return stripCarriageReturn(line);
            }
            if (line.length() == max) {
                throw new LineTooLongException(max);
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : stripCarriageReturn(line);
    }

    private static String stripCarriageReturn(StringBuilder line) {
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
    }

    /** A line longer than the bound. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int max) {
            super("line longer than " + max + " characters");
        }
    }
}
