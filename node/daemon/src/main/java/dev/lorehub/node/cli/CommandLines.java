package dev.lorehub.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds the picocli command line for one invocation. picocli makes a command's model by reflection
 * over every option of every subcommand, up front; for the whole tree that was about a third of a
 * read-only command's time (CliBench). So when the arguments name a subcommand, the command line holds
 * the root ({@link RootCommand}) and that subcommand alone, which parses, validates, prints that
 * subcommand's help and errors exactly as the whole tree does; {@code --version} alone gets the root alone.
 * Everything else (no subcommand, the root's
 * {@code --help} or {@code --version}, {@code help}, {@code completion}, an unknown word, an option this
 * class does not know in front of the subcommand) gets the whole tree ({@link Main}), since its answer
 * lists or describes every command, or suggests the nearest.
 */
final class CommandLines {
    /** Subcommands that describe the whole tree: they always get it. */
    private static final Set<String> WHOLE_TREE = java.util.Set.of("help", "completion");

    private CommandLines() {
    }

    /** The command line for these arguments (see the class comment). */
    static CommandLine forArguments(String... args) {
        if (versionOnly(args)) {
            return new CommandLine(new RootCommand()); // the version is the root's own answer
        }
        Class<?> only = invokedSubcommand(args);
        if (only == null) {
            return new CommandLine(new Main());
        }
        CommandLine cli = new CommandLine(new RootCommand());
        cli.addSubcommand(new CommandLine(only));
        return cli;
    }

    /**
     * The subcommand class the arguments invoke, or null when they need the whole tree. Only the root's
     * {@code --data-dir DIR} / {@code --data-dir=DIR} may come before the subcommand's name.
     */
    static Class<?> invokedSubcommand(String... args) {
        int i = afterDataDir(args);
        if (i >= args.length || args[i].startsWith("-")) {
            return null;
        }
        return WHOLE_TREE.contains(args[i]) ? null : byName().get(args[i]);
    }

    /** True for {@code -V} or {@code --version} alone (after {@code --data-dir}, if given). */
    static boolean versionOnly(String... args) {
        int i = afterDataDir(args);
        return i == args.length - 1 && (args[i].equals("-V") || args[i].equals("--version"));
    }

    /** The index of the first argument after any {@code --data-dir DIR} / {@code --data-dir=DIR} in front. */
    private static int afterDataDir(String[] args) {
        int i = 0;
        while (i < args.length && (args[i].equals("--data-dir") || args[i].startsWith("--data-dir="))) {
            i += args[i].equals("--data-dir") ? 2 : 1;
        }
        return i;
    }

    /** Each subcommand of {@link Main} under its name and aliases, from their annotations. */
    static Map<String, Class<?>> byName() {
        Map<String, Class<?>> byName = new HashMap<>();
        for (Class<?> sub : Main.class.getAnnotation(Command.class).subcommands()) {
            Command command = sub.getAnnotation(Command.class);
            byName.put(command.name(), sub);
            for (String alias : command.aliases()) {
                byName.put(alias, sub);
            }
        }
        return byName;
    }
}
