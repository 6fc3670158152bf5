package dev.lorehub.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a {@link NodeOperations} request for the CLI: through the running daemon's control socket
 * when one holds the data directory, otherwise on a node started for the command (on the network
 * only when the request needs it, e.g. pairing).
 */
public final class NodeClient {
    private NodeClient() {
    }

    /** True if a daemon is running on this data directory. */
    public static boolean daemonRunning(NodeHome home) {
        return NodeLock.held(home);
    }

    /**
     * True for a request's final reply: every final reply of {@link NodeOperations} carries
     * {@code "ok"}; progress replies (an invitation's code) do not.
     */
    static boolean isFinal(JsonNode reply) {
        return reply.has("ok");
    }

    /** What a request does, in the words another command shows while it runs. */
    private static String doing(ControlRequest request) {
        if (request instanceof ControlRequest.Invite) {
            return "showing a pairing code and waiting (up to 10 minutes) for another device to use it";
        } else if (request instanceof ControlRequest.Join) {
            return "pairing with another device";
        } else if (request instanceof ControlRequest.Share) {
            return "sharing a realm";
        } else if (request instanceof ControlRequest.MapRealm) {
            return "joining a realm";
        }
        return "changing sync settings (" + ControlCodec.op(request) + ")";
    }

    /** Runs {@code request}; progress replies go to {@code progress}, the final reply is returned. */
    @SuppressWarnings("try") // the busy note is there for other commands to read while this one runs
    public static JsonNode run(NodeHome home, NodeConfig config, ControlRequest request, boolean needsNetwork,
                               Consumer<JsonNode> progress) {
        if (daemonRunning(home)) {
            return ControlClient.call(home, request, progress);
        }
        NodeFiles.requireInitialised(home);
        // A node for one command needs no sync server on the network: it dials out. Only a pairing
        // invitation listens where other devices reach it (the configured "bind").
        NodeConfig forCommand = needsNetwork ? config.forOneCommand() : config;
        try (NodeRuntime runtime = NodeRuntime.start(home, forCommand, System::currentTimeMillis, needsNetwork);
             BusyNote busy = BusyNote.write(home, doing(request))) {
            if (needsNetwork) {
                runtime.pairing().reachableAt(config.bind().get(0), config.port());
            }
            AtomicReference<JsonNode> last = new AtomicReference<>();
            new NodeOperations(runtime).handle(request, reply -> {
                if (isFinal(reply)) {
                    last.set(reply);
                } else {
                    progress.accept(reply); // at once, as through the control socket
                }
            });
            if (needsNetwork) {
                runtime.awaitIdle(java.time.Duration.ofSeconds(5)); // let what we wrote reach connected peers
            }
            return last.get();
        }
    }
}
