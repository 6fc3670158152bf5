package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.dashboard.TwoNodes;
import dev.lorehub.node.runtime.ControlClient;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.ControlServer;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeOperations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code conflicts}, {@code realm list}, {@code lore list} and {@code lore show} say the same thing
 * whether the running daemon builds their report or the CLI builds it from the database: with a
 * real conflict, two realms, a lore path given with "..", and the refusals (a directory with no
 * realm, an unknown and an ambiguous lore id), the exit code, text and {@code --json} of each are
 * equal on both paths, and the daemon's reply is what {@code --json} printed. A node that holds the
 * directory but cannot answer (no control socket; a daemon older than these requests) leaves the
 * CLI to read the database itself, with the same result.
 */
class ReadOnlyAnswersTruthTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theDaemonAndTheCliAnswerAlike() throws Exception {
        try (TwoNodes nodes = new TwoNodes(dir)) {
            makeConflict(nodes);
            String second = nodes.editA.add(nodes.localA, "Retries back off exponentially", "load", "decree",
                List.of("net", "retry"), List.of("api.client"), 60);
            String api = dir.resolve("ann-laptop/projects/api").toString();
            String viaWeb = dir.resolve("ann-laptop/projects/web/../api").toString();
            String lore = nodes.firstLore;

            Map<String, String[]> commands = new LinkedHashMap<>();
            for (String json : new String[] {"", " --json"}) {
                commands.put("conflicts" + json, args("conflicts" + json));
                commands.put("realm list" + json, args("realm list" + json));
                commands.put("lore list" + json, args("lore list --path " + api + json));
                commands.put("lore list via .." + json, args("lore list --path " + viaWeb + json));
                commands.put("lore list, no realm" + json, args("lore list --path " + dir.resolve("nowhere") + json));
                commands.put("lore show" + json, args("lore show " + lore.substring(0, 8) + json));
                commands.put("lore show second" + json, args("lore show " + second + json));
                commands.put("lore show unknown" + json, args("lore show zzzz" + json));
            }
            commands.put("lore show ambiguous", new String[] {"lore", "show", ""}); // every lore's id starts with ""
            String data = nodes.homeA.dataDir().toString();

            // A node that holds the directory but cannot answer: one run for a command (no control
            // socket, as `pair` waiting for its code), then a daemon older than these requests.
            assertThat(NodeClient.daemonRunning(nodes.homeA)).isTrue();
            Map<String, CliRunner.Result> byBusyNode = new LinkedHashMap<>();
            for (Map.Entry<String, String[]> c : commands.entrySet()) {
                byBusyNode.put(c.getKey(), run(data, c.getValue()));
            }
            Map<String, CliRunner.Result> byOlderDaemon = new LinkedHashMap<>();
            try (OlderDaemon older = new OlderDaemon(nodes.homeA.controlSocket())) {
                for (Map.Entry<String, String[]> c : commands.entrySet()) {
                    byOlderDaemon.put(c.getKey(), run(data, c.getValue()));
                }
                assertThat(older.asked()).as("every command asked the older daemon first").isEqualTo(commands.size());
            }

            Map<String, CliRunner.Result> byDaemon = new LinkedHashMap<>();
            Map<String, JsonNode> replies = new LinkedHashMap<>();
            try (ControlServer control = ControlServer.start(nodes.homeA, new NodeOperations(nodes.a))) {
                for (Map.Entry<String, String[]> c : commands.entrySet()) {
                    byDaemon.put(c.getKey(), run(data, c.getValue()));
                }
                replies.put("conflicts --json", ControlClient.call(nodes.homeA, new ControlRequest.Conflicts(), x -> { }));
                replies.put("realm list --json", ControlClient.call(nodes.homeA, new ControlRequest.Realms(), x -> { }));
                replies.put("lore list --json", ControlClient.call(nodes.homeA, new ControlRequest.Lores(api), x -> { }));
                replies.put("lore show --json", ControlClient.call(nodes.homeA, new ControlRequest.Lore(lore), x -> { }));
            }
            nodes.a.close();

            for (Map.Entry<String, JsonNode> r : replies.entrySet()) {
                assertThat(JSON.readTree(byDaemon.get(r.getKey()).out())).as("the daemon's report is what " + r.getKey() + " printed")
                    .isEqualTo(r.getValue().get("report"));
            }
            assertThat(replies.get("conflicts --json").at("/report/conflicts")).as("a conflict to show").isNotEmpty();
            assertThat(replies.get("realm list --json").at("/report/realms")).as("a realm to list").isNotEmpty();
            assertThat(replies.get("lore list --json").at("/report/lores")).as("lores to list").hasSize(2);
            assertThat(byDaemon.get("conflicts").out()).contains("by this device");
            assertThat(byDaemon.get("lore show unknown").exit()).isEqualTo(7);
            assertThat(byDaemon.get("lore show unknown").err()).contains("No lore with id zzzz");
            assertThat(byDaemon.get("lore show ambiguous").err()).contains("matches 2 lores");
            assertThat(byDaemon.get("lore list, no realm").err()).contains("No realm for " + dir.resolve("nowhere"));

            for (Map.Entry<String, String[]> c : commands.entrySet()) {
                CliRunner.Result here = run(data, c.getValue());
                assertThat(here).as(c.getKey() + ": by the daemon, then by the CLI alone").isEqualTo(byDaemon.get(c.getKey()));
                assertThat(byBusyNode.get(c.getKey())).as(c.getKey() + ": with a node that has no control socket")
                    .isEqualTo(here);
                assertThat(byOlderDaemon.get(c.getKey())).as(c.getKey() + ": with a daemon that does not know the request")
                    .isEqualTo(here);
            }
        }
    }

    private static String[] args(String line) {
        return line.split(" ");
    }

    /** {@code words} on data directory {@code data}, as a user types them. */
    private static CliRunner.Result run(String data, String[] words) {
        List<String> argv = new ArrayList<>(List.of(words));
        argv.add("--data-dir");
        argv.add(data);
        return CliRunner.raw(argv.toArray(String[]::new));
    }

    /**
     * A control socket answering every request as a daemon of an earlier release answers one it
     * does not know: a usage error naming the operation.
     */
    private static final class OlderDaemon implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Thread acceptor;
        private final AtomicInteger asked = new AtomicInteger();

        OlderDaemon(Path socket) throws IOException {
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            acceptor = new Thread(this::serve, "older-daemon");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Until closed (accept then fails): one request per connection, as the CLI asks. */
        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel client = server.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client),
                         StandardCharsets.UTF_8))) {
                    String op = JSON.readTree(in.readLine()).path("op").asText();
                    asked.incrementAndGet();
                    String reply = JSON.createObjectNode().put("ok", false)
                        .put("error", "unknown operation '" + op + "': this node does not know it")
                        .put("code", NodeException.Reason.USAGE.exitCode()) + "\n";
                    Channels.newOutputStream(client).write(reply.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        int asked() {
            return asked.get();
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(10_000);
        }
    }

    /** Both devices edit the same words of one lore before either hears of the other's edit (bounded retries). */
    private static void makeConflict(TwoNodes nodes) {
        for (int attempt = 0; attempt < 3; attempt++) {
            nodes.editA.edit(nodes.firstLore, "Cache lookups time out after 150 ms", null, null, null, null, null);
            nodes.editB.edit(nodes.firstLore, "Cache lookups time out after 500 ms", "measured", "risk", null, null, null);
            nodes.awaitConverged();
            if (!nodes.a.withReplica((r, now) -> r.conflicts()).isEmpty()) {
                return;
            }
            nodes.editA.edit(nodes.firstLore, "Cache lookups time out after 200 ms", null, null, null, null, null);
            nodes.awaitConverged();
        }
        throw new AssertionError("three concurrent edits merged without a conflict");
    }
}
