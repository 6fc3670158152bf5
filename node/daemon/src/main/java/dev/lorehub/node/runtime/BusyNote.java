package dev.lorehub.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a node run just for one command is doing ({@code node/busy}: the process id, then one
 * line in the user's words), so that other commands, finding the data directory locked but no
 * daemon's control socket, say that a pairing is waiting instead of suspecting a crash. Written
 * when such a node starts and removed when it stops; a note whose process is gone is ignored.
 */
public final class BusyNote implements AutoCloseable {
    private final Path file;

    private BusyNote(Path file) {
        this.file = file;
    }

    static Path file(NodeHome home) {
        return home.nodeDir().resolve("busy");
    }

    /** Writes the note (best effort: without it, other commands only say less). */
    static BusyNote write(NodeHome home, String doing) {
        Path file = file(home);
        try {
            Files.writeString(file, ProcessHandle.current().pid() + "\n" + doing.replace('\n', ' ') + "\n",
                StandardCharsets.UTF_8);
        } catch (IOException e) {
            // nothing to do: the note only improves other commands' messages
        }
        return new BusyNote(file);
    }

    /** What the live process holding the data directory for one command is doing, if it left a note. */
    public static Optional<String> read(NodeHome home) {
        try {
            String[] lines = Files.readString(file(home), StandardCharsets.UTF_8).split("\n", 3);
            long pid = Long.parseLong(lines[0].strip());
            if (lines.length < 2 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.empty();
            }
            return Optional.of(lines[1].strip() + " (process " + pid + ")");
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A sentence for a command that found the data directory locked but no daemon to talk to. */
    public static String busyMessage(NodeHome home) {
        return read(home).map(doing -> "The data directory " + home.dataDir() + " is busy: another lorehub-node command is "
                + doing + ". Wait until it has finished (or stop it with Ctrl-C in its terminal), then try again.")
            .orElse("The node on " + home.dataDir() + " is starting or stopping and does not answer yet: try again in a "
                + "moment.");
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a stale note is ignored once its process is gone
        }
    }
}
