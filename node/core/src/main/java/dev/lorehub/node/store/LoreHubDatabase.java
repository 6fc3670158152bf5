package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/**
 * The node's connection to LoreHub's SQLite database ({@code ~/.lorehub/lorehub.db}), shared with
 * {@code lh}, which must keep working unchanged.
 *
 * <p>Opening never alters lh's table definitions: it only checks that the tables and columns the
 * node needs exist. Creating writes lh 0.2.2's schema exactly (see {@link LoreHubSchema}).
 *
 * <p>The connection runs in WAL mode (lh's mode: readers and the one writer do not block each
 * other), with {@code synchronous=FULL} (every commit is fsynced, so a kill or power loss at any
 * instant loses nothing committed), foreign keys on (lh's cascades apply to the node's writes as
 * they do to lh's) and a busy timeout (default 10 s: when lh holds the write lock the node waits
 * instead of failing).
 *
 * <p>Writes go through {@link #inTransaction} / {@link #runInTransaction} (one
 * {@code BEGIN IMMEDIATE} transaction, rolled back on any exception) or through
 * {@link #applyingRemote} / {@link #runApplying} (the same, with change capture suppressed for the
 * node's applies of remote events). Keep each write transaction short, well under a second: lh
 * waits at most 5 s (better-sqlite3's default busy timeout) for the node's lock before it fails.
 *
 * <p>SQLite's lock is not fair: a writer waiting in its busy handler only retries now and then,
 * so a node running transactions back to back would starve lh until lh's 5 s are up. By default
 * ({@link Settings#yieldToOtherWriters()}) the node therefore leaves the lock free after each
 * write transaction for a quarter of the time it held it (at most {@value #MAX_YIELD_MILLIS} ms)
 * before it begins the next one. A waiting lh, retrying every 100 ms or less, then finds the lock
 * free about one try in five, so its 5 s are never used up, while a busy node keeps about 80% of
 * the lock time (an even split halved the node's initial-sync rate).
 *
 * <p>One JDBC connection, not safe for concurrent use: the transaction methods are synchronized,
 * and callers that read through {@link #connection()} must confine themselves to one thread or
 * synchronize on this object.
 */
public final class LoreHubDatabase implements AutoCloseable {

    /** How long the node waits for lh (or another writer) to release the write lock. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** The longest pause between two of the node's write transactions; see the class comment. */
    public static final long MAX_YIELD_MILLIS = 25;

    /**
     * How the node shares the database with other writers.
     *
     * @param busyTimeout         how long to wait for another writer's lock before giving up
     * @param yieldToOtherWriters whether to pause between write transactions so that a waiting
     *                            lh is never starved (see the class comment); turn off only where
     *                            no other writer exists, e.g. in a benchmark of the node alone
     * @param fsyncCommits        {@code synchronous=FULL} (every commit reaches the disk: a power loss
     *                            loses nothing committed) rather than {@code OFF}; turn off only
     *                            where the machine cannot crash under the database, i.e. the
     *                            simulator, whose crashes are of the process, not the disk
     */
    public record Settings(Duration busyTimeout, boolean yieldToOtherWriters, boolean fsyncCommits) {

        /** A 10 s busy timeout, yielding to other writers, every commit fsynced. */
        public static final Settings DEFAULT = new Settings(DEFAULT_BUSY_TIMEOUT, true, true);

        public Settings {
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            if (busyTimeout.isNegative()) {
                throw new IllegalArgumentException("busyTimeout must not be negative, got " + busyTimeout);
            }
        }

        /** These settings with another busy timeout. */
        public Settings withBusyTimeout(Duration timeout) {
            return new Settings(timeout, yieldToOtherWriters, fsyncCommits);
        }

        /** These settings with yielding to other writers on or off. */
        public Settings withYieldToOtherWriters(boolean yield) {
            return new Settings(busyTimeout, yield, fsyncCommits);
        }

        /** These settings with commits fsynced or not. */
        public Settings withFsyncCommits(boolean fsync) {
            return new Settings(busyTimeout, yieldToOtherWriters, fsync);
        }
    }

    /** A write transaction held longer than this is logged: lh gives up after 5 s. */
    private static final long SLOW_TRANSACTION_NANOS = Duration.ofSeconds(1).toNanos();

    private static final Logger LOG = LoggerFactory.getLogger(LoreHubDatabase.class);

    private final Path file;
    private final Connection connection;
    /** The statements run around every transaction (begin, guard, commit), prepared once. */
    private final PreparedStatements statements;
    private final Settings settings;
    /** Opened by {@link #openReadOnly}: SQLite refuses every write, and so do the transaction methods. */
    private final boolean readOnly;
    private boolean inTransaction;
    /** True while the work of {@link #applyingRemote} or {@link #applyingRemoteFromFirstWrite} runs. */
    private boolean applying;
    /** The echo guard of the running apply, from its start or its first write to lh's tables; null before. */
    private EchoGuard applyGuard;
    /** The schema version at which capture was last seen installed (-2: never). */
    private long verifiedSchemaVersion = -2;
    /** System.nanoTime() before which the node leaves the write lock to others. */
    private long lockFreeUntil = System.nanoTime();
    /** Told how each write transaction ended. */
    private final List<TransactionEnd> endListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told how a write transaction of this object ended, on the thread that ran it, before the method returns. */
    @FunctionalInterface
    public interface TransactionEnd {
        /** @param committed true when its writes are in the database, false when it was rolled back */
        void ended(boolean committed);
    }

    private LoreHubDatabase(Path file, Connection connection, Settings settings) {
        this(file, connection, settings, false);
    }

    private LoreHubDatabase(Path file, Connection connection, Settings settings, boolean readOnly) {
        this.file = file;
        this.connection = connection;
        this.statements = new PreparedStatements(connection);
        this.settings = settings;
        this.readOnly = readOnly;
    }

    /**
     * Opens a database to read only, for commands that only look ({@code status}, {@code log} …):
     * the connection is opened read-only and with {@code query_only} on, so SQLite itself refuses
     * any write; nothing is installed, repaired or upgraded, and no write lock is ever taken, so a
     * running node and lh never wait for it. Works on a file the user cannot write. The
     * transaction methods that write ({@link #inTransaction} and those built on it) throw
     * {@link IllegalStateException}; {@link #inReadTransaction} works.
     *
     * @throws LoreHubDatabaseException if the file does not exist, is not readable, is not a SQLite
     *                                  database, or lacks a table or column the node needs
     */
    public static LoreHubDatabase openReadOnly(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new LoreHubDatabaseException("No LoreHub database at " + absolute + ". Run `lh` once to create it, "
                + "or check the path.");
        }
        if (!Files.isReadable(absolute)) {
            throw new LoreHubDatabaseException("The LoreHub database " + absolute + " is not readable by this user. "
                + "Run the command as the user who runs `lh`, or fix the file's permissions.");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, DEFAULT_BUSY_TIMEOUT.toMillis()));
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite:" + absolute);
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot open " + absolute + " as a SQLite database: " + e.getMessage()
                + ". Check that the path points to LoreHub's lorehub.db and that the file is not damaged.", e);
        }
        LoreHubDatabase database = new LoreHubDatabase(absolute, connection, Settings.DEFAULT, true);
        closedUnless(database, () -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA query_only = 1");
            }
        });
        return requireComplete(database);
    }

    /** True if opened by {@link #openReadOnly}: every write is refused. */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Opens a database that lh (or the node) created, with the default busy timeout.
     *
     * @throws LoreHubDatabaseException if the file or its directory does not exist, is not a
     *                                  SQLite database, or lacks a table or column the node needs
     */
    public static LoreHubDatabase open(Path file) {
        return open(file, Settings.DEFAULT);
    }

    /** Like {@link #open(Path)}, with the given settings. */
    public static LoreHubDatabase open(Path file, Settings settings) {
        Path absolute = file.toAbsolutePath().normalize();
        Path directory = absolute.getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            throw new LoreHubDatabaseException("No LoreHub database at " + absolute + ": the directory " + directory
                + " does not exist. Install LoreHub and run `lh` once (it creates " + absolute.getFileName()
                + " there), or let the node create a new, empty LoreHub database at that path.");
        }
        if (!Files.exists(absolute)) {
            throw new LoreHubDatabaseException("No LoreHub database at " + absolute + ". Run `lh` once to "
                + "create it, check the path, or let the node create a new, empty LoreHub database there.");
        }
        if (!Files.isRegularFile(absolute)) {
            throw new LoreHubDatabaseException(absolute + " is not a regular file, so it cannot be the LoreHub "
                + "database. Check the configured path.");
        }
        if (!Files.isReadable(absolute) || !Files.isWritable(absolute)) {
            throw new LoreHubDatabaseException("The LoreHub database " + absolute + " is not readable and writable "
                + "by this user. Run the node as the user who runs `lh`, or fix the file's permissions.");
        }
        Connection connection = connect(absolute, "jdbc:sqlite:" + absolute, false, settings);
        LoreHubDatabase database = new LoreHubDatabase(absolute, connection, settings);
        return closedUnless(requireComplete(database), database::releaseStrandedGuard);
    }

    /**
     * Opens the database that SQLite's memdb VFS holds in this process's memory under {@code file}'s
     * name ({@link #inMemoryUrl}), which another connection of the process must have created and must
     * keep open: the simulator's devices keep their database there, on a "disk" that outlives a crashed
     * node process but not the run, and skip the file system's work, about a seventh of a simulated
     * device's CPU time.
     *
     * <p>Everything above the storage is as with {@link #open(Path, Settings)}: the same checks of lh's
     * tables, the same statements and transactions. Below it, memdb keeps no write-ahead log: the
     * connection runs with its rollback journal in memory ({@code PRAGMA journal_mode} answers
     * {@code memory}). A crash is honest all the same: a connection closed inside a transaction loses
     * exactly that transaction, and every commit before it is there for the next connection.
     *
     * @throws LoreHubDatabaseException if no connection of this process holds a database under that
     *                                  name, or it lacks a table or column the node needs
     */
    public static LoreHubDatabase openInMemory(Path file, Settings settings) {
        Path absolute = file.toAbsolutePath().normalize();
        // memdb creates what it does not find, whatever the open flags say: an empty database means nobody kept one
        LoreHubDatabase database = new LoreHubDatabase(absolute, connect(absolute, inMemoryUrl(absolute), false, settings),
            settings);
        closedUnless(database, () -> {
            try (Statement statement = database.connection().createStatement();
                 ResultSet objects = statement.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                if (objects.next() && objects.getLong(1) == 0) {
                    throw new LoreHubDatabaseException("No in-memory LoreHub database under " + absolute + " in this "
                        + "process: open a connection to " + inMemoryUrl(absolute) + ", fill it (a restore from a "
                        + "LoreHub database file) and keep it open while the node runs.");
                }
            }
        });
        return closedUnless(requireComplete(database), database::releaseStrandedGuard);
    }

    /**
     * The JDBC URL of the memdb database named after {@code file} ({@link #openInMemory}): shared by every
     * connection of this process that opens it (memdb shares a name that starts with a slash), freed when
     * the last of them closes.
     */
    public static String inMemoryUrl(Path file) {
        String name = file.toAbsolutePath().normalize().toString().replace('\\', '/');
        if (!name.startsWith("/")) {
            name = "/" + name; // a Windows path: memdb shares only names that start with a slash
        }
        // the URI's path is percent-decoded and ends at '?' or '#'
        name = name.replace("%", "%25").replace("?", "%3f").replace("#", "%23");
        return "jdbc:sqlite:file:" + name + "?vfs=memdb";
    }

    /**
     * Returns {@code database} if it holds every table and column the node reads; otherwise closes it
     * and says what is missing (read-write and read-only opens check the same way).
     */
    private static LoreHubDatabase requireComplete(LoreHubDatabase database) {
        return closedUnless(database, () -> {
            List<String> missing = LoreHubSchema.missingParts(database.connection());
            if (!missing.isEmpty()) {
                throw new LoreHubDatabaseException("The database " + database.file() + " is not a complete LoreHub "
                    + "database: it lacks " + String.join(", ", missing) + ". Run `lh` once so it creates or migrates "
                    + "its tables, or check that the path points to LoreHub's lorehub.db.");
            }
        });
    }

    /** A step of opening a database, against its connection. */
    @FunctionalInterface
    private interface OpenStep {
        void run() throws SQLException;
    }

    /**
     * Runs {@code step} on a database being opened and returns the database; if the step fails, closes
     * it first (a failed open leaves no connection behind), a SQL failure reported as an unreadable schema.
     */
    private static LoreHubDatabase closedUnless(LoreHubDatabase database, OpenStep step) {
        try {
            step.run();
            return database;
        } catch (SQLException e) {
            database.close();
            throw unreadableSchema(database.file(), e);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    private static LoreHubDatabaseException unreadableSchema(Path absolute, SQLException e) {
        return new LoreHubDatabaseException("Cannot read the schema of " + absolute + ": " + e.getMessage()
            + ". Check that the file is LoreHub's SQLite database and not damaged.", e);
    }

    /**
     * Creates a new LoreHub database that lh 0.2.2 accepts as its own: lh's tables, indexes and
     * foreign keys as lh creates them through migration 0009, and drizzle's record of those ten;
     * lh's next start applies 0010 ({@code lores_vec}, with its sqlite-vec extension) and 0011
     * itself (see {@link LoreHubSchema}). Creates missing parent directories.
     *
     * <p>The file holds the plaintext of every synced realm, so it is created readable and writable by
     * its owner only (0600 on POSIX file systems, whatever the umask); SQLite gives the {@code -wal} and
     * {@code -shm} files it creates beside it the database file's permissions.
     *
     * @throws LoreHubDatabaseException if the file already exists or cannot be created
     */
    public static LoreHubDatabase create(Path file) {
        return create(file, Settings.DEFAULT);
    }

    /** Like {@link #create(Path)}, with the given settings. */
    public static LoreHubDatabase create(Path file, Settings settings) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            throw new LoreHubDatabaseException("Cannot create a LoreHub database at " + absolute
                + ": the file already exists. Open it instead, or choose another path.");
        }
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (IOException e) {
            throw new LoreHubDatabaseException("Cannot create the directory " + absolute.getParent()
                + " for a new LoreHub database: " + e.getMessage() + ". Check permissions or choose another path.", e);
        }
        try {
            createOwnerOnly(absolute);
        } catch (IOException e) {
            throw new LoreHubDatabaseException("Cannot create a LoreHub database at " + absolute + ": " + e.getMessage()
                + ". Check permissions or choose another path.", e);
        }
        Connection connection;
        try {
            connection = connect(absolute, "jdbc:sqlite:" + absolute, true, settings);
        } catch (RuntimeException e) {
            deleteQuietly(absolute);
            throw e;
        }
        LoreHubDatabase database = new LoreHubDatabase(absolute, connection, settings);
        try {
            database.runInTransaction(LoreHubSchema::create);
            return database;
        } catch (SQLException | RuntimeException e) {
            database.close();
            deleteQuietly(absolute);
            throw new LoreHubDatabaseException("Cannot create a LoreHub database at " + absolute + ": "
                + e.getMessage() + ". Nothing was left behind; check free space and permissions.", e);
        }
    }

    /** Opens the database at {@code file} if it exists, otherwise creates it (see {@link #create}). */
    public static LoreHubDatabase openOrCreate(Path file) {
        return openOrCreate(file, Settings.DEFAULT);
    }

    /** Like {@link #openOrCreate(Path)}, with the given settings. */
    public static LoreHubDatabase openOrCreate(Path file, Settings settings) {
        return Files.exists(file) ? open(file, settings) : create(file, settings);
    }

    /** The database file, absolute. */
    public Path file() {
        return file;
    }

    /**
     * The node's connection, for reads outside a write transaction. Never begin, commit or roll
     * back on it directly; use the transaction methods.
     */
    public Connection connection() {
        return connection;
    }

    /**
     * How many captured changes wait to be turned into events ({@link ChangeCapture#pendingCount}),
     * through a statement prepared once: the node asks at every capture tick (20 times a second),
     * and preparing the count cost more than running it.
     */
    public synchronized long pendingCaptureCount() throws SQLException {
        try (ResultSet rows = statements.get(ChangeCapture.COUNT).executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    /** {@link ChangeCapture#readPending}, through a statement prepared once (read in every ingest transaction). */
    public synchronized List<CapturedChange> pendingCapture(int limit) throws SQLException {
        return ChangeCapture.readPending(statements, limit);
    }

    /** {@link ChangeCapture#deleteThrough}, through a statement prepared once. */
    public synchronized int deleteCaptureThrough(long seq) throws SQLException {
        return ChangeCapture.deleteThrough(statements, seq);
    }

    /**
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction and commits it; on any
     * exception (or error) rolls everything back and rethrows it unchanged. {@code BEGIN IMMEDIATE}
     * takes the write lock up front, waiting up to the busy timeout for lh, so the work never
     * fails half-way on a lock. Transactions do not nest.
     *
     * <pre>{@code
     * int applied = db.inTransaction(c -> ingest(c, batch));
     * }</pre>
     *
     * @throws LoreHubDatabaseException if the lock cannot be had within the busy timeout, the
     *                                  commit fails, or the work left the echo guard held
     * @throws IllegalStateException    if called from inside another transaction of this object
     */
    public synchronized <T, X extends Exception> T inTransaction(TransactionWork<T, X> work) throws X {
        return transaction(work, true);
    }

    /**
     * {@link #inTransaction}; {@code checkGuard} false only where the work's last step deleted every
     * guard row ({@link #applyingRemote}), so none can be left to refuse. Otherwise the guard table is
     * read before the commit only when the work held a guard by hand ({@link EchoGuard#hold}): the one
     * other way to put a row there, an apply's own guard, is always released by the apply, so
     * without a hand-held guard the read (two statements in each of the node's many small
     * transactions) could find nothing.
     */
    private synchronized <T, X extends Exception> T transaction(TransactionWork<T, X> work, boolean checkGuard) throws X {
        if (inTransaction) {
            throw new IllegalStateException("A LoreHub database transaction is already running on this "
                + "connection; transactions do not nest. Do the inner work in the outer transaction.");
        }
        if (readOnly) {
            throw new IllegalStateException(file + " was opened to read only; a write transaction needs LoreHubDatabase.open.");
        }
        yieldToOtherWriters();
        begin();
        inTransaction = true;
        long started = System.nanoTime();
        long holdsBefore = EchoGuard.holdsByHand();
        T result;
        try {
            result = work.run(connection);
            if (checkGuard && EchoGuard.holdsByHand() != holdsBefore) {
                refuseStrandedGuard();
            }
        } catch (Throwable failure) {
            inTransaction = false;
            rollback(failure);
            released(started);
            ended(false);
            throw failure;
        }
        inTransaction = false;
        boolean committed = false;
        try {
            commit();
            committed = true;
        } finally {
            released(started);
            ended(committed);
        }
        return result;
    }

    /**
     * Runs read-only {@code work} in one deferred transaction: a consistent snapshot that, in WAL mode,
     * never blocks lh or the node's writers (a backup of a large log reads for a while). Writing in
     * it is an error.
     */
    public synchronized <T, X extends Exception> T inReadTransaction(TransactionWork<T, X> work) throws X {
        if (inTransaction) {
            throw new IllegalStateException("transactions do not nest");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN DEFERRED");
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot start a read transaction on " + file + ": " + e.getMessage(), e);
        }
        inTransaction = true;
        try {
            return work.run(connection);
        } finally {
            inTransaction = false;
            try (Statement statement = connection.createStatement()) {
                statement.execute("COMMIT");
            } catch (SQLException e) {
                // a read transaction has nothing to lose
            }
        }
    }

    /**
     * Tells {@code listener} how every later write transaction ({@link #inTransaction}, {@link #applyingRemote}
     * and those built on them) ends. A cache of what the transactions wrote learns here whether to keep it.
     */
    public void onTransactionEnd(TransactionEnd listener) {
        endListeners.add(listener);
    }

    private void ended(boolean committed) {
        for (TransactionEnd l : endListeners) {
            l.ended(committed);
        }
    }

    /** {@link #inTransaction} for work without a result. */
    public <X extends Exception> void runInTransaction(TransactionAction<X> work) throws X {
        inTransaction(connection -> {
            work.run(connection);
            return null;
        });
    }

    /**
     * Runs {@code work} in one transaction like {@link #inTransaction}, with change capture
     * suppressed throughout: the writes are the node's applies of remote events and must not come
     * back as local changes. Requires capture to be installed.
     */
    public <T, X extends Exception> T applyingRemote(TransactionWork<T, X> work) throws X {
        return applying(work, true);
    }

    /**
     * {@link #applyingRemote}, with the guard held at the work's first write to lh's tables through a
     * {@link LoreTables} whose gate is {@link #beforeLhWrite} (as {@link SqliteStorage}'s is), not at the
     * start: many of the node's applies write none of lh's rows (a membership event, a duplicate, a held
     * event), and holding the guard costs three statements and a page at the commit. Writes the work makes
     * by any other way than such a {@link LoreTables} before its first gated one are captured.
     */
    public <T, X extends Exception> T applyingRemoteFromFirstWrite(TransactionWork<T, X> work) throws X {
        return applying(work, false);
    }

    private <T, X extends Exception> T applying(TransactionWork<T, X> work, boolean holdAtStart) throws X {
        // The guard's release (DELETE of every guard row) is the work's last step, so no guard row can be
        // left at the commit: the check inTransaction makes would find nothing.
        return transaction(connection -> {
            applying = true;
            try {
                if (holdAtStart) {
                    applyGuard = holdGuard(connection);
                }
                T result = work.run(connection);
                if (applyGuard != null) {
                    // Released only on success: on failure the rollback removes the guard row anyway.
                    releaseGuard(applyGuard);
                }
                return result;
            } finally {
                applying = false;
                applyGuard = null;
            }
        }, false);
    }

    /**
     * Called before every statement that writes lh's tables through the node's {@link LoreTables}
     * (see {@link SqliteStorage}): inside {@link #applyingRemoteFromFirstWrite}, holds the echo guard first
     * if this transaction does not hold it yet, so that the write is not captured as a local change.
     * Outside one, does nothing (a write of the user's own, which capture must see). Synchronized like the
     * transactions: a write from another thread waits until an apply running now has ended.
     */
    synchronized void beforeLhWrite() {
        if (applying && applyGuard == null) {
            applyGuard = holdGuard(connection);
        }
    }

    /** {@link #applyingRemote} for work without a result. */
    public <X extends Exception> void runApplying(TransactionAction<X> work) throws X {
        applyingRemote(connection -> {
            work.run(connection);
            return null;
        });
    }

    /** Installs (or upgrades) change capture; idempotent. See {@link ChangeCapture#install}. */
    public void installCapture() {
        try {
            runInTransaction(ChangeCapture::install);
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot install change capture in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes everything the node added to the database — every {@code lhsync_} table, trigger and
     * view, in one transaction — and leaves lh's tables and data exactly as they are.
     */
    public void uninstallNode() {
        try {
            runInTransaction(NodeObjects::dropAll);
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot remove the node's tables from " + file + ": " + e.getMessage()
                + ". Nothing was removed.", e);
        }
    }

    /** The settings this database was opened with. */
    public Settings settings() {
        return settings;
    }

    /** Closes the connection. Idempotent. */
    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(Path file, String url, boolean create, Settings settings) {
        Duration busyTimeout = settings.busyTimeout();
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(settings.fsyncCommits() ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.OFF);
        config.enforceForeignKeys(true);
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        // sqlite-jdbc otherwise prepares and runs "SELECT last_insert_rowid()" after every INSERT for
        // getGeneratedKeys(), which the node never calls: measured ~5% of the simulator's CPU.
        config.setGetGeneratedKeys(false);
        config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        if (!create) {
            // Never let a mistyped path silently become a new empty database.
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        try {
            return config.createConnection(url);
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot open " + file + " as a SQLite database: " + e.getMessage()
                + ". Check that the path points to LoreHub's lorehub.db and that the file is not damaged.", e);
        }
    }

    /** Waits out the pause owed to other writers after the previous transaction. */
    private void yieldToOtherWriters() {
        long wait;
        while (settings.yieldToOtherWriters() && (wait = lockFreeUntil - System.nanoTime()) > 0) {
            if (Thread.currentThread().isInterrupted()) {
                return; // keep the interrupt for the caller; being polite is not worth spinning
            }
            LockSupport.parkNanos(wait);
        }
    }

    /** Records that the lock, taken at {@code started}, was just released. */
    private void released(long started) {
        long now = System.nanoTime();
        long held = now - started;
        lockFreeUntil = now + Math.min(held / 4, MAX_YIELD_MILLIS * 1_000_000);
        if (held > SLOW_TRANSACTION_NANOS) {
            LOG.warn(slowWriteWarning(file, held / 1_000_000));
        }
    }

    /**
     * What a user reads when one of the node's writes kept the database locked for
     * {@code heldMillis}: what that means for lh, and what to do.
     */
    static String slowWriteWarning(Path file, long heldMillis) {
        String seconds = String.format(java.util.Locale.ROOT, "%.1f s", heldMillis / 1000.0);
        return "Saving synced changes kept the LoreHub database " + file + " locked for " + seconds + ". An `lh` command "
            + "run meanwhile had to wait" + (heldMillis >= 5000 ? ", and failed: lh waits at most 5 s. Run it again." :
            " (lh gives up after 5 s).") + " If this keeps happening, the machine or its disk is too busy for now; "
            + "the node keeps syncing.";
    }

    private void begin() {
        try {
            statements.get("BEGIN IMMEDIATE").execute();
        } catch (SQLException e) {
            if (isBusy(e)) {
                throw new LoreHubDatabaseException("Another process kept " + file + " locked for longer than "
                    + settings.busyTimeout().toMillis() + " ms (is `lh` or another node running a long operation?). "
                    + "Nothing was written; try again.", e);
            }
            throw new LoreHubDatabaseException("Cannot start a write transaction on " + file + ": " + e.getMessage(), e);
        }
    }

    private void commit() {
        try {
            statements.get("COMMIT").execute();
        } catch (SQLException e) {
            rollback(e);
            throw new LoreHubDatabaseException("Cannot commit to " + file + ": " + e.getMessage()
                + ". The transaction was rolled back; nothing was written.", e);
        }
    }

    private void rollback(Throwable cause) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back by itself (for example after SQLITE_FULL).
            if (!e.getMessage().contains("no transaction is active")) {
                cause.addSuppressed(e);
            }
        }
    }

    private static boolean isBusy(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            return code == SQLiteErrorCode.SQLITE_BUSY || code.name().startsWith("SQLITE_BUSY_");
        }
        return false;
    }

    /**
     * Holds the guard. Whether capture is installed is checked against the schema only when the
     * schema changed since the last check (SQLite's schema_version; lh rebuilding a table would
     * change it and drop our triggers): reading sqlite_master on every write cost ~10% of ingest.
     */
    private EchoGuard holdGuard(Connection connection) {
        try {
            long version = schemaVersion();
            boolean check = version != verifiedSchemaVersion;
            EchoGuard guard = EchoGuard.holdForTransaction(connection, statements, check);
            verifiedSchemaVersion = version;
            return guard;
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot suppress change capture for the node's own writes: "
                + e.getMessage() + ". Nothing was written.", e);
        }
    }

    private static void releaseGuard(EchoGuard guard) {
        try {
            guard.close();
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot resume change capture after the node's own writes: "
                + e.getMessage() + ". The transaction was rolled back.", e);
        }
    }

    /** A committed guard row would silence capture of lh's changes forever; never commit one. */
    private long schemaVersion() throws SQLException {
        try (var rs = statements.get("PRAGMA schema_version").executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private void refuseStrandedGuard() {
        boolean held;
        try {
            held = (verifiedSchemaVersion == schemaVersion() || NodeObjects.tableExists(connection, EchoGuard.TABLE))
                && EchoGuard.isHeld(connection, statements);
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot check the echo guard before committing to " + file + ": "
                + e.getMessage() + ". The transaction was rolled back.", e);
        }
        if (held) {
            throw new LoreHubDatabaseException("The echo guard is still held at commit, which would stop "
                + "change capture for every later lh write. The transaction was rolled back; release the "
                + "EchoGuard (try-with-resources) before the work returns.");
        }
    }

    /** Repairs a database where a guard row was committed (only possible through a bug or by hand). */
    private void releaseStrandedGuard() throws SQLException {
        if (!NodeObjects.tableExists(connection, EchoGuard.TABLE) || !EchoGuard.isHeld(connection)) {
            return;
        }
        LOG.warn("{} had a committed echo-guard row, which silenced change capture; removing it. "
            + "lh changes made while it was there were not captured.", file);
        runInTransaction(EchoGuard::clear);
    }

    /** Creates an empty file (SQLite takes an empty file as a new database) with mode 0600 where POSIX permissions exist. */
    private static void createOwnerOnly(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // The umask may have removed more (e.g. 0277 leaves 0400, which SQLite cannot write): set it exactly.
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createFile(file);
        }
    }

    private static void deleteQuietly(Path file) {
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            try {
                Files.deleteIfExists(Path.of(file + suffix));
            } catch (IOException ignored) {
                // Best effort: the creation error is what the caller needs to see.
            }
        }
    }
}
