package dev.lorehub.node.cli;

import dev.lorehub.node.remote.BackendConfig;
import dev.lorehub.node.remote.RemoteDriver;
import dev.lorehub.node.remote.RemoteIntegrityException;
import dev.lorehub.node.remote.RemoteState;
import dev.lorehub.node.remote.ReplicaEvents;
import dev.lorehub.node.remote.RoundResult;
import dev.lorehub.node.remote.Backoff;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeFiles;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.security.SecureRandom;
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
                throw new NodeException("No remotes are configured: add one with `lorehub-node remote add`.", NodeException.USAGE);
            }
            if (only != null && backends.stream().noneMatch(b -> b.name().equals(only))) {
                throw new NodeException("There is no remote named " + only + ": see `lorehub-node remote list`.",
                    NodeException.REFUSED);
            }
            if (NodeClient.daemonRunning(h)) {
                throw new NodeException("A node is running on " + h.dataDir() + ", and the running node does not drive remotes "
                    + "yet: stop it (Ctrl-C), run `lorehub-node sync now`, then start it again.", NodeException.STATE);
            }
            NodeFiles.requireInitialised(h);
            int failed = 0;
            int tampered = 0;
            SecureRandom random = new SecureRandom();
            // An offline node (no listening, no discovery) owns the replica; remote I/O runs on this thread.
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
                        failed++;
                        System.err.println("lorehub-node: " + b.name() + ": " + o.attempt().error().get());
                        continue;
                    }
                    RoundResult r = o.attempt().result().orElseThrow();
                    System.out.println(r);
                    for (RemoteIntegrityException t : r.tampering()) {
                        tampered++;
                        System.err.println("lorehub-node: " + b.name() + ": " + t.getMessage());
                    }
                    for (String refused : r.refusedEvents()) {
                        System.err.println("lorehub-node: " + b.name() + ": " + refused);
                    }
                }
            }
            if (failed > 0) {
                return NodeException.NETWORK;
            }
            return tampered > 0 ? NodeException.REFUSED : 0;
        }
    }
}
