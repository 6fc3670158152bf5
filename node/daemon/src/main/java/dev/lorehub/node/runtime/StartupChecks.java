package dev.lorehub.node.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What must hold before a node starts, each failure a {@link NodeException} that says what is
 * wrong and what to do: sync enabled in the configuration (for a node on the network), the data
 * directory initialised. And the defaults start-up fills in (the display name).
 *
 * <p>Threading: stateless; called by whoever starts the node, before the node thread does work.
 */
final class StartupChecks {
    private StartupChecks() {
    }

    /** Refuses to put a node on the network while {@code "enabled": false}. */
    static void requireEnabled(NodeHome home, NodeConfig config) {
        if (!config.enabled()) {
            throw new NodeException("Sync is disabled in " + home.config() + " (\"enabled\": false): set it to true to start.",
                NodeException.Reason.CONFIG);
        }
    }

    /** Refuses a data directory {@code lorehub-node init} has not prepared. */
    static void requireInitialised(NodeHome home) {
        NodeFiles.requireInitialised(home);
    }

    /** The configured display name, or this machine's host name. */
    static String displayName(NodeConfig config) {
        if (config.displayName() != null) {
            return config.displayName();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lorehub-node";
        }
    }
}
