package dev.lorehub.node.dashboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hand-made HTTP/1.1 request to 127.0.0.1, so a test can send what browsers and Java's
 * HttpClient will not: any Host header, a header twice, no Origin. Reads the reply until the
 * server closes or the body is complete (a stream reply: until its first event).
 */
final class RawHttp {
    record Response(int status, Map<String, String> headers, String body, String raw) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    static Response send(int port, String method, String path, List<String> headers, String body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            s.setSoTimeout(5_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** The usual headers for a request from the page: Host of this server plus {@code extra}. */
    static List<String> host(int port, String... extra) {
        List<String> out = new java.util.ArrayList<>();
        out.add("Host: 127.0.0.1:" + port);
        out.addAll(List.of(extra));
        return out;
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                buf.write(chunk, 0, n);
                String sofar = buf.toString(StandardCharsets.UTF_8);
                int end = sofar.indexOf("\r\n\r\n");
                if (end >= 0 && sofar.toLowerCase(Locale.ROOT).contains("text/event-stream") && sofar.indexOf("\n\n", end + 4) > 0) {
                    break; // a stream: its first event is enough
                }
            }
        } catch (SocketTimeoutException e) {
            // a stream that sent nothing more: take what came
        }
        String raw = buf.toString(StandardCharsets.UTF_8);
        int end = raw.indexOf("\r\n\r\n");
        String head = end < 0 ? raw : raw.substring(0, end);
        String body = end < 0 ? "" : raw.substring(end + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                    (x, y) -> x + ", " + y);
            }
        }
        return new Response(status, headers, body, raw);
    }
}
