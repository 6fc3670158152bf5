package dev.lorehub.simulator.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run's device directories go by default: a memory file system ({@code /dev/shm}) where
 * the machine has one, otherwise the system temporary directory. They hold each device's key store;
 * its database is in memory already ({@link SimNode#createDisk}).
 *
 * <p>Honest for crashes: a simulated crash is the end of the node process, not of the machine
 * ({@link SimNode#halt}). What a process crash keeps is every file written before it, on a disk or
 * in memory alike. A memory file system only skips the disk work that matters after a power loss,
 * which the simulator does not model.
 */
public final class ScratchRoot {
    private ScratchRoot() {
    }

    /** The default root for run directories. */
    public static Path defaultRoot() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm.resolve("lorehub-sim");
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
