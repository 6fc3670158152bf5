package dev.lorehub.node.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the dashboard server answers, and who it answers. Every request must name this server as
 * {@code 127.0.0.1:PORT} or {@code localhost:PORT} in its Host header (a page that reached it
 * through DNS rebinding names its own host). Everything else needs a login: the token in the URL
 * once (then a session cookie, HttpOnly, SameSite=Strict), or {@code Authorization: Bearer TOKEN}
 * for scripts such as Prometheus and {@code status --check}. The event stream refuses a foreign
 * Origin; the actions (POST /api/resolve, /api/undo) need the session cookie, an Origin of this server,
 * JSON, and the session's anti-CSRF value in {@code X-LoreHub-CSRF}. No CORS header is ever sent.
 *
 * <pre>
 *   GET  /?token=T          log in: sets the session cookie, redirects to /
 *   GET  /                  the page (app.js, style.css beside it)
 *   GET  /api/snapshot      the read model as JSON ({@link DashboardSnapshot})
 *   GET  /api/events        server-sent events: "snapshot" with the same JSON on every change
 *   GET  /api/alerts        {"alerts":[...]} ({@code status --check})
 *   GET  /metrics           Prometheus text format
 *   POST /api/resolve       {"lore":"uuid","keep":"mine|theirs|EVENT"} or {"lore":"uuid","content":"..."}
 *   POST /api/undo          {"lore":"uuid","version":"EVENT"} or {"realm":"hex","toMillis":t} → {"ok":true,"changed":n}
 * </pre>
 */
public final class DashboardRoutes {
    /** Headers on every reply: no framing, no referrer, no sniffing, no caching, scripts only from here. */
    public static final Map<String, String> SECURITY_HEADERS = Map.of(
        "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        "X-Frame-Options", "DENY",
        "Referrer-Policy", "no-referrer",
        "X-Content-Type-Options", "nosniff",
        "Cache-Control", "no-store",
        "Cross-Origin-Opener-Policy", "same-origin",
        "Cross-Origin-Resource-Policy", "same-origin");

    private static final ObjectMapper JSON = Json.MAPPER;

    private final int port;
    private final DashboardToken token;
    private final LoginSessions sessions;
    private final DashboardModel model;
    private final Supplier<String> snapshotJson;
    private final Supplier<String> metricsText;
    private final LongSupplier clock;
    private final String cookieName;
    private final Map<String, byte[]> assets = new LinkedHashMap<>();

    DashboardRoutes(int port, DashboardToken token, LoginSessions sessions, DashboardModel model, Supplier<String> snapshotJson,
                    Supplier<String> metricsText, LongSupplier clock) {
        this.port = port;
        this.token = token;
        this.sessions = sessions;
        this.model = model;
        this.snapshotJson = snapshotJson;
        this.metricsText = metricsText;
        this.clock = clock;
        this.cookieName = "lorehub_dashboard_" + port; // browsers share cookies across ports: one name per server
        for (String name : new String[] {"index.html", "app.js", "style.css"}) {
            assets.put(name, asset(name));
        }
    }

    private static byte[] asset(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The origin browsers send for this server's own pages. */
    boolean sameOrigin(String origin) {
        return origin != null && (origin.equals("http://127.0.0.1:" + port) || origin.equals("http://localhost:" + port));
    }

    boolean hostAllowed(String host) {
        return host != null && (host.equalsIgnoreCase("127.0.0.1:" + port) || host.equalsIgnoreCase("localhost:" + port));
    }

    /** Answers one request. */
    public HttpExchange.Reply handle(HttpExchange.Request req) {
        if (!hostAllowed(req.header("host"))) {
            return HttpExchange.Reply.text(421, "This dashboard answers only as http://127.0.0.1:" + port + "/ (Host header \""
                + clip(req.header("host")) + "\" refused, against DNS rebinding).");
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : uri.substring(q + 1));
        long now = clock.getAsLong();
        String session = cookie(req.header("cookie"));
        boolean loggedIn = sessions.valid(session, now);
        boolean bearer = token.matches(bearer(req.header("authorization")));

        if (req.method().equals("POST")) {
            if (!path.equals("/api/resolve") && !path.equals("/api/undo")) {
                return HttpExchange.Reply.text(404, "Not found.");
            }
            HttpExchange.Reply refused = refuseAction(req, session, now);
            if (refused != null) {
                return refused;
            }
            JsonNode body;
            try {
                body = JSON.readTree(req.body());
            } catch (IOException e) {
                return error(400, "The request is not JSON.");
            }
            return path.equals("/api/undo") ? undo(body) : resolve(body);
        }
        if (!req.method().equals("GET")) {
            return HttpExchange.Reply.text(405, "Only GET and POST.").with("Allow", "GET, POST");
        }
        switch (path) {
            case "/" -> {
                if (query.containsKey("token")) {
                    if (!token.matches(query.get("token"))) {
                        return HttpExchange.Reply.text(403, "Wrong token: open the URL that `lorehub-node dashboard` prints.");
                    }
                    String id = sessions.start(now);
                    return HttpExchange.Reply.text(303, "Logged in.").with("Location", "/").with("Set-Cookie", cookieName + "="
                        + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + LoginSessions.LIFETIME_MILLIS / 1000);
                }
                if (!loggedIn) {
                    return HttpExchange.Reply.of(401, "text/plain; charset=utf-8", "This is the LoreHub Sync Node's dashboard. "
                        + "Open it with the URL that `lorehub-node dashboard` prints (it carries a secret token).\n");
                }
                String page = new String(assets.get("index.html"), StandardCharsets.UTF_8)
                    .replace("{{CSRF}}", sessions.csrf(session, now));
                return HttpExchange.Reply.of(200, "text/html; charset=utf-8", page);
            }
            case "/app.js", "/style.css" -> {
                if (!loggedIn) {
                    return HttpExchange.Reply.text(401, "Log in first.");
                }
                String name = path.substring(1);
                return new HttpExchange.Reply(200, name.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : "text/css; charset=utf-8", assets.get(name), new LinkedHashMap<>(), false);
            }
            case "/api/snapshot" -> {
                return loggedIn || bearer ? HttpExchange.Reply.json(200, snapshotJson.get()) : unauthorized();
            }
            case "/api/alerts" -> {
                if (!loggedIn && !bearer) {
                    return unauthorized();
                }
                try {
                    ObjectNode out = JSON.createObjectNode();
                    out.set("alerts", JSON.readTree(snapshotJson.get()).path("alerts"));
                    return HttpExchange.Reply.json(200, out.toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case "/api/events" -> {
                if (!loggedIn) {
                    return unauthorized();
                }
                String origin = req.header("origin");
                if (origin != null && !sameOrigin(origin)) {
                    return HttpExchange.Reply.text(403, "Foreign Origin refused.");
                }
                return new HttpExchange.Reply(200, "text/event-stream; charset=utf-8",
                    ("event: snapshot\ndata: " + snapshotJson.get() + "\n\n").getBytes(StandardCharsets.UTF_8),
                    new LinkedHashMap<>(), true);
            }
            case "/metrics" -> {
                if (!loggedIn && !bearer && !token.matches(query.get("token"))) {
                    return unauthorized();
                }
                return HttpExchange.Reply.of(200, "text/plain; version=0.0.4; charset=utf-8", metricsText.get());
            }
            default -> {
                return HttpExchange.Reply.text(404, "Not found.");
            }
        }
    }

    /** Why an action is refused (not logged in, foreign Origin, no CSRF value, not JSON), or null. */
    private HttpExchange.Reply refuseAction(HttpExchange.Request req, String session, long now) {
        String csrf = sessions.csrf(session, now);
        if (csrf == null) {
            return unauthorized();
        }
        if (!sameOrigin(req.header("origin"))) {
            return HttpExchange.Reply.text(403, "Actions need an Origin of this dashboard (got \"" + clip(req.header("origin"))
                + "\").");
        }
        if (!LoginSessions.same(csrf, req.header("x-lorehub-csrf"))) {
            return HttpExchange.Reply.text(403, "Missing or wrong X-LoreHub-CSRF: reload the dashboard.");
        }
        String type = req.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return HttpExchange.Reply.text(415, "Send JSON.");
        }
        return null;
    }

    private HttpExchange.Reply undo(JsonNode body) {
        UndoRequest request;
        if (body.hasNonNull("lore")) {
            String lore = body.get("lore").asText("");
            String version = body.path("version").asText("");
            if (!lore.matches("[0-9a-fA-F-]{8,36}") || !version.matches("[0-9a-fA-F]{8,64}")) {
                return error(400, "\"lore\" must be a lore id and \"version\" an event id.");
            }
            request = new UndoRequest.LoreVersion(lore, version);
        } else {
            String realm = body.path("realm").asText("");
            JsonNode to = body.path("toMillis");
            if (!realm.matches("[0-9a-fA-F]{32,64}") || !to.canConvertToLong() || to.asLong() <= 0) {
                return error(400, "Send {\"lore\",\"version\"} or {\"realm\" (its id), \"toMillis\" (a time)}.");
            }
            request = new UndoRequest.RealmTime(realm, to.asLong());
        }
        int changed;
        try {
            changed = model.undo(request);
        } catch (DashboardActionException e) {
            return error(409, e.getMessage());
        }
        return HttpExchange.Reply.json(200, JSON.createObjectNode().put("ok", true).put("changed", changed).toString());
    }

    private HttpExchange.Reply resolve(JsonNode body) {
        String lore = body.path("lore").asText("");
        if (!lore.matches("[0-9a-fA-F-]{36}")) {
            return error(400, "\"lore\" must be a lore id.");
        }
        Resolution choice;
        if (body.hasNonNull("content")) {
            choice = new Resolution.Edit(body.get("content").asText());
        } else {
            String keep = body.path("keep").asText("");
            if (keep.equals("mine")) {
                choice = new Resolution.KeepMine();
            } else if (keep.equals("theirs")) {
                choice = new Resolution.KeepTheirs();
            } else if (keep.matches("[0-9a-fA-F]{8,64}")) {
                choice = new Resolution.KeepVersion(keep);
            } else {
                return error(400, "\"keep\" must be mine, theirs or a version's event id.");
            }
        }
        try {
            model.resolve(lore, choice);
        } catch (DashboardActionException e) {
            return error(409, e.getMessage());
        }
        return HttpExchange.Reply.json(200, JSON.createObjectNode().put("ok", true).put("lore", lore).toString());
    }

    private static HttpExchange.Reply error(int status, String message) {
        return HttpExchange.Reply.json(status, JSON.createObjectNode().put("ok", false).put("error", message).toString());
    }

    private static HttpExchange.Reply unauthorized() {
        return HttpExchange.Reply.text(401, "Not logged in: open the URL that `lorehub-node dashboard` prints, or send "
            + "Authorization: Bearer <the token in node/dashboard.token>.");
    }

    private String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(cookieName + "=")) {
                return p.substring(cookieName.length() + 1);
            }
        }
        return null;
    }

    private static String bearer(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : q.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            try {
                out.putIfAbsent(URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: ignore that parameter
            }
        }
        return out;
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }
}
