package dev.lorehub.node.store;

import dev.lorehub.node.core.CapturedChange;

import dev.lorehub.node.core.CaptureQueue;
import dev.lorehub.node.core.EventLog;
import dev.lorehub.node.core.LhRows;
import dev.lorehub.node.core.NodeStorage;
import dev.lorehub.node.core.StorageException;
import java.util.List;

/**
 * The core's {@link NodeStorage} on a {@link LoreHubDatabase}: the event log, lh's rows and the
 * capture queue all on the database's one connection, so that one transaction covers them.
 */
public final class SqliteStorage implements NodeStorage {
    private final LoreHubDatabase db;
    private final SqliteEventLog events;
    private final SqliteLhRows rows;
    private final CaptureQueue capture;

    public SqliteStorage(LoreHubDatabase db) {
        this.db = db;
        this.events = new SqliteEventLog(new EventStore(db.connection()), db);
        // Applies of remote events hold the echo guard at their first write to lh's tables.
        this.rows = new SqliteLhRows(new LoreTables(db.connection(), db::beforeLhWrite));
        this.capture = new Capture();
    }

    @Override
    public boolean tablesCurrent() throws StorageException {
        return SqlCalls.call(() -> SyncTables.isCurrent(db.connection()));
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public LhRows rows() {
        return rows;
    }

    @Override
    public CaptureQueue capture() {
        return capture;
    }

    @Override
    public String describe() {
        return db.file().toString();
    }

    @Override
    public Object monitor() {
        return db;
    }

    @Override
    public void installTables() throws StorageException {
        SqlCalls.run(() -> SyncTables.install(db.connection()));
    }

    @Override
    public void installCapture() {
        db.installCapture();
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws StorageException {
        return db.inTransaction(c -> work.run());
    }

    @Override
    public <T> T applyingRemote(Work<T> work) throws StorageException {
        return db.applyingRemoteFromFirstWrite(c -> work.run()); // lh's rows are written only through rows()
    }

    @Override
    public <T> T inReadTransaction(Work<T> work) throws StorageException {
        return db.inReadTransaction(c -> work.run());
    }

    @Override
    public void close() {
        db.close();
    }

    /** The capture table on the database's connection. */
    private final class Capture implements CaptureQueue {
        @Override
        public boolean exists() throws StorageException {
            return SqlCalls.call(() -> ChangeCapture.hasTable(db.connection()));
        }

        @Override
        public List<CapturedChange> pending(int limit) throws StorageException {
            return SqlCalls.call(() -> db.pendingCapture(limit));
        }

        @Override
        public int deleteThrough(long seq) throws StorageException {
            return SqlCalls.call(() -> db.deleteCaptureThrough(seq));
        }

        @Override
        public long pendingCount() throws StorageException {
            return SqlCalls.call(db::pendingCaptureCount); // prepared once per connection: polled every capture tick
        }
    }
}
