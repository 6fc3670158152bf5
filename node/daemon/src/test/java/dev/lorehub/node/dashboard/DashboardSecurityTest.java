package dev.lorehub.node.dashboard;

import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard against a plain HTTP client on a real node: who gets in (the token once, then
 * the session cookie; or the token as a bearer), and what is refused — no token, a wrong token, a
 * wrong Host (DNS rebinding), a foreign or missing Origin on actions and on the event stream, a
 * POST without the anti-CSRF value or not JSON, methods other than GET and POST, a header sent
 * twice, a body too large. Every reply carries the security headers and none a CORS header.
 */
class DashboardSecurityTest {
    @TempDir
    static Path dir;
    static NodeHome home;
    static NodeRuntime node;
    static DashboardService dashboard;
    static int port;
    static String token;

    @BeforeAll
    static void start() {
        home = new NodeHome(dir.resolve("node"));
        NodeFiles.init(home, new SecureRandom());
        NodeConfig config = NodeConfig.defaults().loopbackOnly().withDisplayName("solo");
        node = NodeRuntime.start(home, config, System::currentTimeMillis);
        dashboard = DashboardService.start(node, home, config);
        port = dashboard.port();
        token = DashboardToken.read(home).orElseThrow().value();
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** Logs in with the token; returns the session cookie ("name=value"). */
    static String login() throws IOException {
        RawHttp.Response r = RawHttp.send(port, "GET", "/?token=" + token, RawHttp.host(port), null);
        assertThat(r.status()).isEqualTo(303);
        String cookie = r.header("set-cookie");
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        return cookie.substring(0, cookie.indexOf(';'));
    }

    static String csrf(String cookie) throws IOException {
        RawHttp.Response page = RawHttp.send(port, "GET", "/", RawHttp.host(port, "Cookie: " + cookie), null);
        assertThat(page.status()).isEqualTo(200);
        Matcher m = Pattern.compile("name=\"lorehub-csrf\" content=\"([A-Za-z0-9_-]+)\"").matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    @Test
    void theTokenFileIsOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DashboardToken.file(home))))
            .isEqualTo("rw-------");
        assertThat(token).hasSize(43);
    }

    @Test
    void withoutTheTokenNothingIsShown() throws IOException {
        for (String path : List.of("/", "/app.js", "/api/snapshot", "/api/events", "/api/alerts", "/metrics")) {
            RawHttp.Response r = RawHttp.send(port, "GET", path, RawHttp.host(port), null);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.body()).as(path).doesNotContain("\"device\"").doesNotContain("lorehub_");
        }
        assertThat(RawHttp.send(port, "GET", "/?token=" + "x".repeat(43), RawHttp.host(port), null).status()).isEqualTo(403);
        assertThat(RawHttp.send(port, "GET", "/", RawHttp.host(port, "Cookie: lorehub_dashboard_" + port + "=forged"), null)
            .status()).isEqualTo(401);
    }

    @Test
    void theTokenLogsInAndTheCookieOpensThePage() throws IOException {
        String cookie = login();
        RawHttp.Response page = RawHttp.send(port, "GET", "/", RawHttp.host(port, "Cookie: " + cookie), null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("LoreHub Sync").contains("/app.js").doesNotContain(token);
        RawHttp.Response snapshot = RawHttp.send(port, "GET", "/api/snapshot", RawHttp.host(port, "Cookie: " + cookie), null);
        assertThat(snapshot.status()).isEqualTo(200);
        assertThat(snapshot.body()).contains("\"name\":\"solo\"");
        RawHttp.Response events = RawHttp.send(port, "GET", "/api/events", RawHttp.host(port, "Cookie: " + cookie,
            "Origin: http://127.0.0.1:" + port), null);
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.header("content-type")).startsWith("text/event-stream");
        assertThat(events.body()).contains("event: snapshot").contains("\"name\":\"solo\"");
        // the host name "localhost" is this server too
        assertThat(RawHttp.send(port, "GET", "/api/snapshot", List.of("Host: localhost:" + port, "Cookie: " + cookie), null)
            .status()).isEqualTo(200);
    }

    @Test
    void scriptsUseTheTokenAsABearer() throws IOException {
        RawHttp.Response metrics = RawHttp.send(port, "GET", "/metrics", RawHttp.host(port, "Authorization: Bearer " + token),
            null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("content-type")).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("lorehub_peers_connected");
        assertThat(RawHttp.send(port, "GET", "/api/alerts", RawHttp.host(port, "Authorization: Bearer " + token), null).body())
            .contains("\"alerts\":[]");
        assertThat(RawHttp.send(port, "GET", "/metrics", RawHttp.host(port, "Authorization: Bearer nope"), null).status())
            .isEqualTo(401);
    }

    @Test
    void aWrongHostHeaderIsRefusedEvenWithAValidLogin() throws IOException {
        String cookie = login();
        for (String host : List.of("evil.example:" + port, "evil.example", "127.0.0.1:" + (port == 65535 ? 1 : port + 1),
            "127.0.0.1", "[::1]:" + port, "localhost.evil.example:" + port)) {
            RawHttp.Response r = RawHttp.send(port, "GET", "/api/snapshot", List.of("Host: " + host, "Cookie: " + cookie), null);
            assertThat(r.status()).as(host).isEqualTo(421);
            assertThat(r.body()).as(host).doesNotContain("\"device\"");
        }
        RawHttp.Response noHost = RawHttp.send(port, "GET", "/api/snapshot", List.of("Cookie: " + cookie), null);
        assertThat(noHost.status()).isIn(400, 421);
        RawHttp.Response twice = RawHttp.send(port, "GET", "/api/snapshot", List.of("Host: 127.0.0.1:" + port,
            "Host: evil.example", "Cookie: " + cookie), null);
        assertThat(twice.status()).isEqualTo(400);
        // a login through a rebound name does not work either
        assertThat(RawHttp.send(port, "GET", "/?token=" + token, List.of("Host: evil.example:" + port), null).status())
            .isEqualTo(421);
    }

    @Test
    void theEventStreamRefusesAForeignOrigin() throws IOException {
        String cookie = login();
        RawHttp.Response r = RawHttp.send(port, "GET", "/api/events", RawHttp.host(port, "Cookie: " + cookie,
            "Origin: http://evil.example"), null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("snapshot");
        // another local server (another port of the same host) is another origin
        assertThat(RawHttp.send(port, "GET", "/api/events", RawHttp.host(port, "Cookie: " + cookie,
            "Origin: http://127.0.0.1:1"), null).status()).isEqualTo(403);
    }

    @Test
    void actionsNeedPostTheSessionTheOriginTheCsrfValueAndJson() throws IOException {
        String cookie = login();
        String csrf = csrf(cookie);
        String lore = UUID.randomUUID().toString();
        String body = "{\"lore\":\"" + lore + "\",\"keep\":\"mine\"}";
        String origin = "Origin: http://127.0.0.1:" + port;
        String json = "Content-Type: application/json";
        // everything right: reaches the model, which says there is nothing to resolve
        RawHttp.Response ok = RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, origin, json,
            "X-LoreHub-CSRF: " + csrf), body);
        assertThat(ok.status()).as(ok.raw()).isEqualTo(409);
        assertThat(ok.body()).contains("no conflicts");

        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, origin, json, "X-LoreHub-CSRF: " + csrf), body)
            .status()).as("no session").isEqualTo(401);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, json,
            "X-LoreHub-CSRF: " + csrf), body).status()).as("no Origin").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, "Origin: http://evil.example",
            json, "X-LoreHub-CSRF: " + csrf), body).status()).as("foreign Origin").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, "Origin: null", json,
            "X-LoreHub-CSRF: " + csrf), body).status()).as("opaque Origin").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, origin, json), body)
            .status()).as("no CSRF value").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, origin, json,
            "X-LoreHub-CSRF: " + token), body).status()).as("the token is not the CSRF value").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie, origin,
            "Content-Type: text/plain", "X-LoreHub-CSRF: " + csrf), body).status()).as("a simple form post").isEqualTo(415);
        assertThat(RawHttp.send(port, "GET", "/api/resolve?lore=" + lore + "&keep=mine", RawHttp.host(port, "Cookie: " + cookie,
            origin), null).status()).as("GET never acts").isEqualTo(404);
        assertThat(RawHttp.send(port, "POST", "/api/resolve", List.of("Host: evil.example:" + port, "Cookie: " + cookie, origin,
            json, "X-LoreHub-CSRF: " + csrf), body).status()).as("wrong Host").isEqualTo(421);
    }

    @Test
    void undoNeedsTheSameSessionOriginCsrfAndJsonAndSaysWhatIsWrong() throws IOException {
        String cookie = login();
        String csrf = csrf(cookie);
        String origin = "Origin: http://127.0.0.1:" + port;
        String json = "Content-Type: application/json";
        String body = "{\"lore\":\"" + UUID.randomUUID() + "\",\"version\":\"0123456789abcdef\"}";
        RawHttp.Response unknown = RawHttp.send(port, "POST", "/api/undo", RawHttp.host(port, "Cookie: " + cookie, origin, json,
            "X-LoreHub-CSRF: " + csrf), body);
        assertThat(unknown.status()).as(unknown.raw()).isEqualTo(409);
        assertThat(unknown.body()).contains("No synced lore");
        RawHttp.Response bad = RawHttp.send(port, "POST", "/api/undo", RawHttp.host(port, "Cookie: " + cookie, origin, json,
            "X-LoreHub-CSRF: " + csrf), "{\"realm\":\"zz\",\"toMillis\":-1}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("toMillis");
        assertThat(RawHttp.send(port, "POST", "/api/undo", RawHttp.host(port, origin, json, "X-LoreHub-CSRF: " + csrf), body)
            .status()).as("no session").isEqualTo(401);
        assertThat(RawHttp.send(port, "POST", "/api/undo", RawHttp.host(port, "Cookie: " + cookie, "Origin: http://evil.example",
            json, "X-LoreHub-CSRF: " + csrf), body).status()).as("foreign Origin").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/undo", RawHttp.host(port, "Cookie: " + cookie, origin, json), body)
            .status()).as("no CSRF value").isEqualTo(403);
        assertThat(RawHttp.send(port, "POST", "/api/undo", RawHttp.host(port, "Cookie: " + cookie, origin,
            "Content-Type: text/plain", "X-LoreHub-CSRF: " + csrf), body).status()).as("a simple form post").isEqualTo(415);
    }

    @Test
    void noCorsAndEveryReplyCarriesTheSecurityHeaders() throws IOException {
        String cookie = login();
        RawHttp.Response preflight = RawHttp.send(port, "OPTIONS", "/api/resolve", RawHttp.host(port,
            "Origin: http://evil.example", "Access-Control-Request-Method: POST"), null);
        assertThat(preflight.status()).isEqualTo(405);
        for (RawHttp.Response r : List.of(preflight,
            RawHttp.send(port, "GET", "/", RawHttp.host(port, "Cookie: " + cookie, "Origin: http://evil.example"), null),
            RawHttp.send(port, "GET", "/api/snapshot", RawHttp.host(port, "Cookie: " + cookie), null),
            RawHttp.send(port, "GET", "/nope", RawHttp.host(port), null),
            RawHttp.send(port, "GET", "/", List.of("Host: evil.example"), null))) {
            assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
            assertThat(r.header("content-security-policy")).contains("default-src 'none'").contains("script-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.header("x-frame-options")).isEqualTo("DENY");
            assertThat(r.header("referrer-policy")).isEqualTo("no-referrer");
            assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        }
    }

    @Test
    void aBodyTooLargeIsRefused() throws IOException {
        String cookie = login();
        RawHttp.Response r = RawHttp.send(port, "POST", "/api/resolve", RawHttp.host(port, "Cookie: " + cookie,
            "Origin: http://127.0.0.1:" + port, "Content-Type: application/json"), "{\"lore\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void theServerListensOnLoopbackOnly() {
        assertThat(dashboard.address().getAddress().isLoopbackAddress()).as(dashboard.address().toString()).isTrue();
    }
}
