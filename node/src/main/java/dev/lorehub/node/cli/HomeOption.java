package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --data-dir} option every command takes (default: $LOREHUB_HOME, else ~/.lorehub). */
final class HomeOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "LoreHub data directory (default: $LOREHUB_HOME, else ~/.lorehub)")
    Path dataDir;

    NodeHome home() {
        return NodeHome.resolve(dataDir, System.getenv());
    }

    NodeConfig config() {
        return NodeConfig.load(home().config());
    }

    static Path cwd() {
        return Path.of("").toAbsolutePath();
    }
}
