package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.runtime.ControlClient;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;

import java.util.function.Supplier;

/**
 * What the process holding the data directory answers to a look ({@code status}, {@code peers},
 * {@code log}, {@code conflicts}, {@code realm list}, {@code lore list}, {@code lore show}):
 * the running daemon's reply, or why none came, in which case the command reads the database
 * itself (read-only) and says so.
 *
 * @param running whether a node holds the data directory
 * @param reply   the daemon's final reply, or null when it did not answer
 * @param busy    why a node holds the directory but did not answer (a node run for one command,
 *                such as {@code pair} waiting for its code; a daemon starting, stopping, failing
 *                or older than this command), or null. A daemon that refuses the request
 *                ({@code NodeException.Reason.REFUSED}) did answer: {@link #ask} throws its refusal.
 */
record DaemonAnswer(boolean running, JsonNode reply, String busy) {
    static DaemonAnswer ask(NodeHome home, ControlRequest request) {
        if (!NodeClient.daemonRunning(home)) {
            return new DaemonAnswer(false, null, null);
        }
        try {
            return new DaemonAnswer(true, ControlClient.call(home, request, x -> { }), null);
        } catch (NodeException e) {
            if (e.reason() == NodeException.Reason.REFUSED) {
                throw e; // an answer: what was asked is refused (an unknown lore prefix …), here as much as there
            }
            // A daemon refuses a request it does not know as a usage error: it predates this command.
            return new DaemonAnswer(true, null, e.reason() == NodeException.Reason.USAGE
                ? "the running node is an older release than this command (it says: " + e.getMessage() + "); stop it and "
                    + "run `lorehub-node start` again to see live peer states"
                : e.getMessage());
        }
    }

    /**
     * The report a running daemon builds for {@code request}, or, when no node answers (none runs, or
     * one that cannot answer holds the directory), the one {@code local} builds from a read-only look at
     * the database. A refusal from the daemon is thrown, not retried locally (see {@link #ask}).
     */
    static ObjectNode report(NodeHome home, ControlRequest request, Supplier<ObjectNode> local) {
        DaemonAnswer daemon = ask(home, request);
        return daemon.answered() ? (ObjectNode) daemon.reply().get("report") : local.get();
    }

    /** True when the daemon answered: its reply holds the live report. */
    boolean answered() {
        return reply != null;
    }

    /** How a peer's connection reads in a report that says whether the node ran and was busy. */
    static String connection(JsonNode report, boolean peerConnected) {
        boolean running = report.path("running").asBoolean();
        boolean busy = !report.path("busy").isMissingNode() && !report.path("busy").isNull();
        return peerConnected ? "connected" : running && !busy ? "offline" : running ? "(node busy)" : "node not running";
    }
}
