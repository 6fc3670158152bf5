package dev.lorehub.node.core;

/**
 * Everything the core stores, as the ports it owns: the {@link EventLog}, lh's rows
 * ({@link LhRows}) and the {@link CaptureQueue}, with the transactions that make a batch of
 * them atomic. The store implements it on the LoreHub SQLite file
 * ({@code dev.lorehub.node.store.SqliteStorage}) and hands it to {@link Replica#open}
 * ({@code dev.lorehub.node.store.SqliteReplicas}); the core never names the implementation.
 *
 * <p>Not thread-safe: callers serialise on {@link #monitor()}.
 */
public interface NodeStorage {

    /** Work run inside a transaction; any exception rolls the whole transaction back and reaches the caller unchanged. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws StorageException;
    }

    /** Work without a result; see {@link Work}. */
    @FunctionalInterface
    interface Action {
        void run() throws StorageException;
    }

    EventLog events();

    LhRows rows();

    CaptureQueue capture();

    /** Where the data lives, for messages ("Cannot read /home/me/.lorehub/lorehub.db: ..."). */
    String describe();

    /** The object whose lock serialises every use of this storage (reads included). */
    Object monitor();

    /**
     * True if the node's tables exist in this release's version; false where {@link #installTables}
     * would create or upgrade them (the read-only side then refuses rather than writing).
     */
    boolean tablesCurrent() throws StorageException;

    /** Creates the node's own tables if they are missing (idempotent); runs inside a transaction. */
    void installTables() throws StorageException;

    /** Installs (or upgrades) change capture; idempotent. */
    void installCapture();

    /** Runs {@code work} in one write transaction. */
    <T> T inTransaction(Work<T> work) throws StorageException;

    /** {@link #inTransaction} for work without a result. */
    default void runInTransaction(Action work) throws StorageException {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** Runs {@code work} in one write transaction whose writes are never captured as local changes. */
    <T> T applyingRemote(Work<T> work) throws StorageException;

    /** Runs read-only {@code work} on one consistent snapshot. */
    <T> T inReadTransaction(Work<T> work) throws StorageException;

    /** Releases the storage (closes the database); nothing may use it afterwards. */
    void close();
}
