package dev.lorehub.node.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the node when the database files change, so that what lh writes is captured within
 * milliseconds of its commit, and the endpoint's poll for captured changes can be rare (a safety
 * net for a lost report) instead of twenty times a second on an idle laptop.
 *
 * <p>A commit in WAL mode writes to {@code lorehub.db-wal} (the main file at a checkpoint, the
 * {@code -journal} in rollback mode), and the operating system reports each write (inotify on
 * Linux). Neither the node's own commits nor lh's can be told apart here; the endpoint just looks.
 * Where the JDK can only poll the directory itself (its fallback watch service, which looks every
 * few seconds) there is no watcher: {@link #start} returns empty and the endpoint keeps its fast
 * poll.
 *
 * <p>Threading: one daemon thread waits for the operating system and calls {@code changed} on it;
 * reports that arrive while the previous one is still being handled ({@link #handled}) are merged
 * into it, so a burst of writes queues one report, not thousands.
 */
final class DatabaseWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatcher.class);

    private final WatchService service;
    private final Set<String> names;
    private final Runnable changed;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Thread thread;

    private DatabaseWatcher(WatchService service, Path database, Runnable changed) {
        this.service = service;
        String name = database.getFileName().toString();
        this.names = Set.of(name, name + "-wal", name + "-journal");
        this.changed = changed;
        this.thread = new Thread(this::run, "lorehub-db-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Watches the directory of {@code database}; {@code changed} runs (on the watcher's thread) after
     * the database files change, at most once until {@link #handled} is called. Empty where the
     * file system reports no changes by itself or the directory cannot be watched (logged).
     */
    static Optional<DatabaseWatcher> start(Path database, Runnable changed) {
        Path dir = database.toAbsolutePath().getParent();
        FileSystem fs = dir.getFileSystem();
        WatchService service;
        try {
            service = fs.newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("No file-change reports for {} ({}): looking for lh's changes 20 times a second", dir, e.toString());
            return Optional.empty();
        }
        if (polls(service)) {
            closeQuietly(service);
            LOG.debug("The JDK only polls {} for changes: looking for lh's changes 20 times a second instead", dir);
            return Optional.empty();
        }
        try {
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            closeQuietly(service);
            LOG.warn("Cannot watch {} for changes ({}): looking for lh's changes 20 times a second", dir, e.toString());
            return Optional.empty();
        }
        DatabaseWatcher watcher = new DatabaseWatcher(service, database, changed);
        watcher.thread.start();
        return Optional.of(watcher);
    }

    /** The JDK's fallback service looks at the directory every few seconds: slower than the endpoint's own poll. */
    static boolean polls(WatchService service) {
        return service.getClass().getName().contains("Polling");
    }

    /** The last report was handled: the next change reports again. Any thread. */
    void handled() {
        pending.set(false);
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            }
            boolean relevant = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                // OVERFLOW: the OS dropped events, some of which may have been ours
                relevant |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || event.context() instanceof Path p && names.contains(p.getFileName().toString());
            }
            if (relevant && !pending.getAndSet(true)) {
                changed.run();
            }
            if (!key.reset()) {
                LOG.warn("The database directory can no longer be watched (removed?): lh's changes are now looked for "
                    + "once a second");
                return;
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(service);
    }

    private static void closeQuietly(WatchService service) {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("Closing a watch service: {}", e.toString());
        }
    }
}
