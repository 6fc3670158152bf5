package dev.lorehub.node.cli;

import dev.lorehub.node.runtime.NodeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lorehub-node}: the LoreHub Sync Node command line, whole: {@link RootCommand}'s attributes and options
 * plus every subcommand (the model that help, completion scripts and man pages are made from). Exit codes: 0 success, 1 unexpected
 * failure, 2 usage, 3 data directory not initialised, in use or readable by others, 4 bad configuration,
 * 5 network, 6 pairing failed, 7 refused, 8 status --check found a problem, 10 internal error (see {@link NodeException}),
 * 130 interrupted (Ctrl-C; the JVM's code for SIGINT, after the shutdown hooks stopped everything cleanly);
 * {@code doctor} adds 21..25, one per class of finding (see {@link dev.lorehub.node.runtime.Doctor}).
 */
@Command(subcommands = {InitCommand.class, StartCommand.class, PairCommand.class, PeersCommand.class, UnpairCommand.class,
        StatusCommand.class, RealmCommand.class, LoreCommand.class, ConflictsCommand.class, ResolveCommand.class,
        LogCommand.class, UndoCommand.class, DoctorCommand.class, BackupCommand.class, RestoreCommand.class,
        UnsyncedCommand.class, RemoteCommand.class, SyncCommand.class, DemoCommand.class,
        DashboardCommand.class, ServiceCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main extends RootCommand {
    Main() {
    }

    public static void main(String[] args) {
        quietUnlessDaemon(args);
        dev.lorehub.node.store.NativeLibraryCache.useCachedCopies(System.getenv());
        int exit = run(args);
        ClassArchiveTraining.loadIfRecording();
        System.exit(exit);
    }

    /**
     * Only {@code start} (the daemon) logs at INFO by default: every other command speaks to the
     * user in its own words, and a node it runs for the moment (e.g. for {@code pair}) keeps its
     * log to warnings. {@code LOREHUB_LOG_LEVEL} (read by {@code logging.LogSetup}) still overrides. Must run
     * before anything logs, since logback reads its configuration once.
     */
    static void quietUnlessDaemon(String[] args) {
        if (System.getenv("LOREHUB_LOG_LEVEL") != null || System.getProperty("LOREHUB_LOG_LEVEL") != null) {
            return;
        }
        boolean daemon = java.util.Arrays.asList(args).contains("start");
        System.setProperty("LOREHUB_LOG_LEVEL", daemon ? "INFO" : "WARN");
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        HomeOption.dataDir = null;
        CommandLine cli = CommandLines.forArguments(args);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> ExitCodes.exitCodeFor(e, cmd.getErr()));
        return cli.execute(args);
    }
}
