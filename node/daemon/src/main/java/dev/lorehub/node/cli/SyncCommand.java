package dev.lorehub.node.cli;

import dev.lorehub.node.remote.BackendConfig;
import dev.lorehub.node.remote.RemoteDriver;
import dev.lorehub.node.remote.RemoteIntegrityException;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.remote.ReplicaEvents;
import dev.lorehub.node.remote.RoundResult;
import dev.lorehub.node.remote.Backoff;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sync}: sync with remotes on demand. */
@Command(name = "sync", description = "Sync with remotes on demand.", subcommands = {SyncCommand.Now.class})
final class SyncCommand {
    @Command(name = "now", description = "Push what the remotes lack and pull what they hold, once, for every remote or the "
        + "one named.")
    static final class Now implements Callable<Integer> {
        final HomeOption home = new HomeOption();

        @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE", description = "Only this remote (see `remote list`)")
        String only;

        @Override
        public Integer call() {
            NodeHome h = home.home();
            NodeConfig config = home.config();
            List<BackendConfig> backends = config.backends();
            if (backends.isEmpty()) {
                throw new NodeException("No remotes are configured: add one with `lorehub-node remote add`.", NodeException.Reason.USAGE);
            }
            if (only != null && backends.stream().noneMatch(b -> b.name().equals(only))) {
                throw new NodeException("There is no remote named " + only + ": see `lorehub-node remote list`.",
                    NodeException.Reason.REFUSED);
            }
            int failed = 0;
            int tampered = 0;
            for (Outcome o : NodeClient.daemonRunning(h) ? fromRunningNode(h) : offline(h, config, backends)) {
                if (o.error() != null) {
                    failed++;
                    System.err.println("lorehub-node: " + o.remote() + ": " + o.error());
                    continue;
                }
                System.out.println(o.result());
                for (String t : o.tampered()) {
                    tampered++;
                    System.err.println("lorehub-node: " + o.remote() + ": " + t);
                }
                for (String refused : o.refused()) {
                    System.err.println("lorehub-node: " + o.remote() + ": " + refused);
                }
            }
            if (failed > 0) {
                return NodeException.Reason.NETWORK.exitCode();
            }
            return tampered > 0 ? NodeException.Reason.REFUSED.exitCode() : 0;
        }

        /** What one remote's round did, as the running node or this command reports it. */
        private record Outcome(String remote, String error, String result, List<String> tampered, List<String> refused) {
        }

        /** The running node owns the remotes: it runs the round on its remotes thread. */
        private List<Outcome> fromRunningNode(NodeHome h) {
            JsonNode reply = dev.lorehub.node.runtime.ControlClient.call(h, new ControlRequest.SyncRemotes(only), x -> { });
            List<Outcome> out = new ArrayList<>();
            for (JsonNode o : reply.path("outcomes")) {
                List<String> tampered = new ArrayList<>();
                o.path("tampered").forEach(t -> tampered.add(t.asText()));
                List<String> refused = new ArrayList<>();
                o.path("refused").forEach(t -> refused.add(t.asText()));
                out.add(new Outcome(o.get("remote").asText(), o.hasNonNull("error") ? o.get("error").asText() : null,
                    o.path("result").asText(null), tampered, refused));
            }
            return out;
        }

        /** No node runs: an offline one (no listening, no discovery) owns the replica; remote I/O runs here. */
        private List<Outcome> offline(NodeHome h, NodeConfig config, List<BackendConfig> backends) {
            NodeFiles.requireInitialised(h);
            SecureRandom random = new SecureRandom();
            List<Outcome> out = new ArrayList<>();
            try (NodeRuntime runtime = NodeRuntime.start(h, config, System::currentTimeMillis, false);
                 RemoteState state = RemoteState.open(h.database());
                 RemoteDriver driver = new RemoteDriver(backends, h.nodeDir(), new ReplicaEvents(new ReplicaEvents.Runner() {
                     @Override
                     public <T> T run(ReplicaEvents.Work<T> work) {
                         return runtime.withReplica((replica, now) -> work.run(replica));
                     }
                 }), state, System.getenv(), Backoff.DEFAULT)) {
                runtime.withReplica((replica, now) -> replica.captureLocalChanges(now));
                for (BackendConfig b : backends) {
                    if (only != null && !only.equals(b.name())) {
                        continue;
                    }
                    RemoteDriver.Outcome o = driver.syncNow(b.name(), System.currentTimeMillis(), random);
                    if (o.attempt().error().isPresent()) {
                        out.add(new Outcome(b.name(), o.attempt().error().get(), null, List.of(), List.of()));
                        continue;
                    }
                    RoundResult r = o.attempt().result().orElseThrow();
                    out.add(new Outcome(b.name(), null, r.toString(),
                        r.tampering().stream().map(RemoteIntegrityException::getMessage).toList(), r.refusedEvents()));
                }
            }
            return out;
        }
    }
}
