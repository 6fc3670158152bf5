package dev.lorehub.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/**
 * The root command's own attributes and options ({@code --data-dir}, {@code --help}, {@code --version},
 * the exit codes), without its subcommands. {@link Main} adds the subcommands; picocli reads a command's
 * attributes through its superclasses, so both describe one command line. Kept apart so that a command
 * line holding only the invoked subcommand can be built ({@link CommandLines}): building every
 * subcommand's model by reflection was the largest part of a short command's start.
 */
@Command(name = "lorehub-node", mixinStandardHelpOptions = true, version = "lorehub-node 0.1.0", scope = ScopeType.INHERIT,
    description = "Keeps your LoreHub knowledge in sync between your devices on the same network, with no server.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:unexpected failure", "2:bad usage",
        "3:data directory not initialised, in use or readable by others", "4:bad configuration", "5:network problem",
        "6:pairing failed", "7:operation refused", "8:status --check found a problem", "10:internal error",
        "21-25:doctor found a problem (see `lorehub-node doctor --help`)", "130:interrupted (Ctrl-C)"})
class RootCommand {
    RootCommand() {
    }

    @Option(names = "--data-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
        description = "LoreHub data directory (default: $LOREHUB_HOME, else $HOME/.lorehub)")
    void dataDir(Path dir) {
        HomeOption.dataDir = dir;
    }
}
