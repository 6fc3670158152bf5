package dev.lorehub.node.cli;

import dev.lorehub.node.core.ProgressListener;
import dev.lorehub.node.runtime.Doctor;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code doctor}: checks the data directory; {@code --repair} fixes it from the event log. */
@Command(name = "doctor", description = "Check this device's data: the database file, every stored event's hash and "
    + "signature, lh's tables against the synced history, change capture, lh's migration record, file permissions; and "
    + "what waits (held, refused, unsynced). --repair rewrites lh's tables from the synced history (never the other way "
    + "round) after backing up lorehub.db beside it.",
    exitCodeListHeading = "%nExit codes (the most severe finding wins):%n",
    exitCodeList = {"0:nothing wrong (notices may be printed)", "21:lh's tables differ from the synced history",
        "22:change capture or lh's migration record incomplete", "23:files readable by other users",
        "24:damaged events in the log", "25:the database file itself is damaged (restore a backup)",
        "3:data directory not initialised, or (with --repair) the node is running"})
final class DoctorCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = "--repair", description = "Fix what can be fixed (stop the node first): back up lorehub.db, make the files "
        + "private, reinstall change capture, complete lh's migration record, drop damaged events, rewrite lh's tables")
    boolean repair;

    @Override
    public Integer call() {
        NodeHome h = home.home();
        Progress progress = Progress.forStdout("events");
        ProgressListener listener = progress::update;
        Doctor.Report report = repair
            ? Doctor.repair(h, System.currentTimeMillis(), line -> {
                progress.done();
                System.out.println(line);
            }, listener)
            : Doctor.check(h, listener);
        progress.done();
        print(report);
        return report.exitCode();
    }

    static void print(Doctor.Report report) {
        if (report.findings().isEmpty()) {
            System.out.println("No problems found.");
            return;
        }
        for (Doctor.Finding f : report.findings()) {
            System.out.println((f.kind() == Doctor.Finding.Kind.NOTICE ? "note:    " : "PROBLEM: ") + f.summary());
            for (String d : f.details()) {
                System.out.println("           " + d);
            }
            System.out.println("         fix: " + f.fix());
        }
        if (report.healthy()) {
            System.out.println("No problems found (" + report.findings().size() + " note(s) above).");
        }
    }
}
