package dev.lorehub.node.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * The lock a running node holds on its data directory, so that two daemons never drive one
 * database, and so that the CLI knows to send its commands to the running daemon. An OS file lock:
 * released when the process dies, even by kill -9.
 */
final class NodeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private NodeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static NodeLock acquire(NodeHome home) {
        try {
            Files.createDirectories(home.nodeDir());
            FileChannel channel = FileChannel.open(home.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new NodeException("A node is already running on " + home.dataDir()
                    + ": stop it first (Ctrl-C), or give this one another --data-dir.", NodeException.Reason.STATE);
            }
            return new NodeLock(channel, lock);
        } catch (IOException e) {
            throw new NodeException("Cannot lock " + home.lock() + ": " + e.getMessage(), NodeException.Reason.STATE);
        }
    }

    /** True if a node process holds the lock right now. */
    static boolean held(NodeHome home) {
        if (!Files.exists(home.lock())) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(home.lock(), StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this very process holds it
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases it with the process anyway
        }
    }
}
