package dev.lorehub.node.cli;

import dev.lorehub.crypto.PassphraseBox;
import dev.lorehub.node.runtime.Backup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code backup FILE}: the event log, realms, peers and keys (under a passphrase) in one file. */
@Command(name = "backup", description = "Write one file that rebuilds this device: every event (as encrypted and signed "
    + "by its author), the synced realms and their mappings, paired peers, and this device's identity and realm keys "
    + "encrypted under a passphrase (Argon2id + AES-256-GCM). lh's plaintext tables are not in it. Safe while the node "
    + "runs.", footer = {"%nExample:", "  lorehub-node backup ~/lorehub-2026-12-02.lhbackup",
    "  lorehub-node restore ~/lorehub-2026-12-02.lhbackup --data-dir ~/.lorehub   (on a new or wiped device)"})
final class BackupCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Parameters(index = "0", paramLabel = "FILE", description = "The backup file to write (must not exist)")
    Path file;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "Read the passphrase from this file's first "
        + "line instead of asking")
    Path passphraseFile;

    /** Tests only: a cheap key derivation (the default costs 64 MiB and about a second). */
    static PassphraseBox.Cost cost = PassphraseBox.Cost.DEFAULT;

    @Override
    public Integer call() {
        char[] passphrase = Passphrase.read(passphraseFile, true);
        Backup.Summary s = Backup.write(home.home(), file.toAbsolutePath(), passphrase, System.currentTimeMillis(), cost);
        java.util.Arrays.fill(passphrase, '\0');
        System.out.println("Wrote " + file + ": " + s.events() + " event(s) of " + s.realms() + " realm(s), " + s.peers()
            + " paired peer(s), and this device's keys under your passphrase (" + Instant.ofEpochMilli(s.createdAt()) + ").");
        System.out.println("Keep the passphrase: without it the keys in the file cannot be opened.");
        return 0;
    }
}
