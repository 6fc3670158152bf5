package dev.lorehub.node.store;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.StorageException;
import org.sqlite.SQLiteConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SQLite file a backup is written to (see {@code runtime.Backup} for what it holds):
 * {@code backup_meta(key, value)}, {@code events(id, realm, hlc, author, sealed)} and
 * {@code secrets(box)}. Written in one transaction; read read-only.
 */
public final class BackupFile implements AutoCloseable {
    private final Connection connection;
    private PreparedStatement insertEvent;

    private BackupFile(Connection connection) {
        this.connection = connection;
    }

    /** A new backup file at {@code file} (which exists, empty, with the modes the caller chose). */
    public static BackupFile create(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            s.execute("CREATE TABLE events (id BLOB PRIMARY KEY, realm BLOB NOT NULL, hlc INTEGER NOT NULL, "
                + "author BLOB NOT NULL, sealed BLOB NOT NULL)");
            s.execute("CREATE TABLE secrets (box BLOB NOT NULL)");
        }
        return new BackupFile(c);
    }

    /** An existing backup file, read-only. */
    public static BackupFile open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        return new BackupFile(config.createConnection("jdbc:sqlite:" + file));
    }

    /** {@link #addEvent}, failing with the core's storage exception (a backup's snapshot sink). */
    public void add(EventId id, RealmId realm, long hlc, DeviceId author, byte[] sealed) throws StorageException {
        SqlCalls.run(() -> addEvent(id.toBytes(), realm.toBytes(), hlc, author.toBytes(), sealed));
    }

    public void addEvent(byte[] id, byte[] realm, long hlc, byte[] author, byte[] sealed) throws SQLException {
        if (insertEvent == null) {
            insertEvent = connection.prepareStatement("INSERT INTO events (id, realm, hlc, author, sealed) VALUES (?, ?, ?, ?, ?)");
        }
        insertEvent.setBytes(1, id);
        insertEvent.setBytes(2, realm);
        insertEvent.setLong(3, hlc);
        insertEvent.setBytes(4, author);
        insertEvent.setBytes(5, sealed);
        insertEvent.executeUpdate();
    }

    public void putMeta(String key, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO backup_meta (key, value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    public void putBox(byte[] box) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO secrets (box) VALUES (?)")) {
            ps.setBytes(1, box);
            ps.executeUpdate();
        }
    }

    /** Commits what was written. */
    public void commit() throws SQLException {
        connection.commit();
    }

    /** The description (key → value); empty if the file has none. */
    public Map<String, String> meta() throws SQLException {
        Map<String, String> meta = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT key, value FROM backup_meta")) {
            while (rs.next()) {
                meta.put(rs.getString(1), rs.getString(2));
            }
        }
        return meta;
    }

    /** The sealed keys, or null. */
    public byte[] box() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT box FROM secrets")) {
            return rs.next() ? rs.getBytes(1) : null;
        }
    }

    public long eventCount() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Receives one event's sealed bytes. */
    @FunctionalInterface
    public interface EventReader {
        void accept(byte[] sealed) throws SQLException;
    }

    /** Every event's sealed bytes in (HLC, id) order. */
    public void forEachEvent(EventReader reader) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT sealed FROM events ORDER BY hlc, id")) {
            while (rs.next()) {
                reader.accept(rs.getBytes(1));
            }
        }
    }

    @Override
    public void close() throws SQLException {
        if (insertEvent != null) {
            insertEvent.close();
        }
        connection.close();
    }
}
