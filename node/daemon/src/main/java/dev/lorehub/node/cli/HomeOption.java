package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;

import java.nio.file.Path;

/**
 * The data directory every command works on: {@code --data-dir} (accepted before or after the
 * command name; see {@link Main}), else $LOREHUB_HOME, else ~/.lorehub.
 */
final class HomeOption {
    /** Set by the inherited {@code --data-dir} option of {@link Main}. */
    static Path dataDir;

    NodeHome home() {
        return NodeHome.resolve(dataDir, System.getenv());
    }

    NodeConfig config() {
        return NodeConfig.load(home().config());
    }

    /**
     * The data directory, after reading its node.json: every command reports a broken
     * configuration (exit 4) instead of only {@code start} finding it later.
     */
    NodeHome checkedHome() {
        NodeHome h = home();
        NodeConfig.load(h.config());
        return h;
    }

    static Path cwd() {
        return Path.of("").toAbsolutePath();
    }
}
