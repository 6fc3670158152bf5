package dev.lorehub.node.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays LoreHub's {@code lh} CLI in tests: its own JDBC connection, configured as lh 0.2.2
 * configures better-sqlite3 (WAL, {@code synchronous=NORMAL}, foreign keys on, 5 s busy timeout),
 * writing rows exactly as lh's {@code Database} class does, through {@link LoreWriter} (lh's
 * statements, formats and defaults; one autocommit statement per write), with random UUID v4 ids
 * and "now" from a clock the test may fix. It adds test conveniences: lh's defaults filled in,
 * writes lh itself never makes (rename or delete a realm) to play other writers, and raw
 * statements and queries.
 *
 * <p>It shares no code with the node's apply path ({@link LoreTables}, which writes the rows that
 * remote events decide), so a test that writes with it and reads the node's capture compares two
 * writers. {@link #createDatabaseAsLh} builds a database the way lh's first start does (drizzle's
 * migrator), from the verbatim migration texts of {@link LoreHubSchema} (whose SHA-256 hashes,
 * recorded by lh itself, prove them exact).
 */
public final class LhWriter implements AutoCloseable {

    /** better-sqlite3's default busy timeout, which lh does not change. */
    public static final int LH_BUSY_TIMEOUT_MS = 5000;

    /** The origin lh's {@code add} writes. */
    private static final String CLI_ORIGIN = LoreWriter.manualOrigin("cli");

    private final Connection connection;
    private final Clock clock;
    private final LoreWriter writer;

    /** Connects to an existing database as lh does. */
    public LhWriter(Path file) throws SQLException {
        this(file, Clock.systemUTC());
    }

    /** Connects to an existing database as lh does, reading "now" from {@code clock}. */
    public LhWriter(Path file, Clock clock) throws SQLException {
        this.connection = connectAsLh(file);
        this.clock = clock;
        this.writer = new LoreWriter(connection);
    }

    /** lh's connection: WAL, synchronous NORMAL, foreign keys on, better-sqlite3's busy timeout. */
    public static Connection connectAsLh(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + LH_BUSY_TIMEOUT_MS);
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = NORMAL");
            statement.execute("PRAGMA foreign_keys = ON");
        }
        return connection;
    }

    /**
     * Creates a database the way lh 0.2.2's first start does: drizzle's migrator creates its
     * bookkeeping table, then runs every migration file's statements and records each (hash,
     * journal timestamp) in one transaction. With {@code withVectorTable}, it also leaves a
     * {@code lores_vec} virtual table of the sqlite-vec module and its helper tables, which plain
     * SQLite cannot create (no vec0 module), so the schema row is written directly, as the file
     * of a real lh database holds it; without, migration 10 is recorded but not run.
     */
    public static void createDatabaseAsLh(Path file, boolean withVectorTable) throws SQLException {
        try (Connection c = connectAsLh(file); Statement s = c.createStatement()) {
            s.execute(LoreHubSchema.DRIZZLE_MIGRATIONS_DDL);
            s.execute("BEGIN");
            try (PreparedStatement record = c.prepareStatement(
                "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES(?, ?)")) {
                for (LoreHubSchema.Migration migration : LoreHubSchema.MIGRATIONS) {
                    if (migration.tag().equals(LoreHubSchema.VECTOR_MIGRATION_TAG)) {
                        if (withVectorTable) {
                            createVectorTableWithoutModule(s);
                        }
                    } else {
                        // drizzle splits at the breakpoints and runs each part untrimmed.
                        for (String part : migration.fileText().split("--> statement-breakpoint")) {
                            s.execute(part);
                        }
                    }
                    record.setString(1, migration.hash());
                    record.setLong(2, migration.createdAt());
                    record.executeUpdate();
                }
            }
            s.execute("COMMIT");
        }
    }

    /**
     * What lh 0.2.2's next start does to an existing database: drizzle's SQLite migrator reads only
     * the newest row of {@code __drizzle_migrations} ({@code ORDER BY created_at DESC LIMIT 1}) and
     * applies, in journal order and in one transaction, every migration whose journal timestamp
     * is greater, recording each. Migration 0010 is played as lh plays it with its sqlite-vec
     * extension loaded (the vec0 table and its helper tables; plain SQLite has no vec0 module).
     * Like lh, it fails if a migration's table or index already exists (none says IF NOT EXISTS).
     *
     * @return the tags of the migrations applied, in order
     */
    public static List<String> migrateAsLh(Path file) throws SQLException {
        List<String> applied = new ArrayList<>();
        try (Connection c = connectAsLh(file); Statement s = c.createStatement()) {
            s.execute(LoreHubSchema.DRIZZLE_MIGRATIONS_DDL);
            long newest = 0;
            try (ResultSet last = s.executeQuery(
                "SELECT id, hash, created_at FROM \"__drizzle_migrations\" ORDER BY created_at DESC LIMIT 1")) {
                if (last.next()) {
                    newest = last.getLong(3);
                }
            }
            s.execute("BEGIN");
            try (PreparedStatement record = c.prepareStatement(
                "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES(?, ?)")) {
                for (LoreHubSchema.Migration migration : LoreHubSchema.MIGRATIONS) {
                    if (migration.createdAt() <= newest) {
                        continue;
                    }
                    if (migration.tag().equals(LoreHubSchema.VECTOR_MIGRATION_TAG)) {
                        createVectorTableWithoutModule(s);
                    } else {
                        for (String part : migration.fileText().split("--> statement-breakpoint")) {
                            s.execute(part);
                        }
                    }
                    record.setString(1, migration.hash());
                    record.setLong(2, migration.createdAt());
                    record.executeUpdate();
                    applied.add(migration.tag());
                }
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
        return applied;
    }

    /** A db lh created, with lores_vec; see {@link #createDatabaseAsLh(Path, boolean)}. */
    public static void createDatabaseAsLh(Path file) throws SQLException {
        createDatabaseAsLh(file, true);
    }

    private static void createVectorTableWithoutModule(Statement s) throws SQLException {
        // The helper tables sqlite-vec's vec0 module creates for lores_vec.
        s.execute("CREATE TABLE \"lores_vec_info\" (key text primary key, value any)");
        s.execute("CREATE TABLE \"lores_vec_chunks\"(chunk_id INTEGER PRIMARY KEY AUTOINCREMENT,"
            + "size INTEGER NOT NULL,validity BLOB NOT NULL,rowids BLOB NOT NULL)");
        s.execute("CREATE TABLE \"lores_vec_rowids\"(rowid INTEGER PRIMARY KEY AUTOINCREMENT,id,"
            + "chunk_id INTEGER,chunk_offset INTEGER)");
        s.execute("CREATE TABLE \"lores_vec_vector_chunks00\"(rowid PRIMARY KEY,vectors BLOB NOT NULL)");
        s.execute("PRAGMA writable_schema = ON");
        s.execute("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'lores_vec', "
            + "'lores_vec', 0, 'CREATE VIRTUAL TABLE lores_vec USING vec0(\n  lore_id text PRIMARY KEY,\n"
            + "  embedding float[768]\n)')");
        s.execute("PRAGMA writable_schema = OFF");
    }

    /** lh's own connection, for statements this class does not offer. */
    public Connection connection() {
        return connection;
    }

    /** {@code createRealm}: a new realm for a project directory; returns its id. */
    public String addRealm(String name, String path) throws SQLException {
        return addRealm(name, path, null);
    }

    /** {@code createRealm} with a git remote; returns the new realm's id. */
    public String addRealm(String name, String path, String gitRemote) throws SQLException {
        String id = LoreWriter.newId();
        writer.insertRealm(id, name, path, gitRemote, clock.instant());
        return id;
    }

    /** {@code updateRealmLastSeen}, which lh runs whenever it works in a realm. */
    public void touchRealm(String id) throws SQLException {
        writer.touchRealm(id, clock.instant());
    }

    /** Renames a realm (another writer's edit; lh itself only touches last_seen). */
    public void renameRealm(String id, String name) throws SQLException {
        update("update \"realms\" set \"name\" = ? where \"realms\".\"id\" = ?", name, id);
    }

    /** Deletes a realm; foreign keys cascade to its lores and their relations. */
    public void deleteRealm(String id) throws SQLException {
        update("delete from \"realms\" where \"realms\".\"id\" = ?", id);
    }

    /** {@code createLore} with lh's defaults (type wisdom, no sigils); returns the new lore's id. */
    public String addLore(String realmId, String content) throws SQLException {
        return addLore(realmId, content, "wisdom", List.of());
    }

    /** {@code createLore}: confidence 80, status living, manual origin; returns the new lore's id. */
    public String addLore(String realmId, String content, String type, List<String> sigils) throws SQLException {
        String id = LoreWriter.newId();
        writer.insertLore(id, realmId, content, null, type, List.of(), sigils, LoreWriter.DEFAULT_CONFIDENCE, CLI_ORIGIN,
            LoreWriter.DEFAULT_STATUS, clock.instant());
        return id;
    }

    /**
     * {@code updateLore}: sets the given columns (lists and maps stored as JSON, as lh stringifies
     * them) and {@code updated_at}, in drizzle's column order. Columns lh never updates
     * ({@code realm_id}, {@code id}) are accepted too, to play another writer.
     */
    public void updateLore(String id, Map<String, ?> changes) throws SQLException {
        writer.updateLore(id, changes, clock.instant());
    }

    /** {@code updateLore} of the content only. */
    public void updateLoreContent(String id, String content) throws SQLException {
        updateLore(id, Map.of("content", content));
    }

    /** {@code softDeleteLore}: status archived. */
    public void archiveLore(String id) throws SQLException {
        writer.archiveLore(id, clock.instant());
    }

    /** {@code deleteLore}: a hard delete; its relations (both directions) cascade. */
    public void deleteLore(String id) throws SQLException {
        writer.deleteLore(id);
    }

    /** {@code createRelation} with strength 1 and no metadata. */
    public void addRelation(String from, String to, String type) throws SQLException {
        addRelation(from, to, type, LoreWriter.DEFAULT_STRENGTH, null);
    }

    /** {@code createRelation}. */
    public void addRelation(String from, String to, String type, double strength, Map<String, ?> metadata)
        throws SQLException {
        writer.insertRelation(from, to, type, strength, metadata == null ? null : LoreWriter.json(metadata), clock.instant());
    }

    /** {@code deleteRelation}. */
    public void deleteRelation(String from, String to, String type) throws SQLException {
        writer.deleteRelation(from, to, type);
    }

    /** Runs one statement in its own autocommit transaction, as lh's drizzle {@code run()} does. */
    public int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** One value of a query, for assertions. */
    public String queryString(String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
