package dev.lorehub.node.cli;

import dev.lorehub.node.core.ProgressListener;
import dev.lorehub.node.runtime.Backup;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeClient;
import dev.lorehub.node.runtime.NodeException;
import dev.lorehub.node.runtime.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code restore FILE}: rebuilds this device from a backup. */
@Command(name = "restore", description = "Rebuild this device from a backup made with `lorehub-node backup`, into a data "
    + "directory without a device identity (a new one, or the old one with its node/ directory moved away): keys, "
    + "realms, peers, events; lh's tables are rebuilt from the events. Then start the node: it first receives from its "
    + "peers what happened since the backup, including this device's own later events, and only then writes (lh's "
    + "changes meanwhile wait and sync after). --done stops that wait.")
final class RestoreCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The backup file")
    Path file;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "Read the passphrase from this file's first "
        + "line instead of asking")
    Path passphraseFile;

    @Option(names = "--done", description = "Write without waiting for a peer after a restore (no peer holds newer events "
        + "of this device)")
    boolean done;

    @Override
    public Integer call() {
        NodeHome h = home.home();
        if (done) {
            NodeClient.run(h, home.config(), new ControlRequest.RestoreDone(), false, x -> { });
            System.out.println("This device writes again without waiting for its peers.");
            return 0;
        }
        if (file == null) {
            throw new NodeException("Name the backup file: lorehub-node restore FILE.", NodeException.Reason.USAGE);
        }
        if (NodeClient.daemonRunning(h)) {
            throw new NodeException("A node is running on " + h.dataDir() + ": restore into a new --data-dir, or stop it "
                + "and move its node/ directory away first.", NodeException.Reason.STATE);
        }
        Backup.Summary about = Backup.describe(file);
        System.out.println("Backup of device " + about.device() + " made at " + Instant.ofEpochMilli(about.createdAt()) + " ("
            + about.events() + " events).");
        char[] passphrase = Passphrase.read(passphraseFile, false);
        Progress progress = Progress.forStdout("events");
        ProgressListener listener = progress::update;
        Backup.Summary s = Backup.restore(h, file, passphrase, System.currentTimeMillis(), listener);
        java.util.Arrays.fill(passphrase, '\0');
        progress.done();
        System.out.println("Restored device " + s.device() + " into " + h.dataDir() + ": " + s.events() + " event(s), "
            + s.realms() + " realm(s), " + s.peers() + " paired peer(s); lh's tables rebuilt.");
        if (s.peers() > 0) {
            System.out.println("Start the node (`lorehub-node start`): it catches up with its peers, then writes again. "
                + "Without a reachable peer, `lorehub-node restore --done` lets it write now.");
        }
        return 0;
    }
}
