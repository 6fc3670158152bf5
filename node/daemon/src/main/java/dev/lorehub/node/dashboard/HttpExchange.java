package dev.lorehub.node.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request and its reply as the dashboard's routes see them, without any HTTP library. */
public final class HttpExchange {
    private HttpExchange() {
    }

    /**
     * One request.
     *
     * @param headers header names in lower case; a header sent twice is refused before this point
     */
    public record Request(String method, String uri, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /**
     * One reply. A {@code stream} reply keeps the connection open as a server-sent event stream
     * whose first event is {@code body}.
     */
    public record Reply(int status, String contentType, byte[] body, Map<String, String> headers, boolean stream) {
        static Reply of(int status, String contentType, String body) {
            return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>(), false);
        }

        static Reply text(int status, String body) {
            return of(status, "text/plain; charset=utf-8", body + "\n");
        }

        static Reply json(int status, String body) {
            return of(status, "application/json", body);
        }

        Reply with(String header, String value) {
            headers.put(header, value);
            return this;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
