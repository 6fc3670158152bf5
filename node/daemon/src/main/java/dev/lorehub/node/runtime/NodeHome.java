package dev.lorehub.node.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a node keeps its files. The data directory is LoreHub's own ({@code ~/.lorehub}, which
 * holds {@code lorehub.db}), overridable by {@code --data-dir} or the {@code LOREHUB_HOME}
 * environment variable; the node's own files live in its {@code node/} subdirectory:
 *
 * <pre>
 *   lorehub.db           lh's database (the node adds lhsync_* tables to it)
 *   node/identity.key    this device's secret identity (owner-only)
 *   node/realm-keys.json realm keys (owner-only)
 *   node/node.json       configuration (optional)
 *   node/node.lock       held while a daemon runs
 *   node/control.sock    the running daemon's control socket (owner-only directory)
 * </pre>
 */
public record NodeHome(Path dataDir) {
    /** Environment variable that overrides the data directory. */
    public static final String ENV = "LOREHUB_HOME";

    public NodeHome {
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** The data directory from a flag (may be null), else $LOREHUB_HOME, else {@code $HOME/.lorehub} as lh finds it. */
    public static NodeHome resolve(Path flag, Map<String, String> env) {
        if (flag != null) {
            return new NodeHome(flag);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new NodeHome(Path.of(fromEnv));
        }
        // lh finds ~/.lorehub through $HOME (Node's os.homedir()), so the node does too; Java's
        // user.home comes from the account database and ignores $HOME.
        String home = env.get("HOME");
        return new NodeHome(Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".lorehub"));
    }

    public Path database() {
        return dataDir.resolve("lorehub.db");
    }

    public Path nodeDir() {
        return dataDir.resolve("node");
    }

    public Path identity() {
        return nodeDir().resolve("identity.key");
    }

    public Path realmKeys() {
        return nodeDir().resolve("realm-keys.json");
    }

    public Path config() {
        return nodeDir().resolve("node.json");
    }

    public Path lock() {
        return nodeDir().resolve("node.lock");
    }

    public Path controlSocket() {
        return nodeDir().resolve("control.sock");
    }
}
