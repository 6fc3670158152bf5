package dev.lorehub.node.runtime;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.lorehub.node.json.Json;

import java.io.IOException;
import java.io.Reader;
import java.util.HashMap;
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

    private static final ObjectReader REQUESTS = Json.MAPPER.readerFor(ControlRequest.class);
    private static final ObjectWriter REQUEST_WRITER = Json.MAPPER.writerFor(ControlRequest.class);
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

    /** One request line (no newline). */
    static String encode(ControlRequest request) {
        try {
            return REQUEST_WRITER.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + request, e);
        }
    }

    /**
     * Decodes one request line.
     *
     * @throws NodeException ({@link NodeException.Reason#USAGE}) naming what is wrong with it
     */
    static ControlRequest decode(String line) {
        try {
            return REQUESTS.readValue(line);
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
        return Json.MAPPER.readTree(line);
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
