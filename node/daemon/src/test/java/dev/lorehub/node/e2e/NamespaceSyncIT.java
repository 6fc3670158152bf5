package dev.lorehub.node.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.store.LhWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end, over a real network: four devices, each in its own network namespace on one bridge
 * ({@link BridgedNamespaces}, addresses {@value #SUBNET}.1-4), each running the shaded jar's daemon
 * with sync and mDNS bound to its own veth address only (DESIGN.md §9), driven by the real CLI in
 * its namespace. Real TLS, real mDNS on the bridge, real processes killed for real.
 *
 * <p>A, B and C pair by code and share a realm; D is initialised but never paired (it knows A's
 * address as a static peer). The scenarios run in order on the same devices; a scenario that needs
 * the realm shared is skipped, not failed, if the first one could not share it. Logs and a transcript
 * of every command are kept under {@code target/e2e-logs}.
 *
 * <p>Needs root (namespaces); skipped with a message otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NamespaceSyncIT.DumpLogsOnFailure.class)
class NamespaceSyncIT {
    private static final String SUBNET = "10.232.7";
    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration PROPAGATION = Duration.ofSeconds(30);
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36})");
    private static final Pattern REALM_ID = Pattern.compile(" as ([0-9a-f]{32})\\.");
    private static final Pattern VERIFICATION = Pattern.compile("Verification: (\\d{3} \\d{3})");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path root;
    private Path logs;
    private BridgedNamespaces net;
    private NamespacedNode a;
    private NamespacedNode b;
    private NamespacedNode c;
    private NamespacedNode d;
    private List<NamespacedNode> nodes = List.of();
    private Thread cleanupOnExit;

    /** The realm A shares with B and C (hex id). */
    private String realm;
    /** A lore written on A once B and C had joined. */
    private String liveLore;
    /** The first scenario got as far as a shared realm; the others build on it. */
    private boolean shared;

    @BeforeAll
    void startFourDevices() throws IOException {
        assumeTrue(isRoot(), "NamespaceSyncIT skipped: it creates network namespaces and must run as root (id -u is not 0). "
            + "CI runs it as root; locally: sudo mvn -pl crypto,merkle,discovery,node verify");
        Path jar = Path.of(System.getProperty("lorehub.jar", "target/lorehub-node.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar, built in the package phase before this integration test").exists();

        BridgedNamespaces.removeStale();
        root = Files.createTempDirectory("lorehub-e2e");
        logs = Path.of(System.getProperty("e2e.logs", "target/e2e-logs")).toAbsolutePath();
        deleteTree(logs);
        Files.createDirectories(logs);
        cleanupOnExit = new Thread(this::cleanUp, "e2e-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        try {
            net = BridgedNamespaces.create(SUBNET, List.of("a", "b", "c", "d"));
        } catch (BridgedNamespaces.NamespaceException e) {
            if (e.getMessage().contains("Operation not permitted")) {
                abort("NamespaceSyncIT skipped: running as root but not allowed to create network namespaces here ("
                    + e.getMessage() + "); a container needs CAP_SYS_ADMIN/CAP_NET_ADMIN");
            }
            throw e;
        }
        a = new NamespacedNode("a", net.host("a"), jar, root, logs);
        b = new NamespacedNode("b", net.host("b"), jar, root, logs);
        c = new NamespacedNode("c", net.host("c"), jar, root, logs);
        d = new NamespacedNode("d", net.host("d"), jar, root, logs);
        nodes = List.of(a, b, c, d);
        a.init("");
        b.init("");
        c.init("");
        // D: never paired, but told where A is, so it keeps trying to reach it.
        d.init("\"staticPeers\": [\"" + a.host.address() + ":7465\"]");
        nodes.forEach(n -> n.daemon.start());
        nodes.forEach(n -> n.daemon.awaitReady(START));
    }

    @AfterAll
    void stopEverything() {
        cleanUp();
        if (cleanupOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
    }

    // ---- scenarios

    @Test
    @Order(1)
    void devicesPairedByCodeShareARealmAndALoreAddedOnAReachesBAndC() {
        String seed = addLore(a, "Every HTTP call to billing goes through the retry helper");
        realm = match(REALM_ID, a.cli.run("realm share", a.project.toString()).ok().out());

        pair(a, b);
        pair(a, c);
        for (NamespacedNode n : List.of(b, c)) {
            await(n + " hears of the shared realm").atMost(PROPAGATION).pollInterval(POLL).until(() -> n.db.knowsRealm(realm));
            n.cli.run("realm join", realm, "--path", n.project.toString()).ok();
        }
        shared = true;
        await("the lore written before sharing reaches B and C").atMost(PROPAGATION).pollInterval(POLL)
            .until(() -> b.db.lores(b.project).containsKey(seed) && c.db.lores(c.project).containsKey(seed));

        liveLore = addLore(a, "Cache lookups time out after 200 ms");
        await("a lore added on A reaches B and C").atMost(PROPAGATION).pollInterval(POLL)
            .until(() -> sameEverywhere(liveLore, "Cache lookups time out after 200 ms", a, b, c));

        for (NamespacedNode n : List.of(b, c)) {
            assertThat(n.cli.run("lore list", "--path", n.project.toString()).ok().out())
                .contains(liveLore.substring(0, 8)).contains("Cache lookups time out after 200 ms")
                .contains(seed.substring(0, 8)).contains("retry helper");
            JsonNode status = json(n.cli.run("status", "--json").ok());
            assertThat(status.get("realms")).hasSize(1);
            assertThat(status.get("realms").get(0).get("role").asText()).isEqualTo("write");
            assertThat(status.get("realms").get(0).get("path").asText()).isEqualTo(n.project.toString());
        }
        assertThat(a.cli.run("peers").ok().out()).contains(b.shortId).contains(c.shortId).contains("node-b").contains("node-c");
    }

    @Test
    @Order(2)
    void editsOnBothSidesOfACutLinkConvergeWithTheConflictRecordedEverywhere() {
        assumeTrue(shared, "needs the realm shared by the first scenario");
        String onA = "Cache lookups time out after 150 ms";
        String onB = "Cache lookups time out after 500 ms";
        long eventsOnA = a.db.readableEventsAbout(liveLore);
        long eventsOnB = b.db.readableEventsAbout(liveLore);

        net.cut("b");
        try {
            a.cli.run("lore edit", liveLore, "--content", onA).ok();
            b.cli.run("lore edit", liveLore, "--content", onB).ok();
            // Each daemon turns its own edit into an event while the link is down: neither edit saw the other.
            await("both daemons captured their edits").atMost(PROPAGATION).pollInterval(POLL)
                .until(() -> a.db.readableEventsAbout(liveLore) > eventsOnA && b.db.readableEventsAbout(liveLore) > eventsOnB);
            assertThat(b.db.content(liveLore)).as("B is cut off: it has not seen A's edit").contains(onB);
            assertThat(a.db.content(liveLore)).as("A has not seen B's edit").contains(onA);
        } finally {
            net.restore("b");
        }

        await("A, B and C converge on one version, with the conflict recorded").atMost(CONVERGENCE).pollInterval(POLL)
            .until(() -> {
                String shown = a.db.content(liveLore).orElse(null);
                return shown != null && sameEverywhere(liveLore, shown, a, b, c)
                    && a.db.conflictsAbout(liveLore) > 0 && b.db.conflictsAbout(liveLore) > 0 && c.db.conflictsAbout(liveLore) > 0
                    && a.db.events(realm) == b.db.events(realm) && a.db.events(realm) == c.db.events(realm);
            });
        String winner = a.db.content(liveLore).orElseThrow();
        assertThat(winner).isIn(onA, onB);
        for (NamespacedNode n : List.of(a, b, c)) {
            assertThat(n.cli.run("lore show", liveLore).ok().out()).as(n.toString()).contains("content     " + winner);
            assertThat(n.cli.run("conflicts").ok().out()).as(n.toString()).contains("lore " + liveLore)
                .contains("\"" + onA + "\"").contains("\"" + onB + "\"");
        }
    }

    @Test
    @Order(3)
    void resolvingOnOneDeviceSettlesTheConflictEverywhere() {
        assumeTrue(shared && a.db.conflictsAbout(liveLore) > 0, "needs the conflict of the previous scenario");
        String resolved = "Cache lookups time out after 300 ms";

        c.cli.run("resolve", liveLore.substring(0, 8), "--content", resolved).ok();

        await("every device shows the resolution and no conflict").atMost(PROPAGATION).pollInterval(POLL)
            .until(() -> sameEverywhere(liveLore, resolved, a, b, c) && a.db.conflictsAbout(liveLore) == 0
                && b.db.conflictsAbout(liveLore) == 0 && c.db.conflictsAbout(liveLore) == 0);
        assertThat(b.cli.run("conflicts").ok().out()).contains("No conflicts.");
        assertThat(a.cli.run("log", "-n", "5").ok().out()).contains("merged/resolved lore " + liveLore.substring(0, 8));
    }

    @Test
    @Order(4)
    void anUnpairedDeviceIsRefusedAtTlsAndNeverReceivesAnything() {
        // D dials A (its static peer) again and again; each attempt dies in the TLS handshake. In TLS 1.3 the
        // client checks the server first, so it is D that names the reason; A sees the handshake fail.
        Pattern onA = Pattern.compile("connection from \\S*" + Pattern.quote(d.host.address())
            + ":\\d+ did not open: TLS handshake failed");
        Pattern onD = Pattern.compile("connection to \\S*" + Pattern.quote(a.host.address())
            + ":7465 did not open: TLS handshake failed: server is device " + Pattern.quote(a.deviceId)
            + ", which is not paired with this device");
        await("A's and D's logs show D's attempts failing at TLS").atMost(PROPAGATION).pollInterval(POLL)
            .until(() -> onA.matcher(a.daemon.log()).find() && onD.matcher(d.daemon.log()).find());

        assertThat(a.cli.run("peers").ok().out()).doesNotContain(d.shortId).doesNotContain("node-d");
        assertThat(a.db.peerNames()).doesNotContain("node-d");
        JsonNode status = json(d.cli.run("status", "--json").ok());
        assertThat(status.get("peers")).isEmpty();
        assertThat(status.get("realms")).isEmpty();
        assertThat(d.db.allEvents()).as("D received no event at all").isZero();
        if (shared) {
            assertThat(d.db.knowsRealm(realm)).isFalse();
        }
    }

    @Test
    @Order(5)
    void aWrongCodeFailsOnBothSidesAndBurnsTheCode() {
        try (PairInvitation invitation = a.cli.invite()) {
            String code = invitation.awaitCode(PROPAGATION);
            String address = invitation.address();

            Exec.Result joiner = d.cli.run("pair", wrongCode(code));
            assertThat(joiner.exit()).as(joiner.toString()).isEqualTo(6);
            assertThat(joiner.err()).contains("wrong code").contains("burned");

            Exec.Result inviter = invitation.awaitExit(PROPAGATION);
            assertThat(inviter.exit()).as(inviter.toString()).isEqualTo(6);
            assertThat(inviter.err()).contains("wrong code").contains("burned");

            // The right code, once burned, pairs nothing: looked up by nameplate it is either gone or (D's mDNS
            // cache may still hold the withdrawn record for a moment) found where nothing listens any more ...
            Exec.Result lookup = d.cli.run("pair", code);
            assertThat(lookup.exit()).as(lookup.toString()).isEqualTo(5);
            assertThat(lookup.err()).containsAnyOf("No device on this network is offering pairing code " + code.split("-")[0],
                "Cannot reach the inviting device at");
            // ... and nothing listens where it was offered.
            Exec.Result direct = d.cli.run("pair", code, "--peer", address);
            assertThat(direct.exit()).as(direct.toString()).isEqualTo(5);
            assertThat(direct.err()).contains("Cannot reach the inviting device at");
        }
        assertThat(a.db.peerNames()).doesNotContain("node-d");
        assertThat(d.db.peerNames()).isEmpty();
        assertThat(d.db.allEvents()).isZero();
    }

    @Test
    @Order(6)
    void aNodeKilledMidTransferRestartsAndConvergesWithNothingLost() throws Exception {
        assumeTrue(shared, "needs the realm shared by the first scenario");
        int count = 3000;
        long onBBefore = b.db.events(realm);
        long onABefore = a.db.events(realm);
        boolean shaped = net.limitRateTowards("b", "16mbit");
        long onBAtKill;
        try {
            writeLoresAsLh(a, count);
            await("B starts receiving the new lores").atMost(CONVERGENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> b.db.events(realm) > onBBefore);
            b.daemon.kill9();
            onBAtKill = b.db.events(realm);
        } finally {
            if (shaped) {
                net.clearRate("b");
            }
        }
        System.out.printf("kill -9 of B with %d of %d new events stored (traffic to B %s)%n", onBAtKill - onBBefore, count,
            shaped ? "limited to 16 Mbit/s" : "not limited: no tbf here");
        if (shaped) {
            assertThat(onBAtKill).as("B was killed mid-transfer").isLessThan(onBBefore + count);
        }

        b.daemon.start();
        b.daemon.awaitReady(START);
        await("B catches up after its restart, and C too").atMost(CONVERGENCE).pollInterval(POLL).until(() -> {
            long onA = a.db.events(realm);
            return onA >= onABefore + count && b.db.events(realm) == onA && c.db.events(realm) == onA;
        });
        Map<String, String> onA = a.db.lores(a.project);
        assertThat(onA).hasSizeGreaterThanOrEqualTo(count + 2);
        assertThat(b.db.lores(b.project)).as("B has every lore, byte for byte").isEqualTo(onA);
        assertThat(c.db.lores(c.project)).as("C has every lore, byte for byte").isEqualTo(onA);
        JsonNode status = json(b.cli.run("status", "--json").ok());
        assertThat(status.get("notYetCaptured").asLong()).isZero();
        assertThat(status.get("realms").get(0).get("events").asLong()).isEqualTo(a.db.events(realm));
    }

    @Test
    @Order(7)
    void aRevokedDeviceCannotReadWhatIsWrittenAfterwards() {
        assumeTrue(shared, "needs the realm shared by the first scenario");
        Exec.Result revoke = a.cli.run("realm revoke", c.shortId, "--realm", realm).ok();
        int epoch = Integer.parseInt(match(Pattern.compile("new key epoch (\\d+)"), revoke.out()));
        assertThat(epoch).isPositive();

        long opaqueBefore = c.db.opaqueEvents(realm);
        String secret = "Written after node-c was revoked: the staging password rotates weekly";
        String lore = addLore(a, secret);
        await("B, still a member, reads the new lore").atMost(PROPAGATION).pollInterval(POLL)
            .until(() -> b.db.content(lore).isPresent());
        assertThat(b.db.content(lore)).contains(secret);
        JsonNode onA = json(a.cli.run("status", "--json").ok());
        assertThat(onA.get("peers").findValues("device").stream().map(JsonNode::asText))
            .as("C is still paired with A").contains(c.deviceId);

        // C stays paired and online; give its node a fixed chance to get the event, then look.
        await("C still cannot read it").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).pollInterval(POLL)
            .until(() -> c.db.content(lore).isEmpty() && c.db.readableEventsAbout(lore) == 0);
        assertThat(c.cli.run("lore list", "--path", c.project.toString()).ok().out()).doesNotContain(secret)
            .contains("Cache lookups time out");
        JsonNode onC = json(c.cli.run("status", "--json").ok());
        JsonNode realmOnC = onC.get("realms").get(0);
        System.out.printf("after revocation C sees the realm as role %s, key epoch %d (A's: %d), %d unreadable event(s), "
            + "%d of them new%n", realmOnC.get("role").asText(), realmOnC.get("keyEpoch").asInt(), epoch,
            realmOnC.get("unreadable").asLong(), c.db.opaqueEvents(realm) - opaqueBefore);
        assertThat(realmOnC.get("role").asText()).as("C is no longer a member, and knows it").isEqualTo("removed");
        assertThat(realmOnC.get("removedBy").asText()).as("who removed C").isEqualTo(a.deviceId);
    }

    @Test
    @Order(8)
    void aDeviceThatIsUnpairedIsDroppedAndRefusedAtTlsWhenItDialsAgain() {
        assumeTrue(shared, "needs C paired by the first scenario");
        assertThat(a.cli.run("unpair", c.shortId).ok().out()).contains("Unpaired " + c.deviceId);

        // C still trusts A and keeps dialing; now A is the side that refuses, naming C.
        Pattern refused = Pattern.compile("connection from \\S*" + Pattern.quote(c.host.address())
            + ":\\d+ did not open: TLS handshake failed: client is device " + Pattern.quote(c.deviceId)
            + ", which is not paired with this device");
        await("A drops C and refuses it at TLS").atMost(PROPAGATION).pollInterval(POLL)
            .until(() -> c.daemon.log().contains("Disconnected from " + a.shortId) && refused.matcher(a.daemon.log()).find());
        assertThat(a.cli.run("peers").ok().out()).doesNotContain(c.shortId).contains(b.shortId);
        assertThat(a.db.peerNames()).containsExactly("node-b");
    }

    // ---- steps

    private void pair(NamespacedNode inviter, NamespacedNode joiner) {
        try (PairInvitation invitation = inviter.cli.invite()) {
            String code = invitation.awaitCode(PROPAGATION);
            Exec.Result joined = joiner.cli.run("pair", code).ok();
            Exec.Result invited = invitation.awaitExit(PROPAGATION).ok();
            assertThat(joined.out()).contains("Paired with node-" + inviter.name);
            assertThat(invited.out()).contains("Paired with node-" + joiner.name).contains("Granted realm " + realm);
            assertThat(match(VERIFICATION, joined.out())).as("both sides show the same verification digits")
                .isEqualTo(match(VERIFICATION, invited.out()));
        }
    }

    private static String addLore(NamespacedNode n, String content) {
        return match(LORE_ID, n.cli.run("lore add", "--path", n.project.toString(), content).ok().out());
    }

    /** Writes {@code count} lores into A's realm the way lh does (its own connection, lh's schema), in one transaction. */
    private static void writeLoresAsLh(NamespacedNode n, int count) throws Exception {
        String padding = " — detail".repeat(60);
        try (LhWriter lh = new LhWriter(n.dataDir.resolve("lorehub.db"))) {
            String realmId = lh.queryString("SELECT id FROM realms WHERE path = ?", n.project.toString());
            Connection conn = lh.connection();
            conn.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                lh.addLore(realmId, "Bulk lore " + i + padding);
            }
            conn.commit();
            conn.setAutoCommit(true);
        }
    }

    private static boolean sameEverywhere(String lore, String content, NamespacedNode... where) {
        for (NamespacedNode n : where) {
            if (!n.db.content(lore).map(content::equals).orElse(false)) {
                return false;
            }
        }
        return true;
    }

    static String wrongCode(String code) {
        String[] p = code.split("-");
        String rotated = p[0] + "-" + p[2] + "-" + p[3] + "-" + p[1];
        if (!rotated.equals(code)) {
            return rotated;
        }
        String other = p[0] + "-olive-tunnel-ember";
        return other.equals(code) ? p[0] + "-ember-olive-tunnel" : other;
    }

    private static String match(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as("expected " + p + " in:\n" + text).isTrue();
        return m.group(1);
    }

    private static JsonNode json(Exec.Result r) {
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r, e);
        }
    }

    private static boolean isRoot() {
        try {
            return Exec.run(Duration.ofSeconds(10), null, List.of("id", "-u")).out().strip().equals("0");
        } catch (RuntimeException | AssertionError e) {
            return false;
        }
    }

    // ---- cleanup and diagnostics

    /** Stops every daemon, removes the namespaces and the data directories; safe to call twice. */
    private synchronized void cleanUp() {
        for (NamespacedNode n : nodes) {
            try {
                n.daemon.stop();
            } catch (RuntimeException | AssertionError e) {
                System.err.println("stopping " + n + ": " + e);
            }
        }
        if (net != null) {
            net.close();
            net = null;
        }
        if (root != null) {
            deleteTree(root);
            root = null;
        }
    }

    void dumpLogs() {
        for (NamespacedNode n : nodes) {
            System.out.println("==== last lines of " + n + "'s log (all of it in " + logs + ")");
            System.out.println(n.daemon.tail());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints the tail of every daemon's log when a scenario fails. */
    static final class DumpLogsOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            context.getTestInstance().filter(NamespaceSyncIT.class::isInstance).map(NamespaceSyncIT.class::cast)
                .ifPresent(NamespaceSyncIT::dumpLogs);
        }
    }
}
