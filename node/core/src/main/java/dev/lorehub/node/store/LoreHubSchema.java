package dev.lorehub.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema that LoreHub 0.2.2 ({@code lh}) creates, exactly: the twelve drizzle migration files
 * byte for byte (their SHA-256 is the hash drizzle records, so a test proves the copies exact), the
 * drizzle bookkeeping table, and the tables and columns the node relies on.
 *
 * <p>The node never alters these definitions in a database {@code lh} created; it only creates
 * them, verbatim, in a database it creates from scratch. There it runs and records migrations
 * 0000 to 0009 only ({@link #NODE_CREATES_THROUGH}) and leaves the rest to lh: migration 0010
 * ({@code lores_vec}) needs the sqlite-vec extension, which the node does not load (embeddings are
 * not synced; lh recomputes them). Drizzle's SQLite migrator reads only the newest recorded row
 * (by {@code created_at}) and applies every migration whose journal timestamp is greater, in order
 * ({@link #pendingAfter}); so lh's next start creates {@code lores_vec} with its extension and then
 * 0011's tables, exactly as on a database lh made itself. The node needs nothing from 0010 or 0011.
 */
public final class LoreHubSchema {

    /** One drizzle migration of lh 0.2.2: its journal entry and its file text, verbatim. */
    public record Migration(int index, String tag, long createdAt, String hash, String fileText) {

        /** The statements drizzle executes for this file: the text split at its breakpoints. */
        public List<String> statements() {
            List<String> result = new ArrayList<>();
            for (String part : fileText.split("--> statement-breakpoint", -1)) {
                if (!part.isBlank()) {
                    result.add(part);
                }
            }
            return result;
        }

        /** Whether the node runs and records this migration when it creates a database (0000-0009). */
        public boolean createdByNode() {
            return index <= NODE_CREATES_THROUGH;
        }

        /**
         * The tables, virtual tables and indexes this migration creates, by name (what must not
         * exist yet when drizzle runs it: none of lh's statements says IF NOT EXISTS).
         */
        public List<String> createdObjects() {
            List<String> names = new ArrayList<>();
            for (String sql : statements()) {
                Matcher m = CREATED_OBJECT.matcher(sql);
                if (m.find()) {
                    names.add(m.group(1));
                }
            }
            return names;
        }
    }

    private static final Pattern CREATED_OBJECT = Pattern.compile(
        "CREATE\\s+(?:UNIQUE\\s+)?(?:VIRTUAL\\s+)?(?:TABLE|INDEX)\\s+[`\"]?([A-Za-z0-9_]+)[`\"]?");

    /**
     * The last migration the node runs in a database it creates. Migration 0010 needs the
     * sqlite-vec extension and 0011 would then no longer be applied by lh (see the class comment),
     * so both are left to lh's next start.
     */
    public static final int NODE_CREATES_THROUGH = 9;

    /** The one migration the node records but does not run: it needs the sqlite-vec module. */
    public static final String VECTOR_MIGRATION_TAG = "0010_create_lores_vec_table";

    /**
     * The bookkeeping table exactly as drizzle-orm's SQLite migrator creates it. {@code id SERIAL}
     * is not an integer primary key in SQLite, so ids stay NULL, as in databases lh created.
     */
    public static final String DRIZZLE_MIGRATIONS_DDL = "\n\t\t\tCREATE TABLE IF NOT EXISTS \"__drizzle_migrations\" (\n"
        + "\t\t\t\tid SERIAL PRIMARY KEY,\n"
        + "\t\t\t\thash text NOT NULL,\n"
        + "\t\t\t\tcreated_at numeric\n"
        + "\t\t\t)\n\t\t";

    /** The twelve migrations of lh 0.2.2, in journal order (drizzle/meta/_journal.json). */
    public static final List<Migration> MIGRATIONS = List.of(
        new Migration(0, "0000_create_realms", 1752038466479L,
            "ff400a75134556222819ccaad624e8f578f9d433ba5999a6b212a85ab03d17f6",
            "CREATE TABLE \"realms\" (\n"
                + "  \"id\" text PRIMARY KEY NOT NULL,\n"
                + "  \"name\" text NOT NULL,\n"
                + "  \"path\" text NOT NULL,\n"
                + "  \"git_remote\" text,\n"
                + "  \"is_monorepo\" integer DEFAULT false NOT NULL,\n"
                + "  \"provinces\" text DEFAULT '[]' NOT NULL,\n"
                + "  \"last_seen\" text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "  \"created_at\" text DEFAULT CURRENT_TIMESTAMP NOT NULL\n"
                + ");"),
        new Migration(1, "0001_create_lores", 1752038466480L,
            "9dc3b95df26f721cc4cb184648bf4d42d4c5a8ec823d11f907c7169fae41b459",
            "CREATE TABLE \"lores\" (\n"
                + "  \"id\" text PRIMARY KEY NOT NULL,\n"
                + "  \"realm_id\" text NOT NULL,\n"
                + "  \"content\" text NOT NULL,\n"
                + "  \"why\" text,\n"
                + "  \"type\" text NOT NULL,\n"
                + "  \"provinces\" text DEFAULT '[]' NOT NULL,\n"
                + "  \"sigils\" text DEFAULT '[]' NOT NULL,\n"
                + "  \"confidence\" integer DEFAULT 80 NOT NULL,\n"
                + "  \"origin\" text NOT NULL,\n"
                + "  \"status\" text DEFAULT 'living' NOT NULL,\n"
                + "  \"created_at\" text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "  \"updated_at\" text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "  FOREIGN KEY (\"realm_id\") REFERENCES \"realms\"(\"id\") ON UPDATE no action ON DELETE cascade\n"
                + ");"),
        new Migration(2, "0002_create_lore_relations", 1752038466481L,
            "6e6fa852e32d5db0d970bc611133b98a763e61d7b3a2dddca93c3597a95e784e",
            "CREATE TABLE \"lore_relations\" (\n"
                + "  \"from_lore_id\" text NOT NULL,\n"
                + "  \"to_lore_id\" text NOT NULL,\n"
                + "  \"type\" text NOT NULL,\n"
                + "  \"strength\" real DEFAULT 1.0 NOT NULL,\n"
                + "  \"metadata\" text,\n"
                + "  \"created_at\" text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "  PRIMARY KEY(\"from_lore_id\", \"to_lore_id\", \"type\"),\n"
                + "  FOREIGN KEY (\"from_lore_id\") REFERENCES \"lores\"(\"id\") ON UPDATE no action ON DELETE cascade,\n"
                + "  FOREIGN KEY (\"to_lore_id\") REFERENCES \"lores\"(\"id\") ON UPDATE no action ON DELETE cascade\n"
                + ");"),
        new Migration(3, "0003_create_realms_path_index", 1752038466482L,
            "c47df0bae41524a267553237d2108e984f483711daa83fb77332ef86ff870c08",
            "CREATE UNIQUE INDEX \"realms_path_unique\" ON \"realms\" (\"path\");"),
        new Migration(4, "0004_create_lores_realm_index", 1752038466483L,
            "919876a16747123c1176a6026b11bf918d2016ae086ac73f8296892f53b591ed",
            "CREATE INDEX \"idx_lores_realm_id\" ON \"lores\" (\"realm_id\");"),
        new Migration(5, "0005_create_lores_type_index", 1752038466484L,
            "fafe5afe1f4ebc32cc655f30f528478397c9a2f729c9c3753fb0d40ded267c95",
            "CREATE INDEX \"idx_lores_type\" ON \"lores\" (\"type\");"),
        new Migration(6, "0006_create_lores_status_index", 1752038466485L,
            "fe00d0412077061bbe906e36fc0f06146f129ed367eccec5c059ab29eb0e3831",
            "CREATE INDEX \"idx_lores_status\" ON \"lores\" (\"status\");"),
        new Migration(7, "0007_create_lores_content_index", 1752038466486L,
            "4aec120e4895e39c8cf9354db51cb94cbb2e0e42ce6a607841794e61484fffad",
            "CREATE INDEX \"idx_lores_content\" ON \"lores\" (\"content\");"),
        new Migration(8, "0008_create_relations_from_index", 1752038466487L,
            "f90a43300c9a88ac1255ed37272cc19a8044d80ac14689307e4a821dae9e96d3",
            "CREATE INDEX \"idx_lore_relations_from\" ON \"lore_relations\" (\"from_lore_id\");"),
        new Migration(9, "0009_create_relations_to_index", 1752038466488L,
            "4fa132a111de212fc258c473b15a197b7d5d2282d5d455bc4d0bcd1aacf4ab02",
            "CREATE INDEX \"idx_lore_relations_to\" ON \"lore_relations\" (\"to_lore_id\");"),
        new Migration(10, VECTOR_MIGRATION_TAG, 1752038466489L,
            "b17a454eb87421c6127c477f609d9a35ea94eda3fd138a6587508861a6deeeb3",
            "CREATE VIRTUAL TABLE lores_vec USING vec0(\n"
                + "  lore_id text PRIMARY KEY,\n"
                + "  embedding float[768]\n"
                + ");"),
        new Migration(11, "0011_amusing_marvex", 1752220200341L,
            "63c516782316139b02447d499c3e4a6f43a0a9fe8258333c053599cbb77b51d4",
            "CREATE TABLE `workspaces` (\n"
                + "\t`id` text PRIMARY KEY NOT NULL,\n"
                + "\t`name` text NOT NULL,\n"
                + "\t`sync_enabled` integer DEFAULT false NOT NULL,\n"
                + "\t`sync_repo` text,\n"
                + "\t`sync_branch` text DEFAULT 'main',\n"
                + "\t`auto_sync` integer DEFAULT true NOT NULL,\n"
                + "\t`sync_interval` integer DEFAULT 300,\n"
                + "\t`filters` text,\n"
                + "\t`is_default` integer DEFAULT false NOT NULL,\n"
                + "\t`created_at` text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "\t`updated_at` text DEFAULT CURRENT_TIMESTAMP NOT NULL\n"
                + ");\n"
                + "--> statement-breakpoint\n"
                + "CREATE UNIQUE INDEX `workspaces_name_unique` ON `workspaces` (`name`);\n"
                + "--> statement-breakpoint\n"
                + "CREATE TABLE `realm_workspaces` (\n"
                + "\t`realm_id` text NOT NULL,\n"
                + "\t`workspace_id` text NOT NULL,\n"
                + "\t`created_at` text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "\tPRIMARY KEY(`realm_id`, `workspace_id`),\n"
                + "\tFOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade,\n"
                + "\tFOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade\n"
                + ");\n"
                + "--> statement-breakpoint\n"
                + "CREATE INDEX `idx_realm_workspaces_realm` ON `realm_workspaces` (`realm_id`);\n"
                + "--> statement-breakpoint\n"
                + "CREATE INDEX `idx_realm_workspaces_workspace` ON `realm_workspaces` (`workspace_id`);\n"
                + "--> statement-breakpoint\n"
                + "CREATE TABLE `sync_state` (\n"
                + "\t`workspace_id` text NOT NULL,\n"
                + "\t`device_id` text NOT NULL,\n"
                + "\t`last_sync_at` text,\n"
                + "\t`last_sync_commit` text,\n"
                + "\t`vector_clock` text,\n"
                + "\t`pending_changes` integer DEFAULT 0 NOT NULL,\n"
                + "\t`created_at` text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "\t`updated_at` text DEFAULT CURRENT_TIMESTAMP NOT NULL,\n"
                + "\tPRIMARY KEY(`workspace_id`, `device_id`),\n"
                + "\tFOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade\n"
                + ");\n"
                + "--> statement-breakpoint\n"
                + "CREATE INDEX `idx_sync_state_workspace` ON `sync_state` (`workspace_id`);"));

    /** Every table lh 0.2.2 creates with plain SQLite (lores_vec and its helpers excluded). */
    public static final List<String> LH_TABLES = List.of(
        "__drizzle_migrations", "realms", "lores", "lore_relations", "workspaces", "realm_workspaces", "sync_state");

    /** The tables the node creates in a new database: lh's through migration 0009. */
    public static final List<String> NODE_CREATED_TABLES = List.of(
        "__drizzle_migrations", "realms", "lores", "lore_relations");

    /** The tables and columns the node reads and writes, in dependency order; an lh database must have all of them. */
    public static final Map<String, List<String>> REQUIRED_COLUMNS = requiredColumns();

    private LoreHubSchema() {
    }

    private static Map<String, List<String>> requiredColumns() {
        Map<String, List<String>> required = new LinkedHashMap<>();
        required.put("realms", List.of(
            "id", "name", "path", "git_remote", "is_monorepo", "provinces", "last_seen", "created_at"));
        required.put("lores", List.of(
            "id", "realm_id", "content", "why", "type", "provinces", "sigils", "confidence", "origin", "status",
            "created_at", "updated_at"));
        required.put("lore_relations", List.of(
            "from_lore_id", "to_lore_id", "type", "strength", "metadata", "created_at"));
        return Collections.unmodifiableMap(required);
    }

    /**
     * Creates lh 0.2.2's schema through migration 0009 in an empty database the way drizzle's
     * migrator does: the bookkeeping table, then each migration's statements followed by its
     * bookkeeping row (id NULL, hash, created_at = the journal's timestamp). Migrations 0010 and
     * 0011 are neither run nor recorded: lh applies them on its next start. Must run inside the
     * caller's transaction.
     */
    static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(DRIZZLE_MIGRATIONS_DDL);
            try (PreparedStatement record = connection.prepareStatement(
                "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES(?, ?)")) {
                for (Migration migration : MIGRATIONS) {
                    if (!migration.createdByNode()) {
                        continue;
                    }
                    for (String sql : migration.statements()) {
                        statement.execute(sql);
                    }
                    record.setString(1, migration.hash());
                    record.setLong(2, migration.createdAt());
                    record.executeUpdate();
                }
            }
        }
    }

    /**
     * The migrations drizzle's SQLite migrator applies on lh's next start when the newest row of
     * {@code __drizzle_migrations} has {@code created_at = newestRecorded}: every one whose
     * journal timestamp is greater, in journal order. (It never looks at older rows, so a gap
     * below the newest row is never filled.)
     */
    public static List<Migration> pendingAfter(long newestRecorded) {
        return MIGRATIONS.stream().filter(m -> m.createdAt() > newestRecorded).toList();
    }

    /** The migration with this index (0..11). */
    public static Migration migration(int index) {
        return MIGRATIONS.get(index);
    }

    /**
     * What the node needs but the database lacks, one readable item per missing table or column
     * (for example {@code "table lores"} or {@code "column lores.origin"}); empty when all is there.
     */
    static List<String> missingParts(Connection connection) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<String>> table : REQUIRED_COLUMNS.entrySet()) {
            Set<String> present = columnsOf(connection, table.getKey());
            if (present.isEmpty()) {
                missing.add("table " + table.getKey());
                continue;
            }
            for (String column : table.getValue()) {
                if (!present.contains(column)) {
                    missing.add("column " + table.getKey() + "." + column);
                }
            }
        }
        return missing;
    }

    static Set<String> columnsOf(Connection connection, String table) throws SQLException {
        Set<String> columns = new LinkedHashSet<>();
        try (PreparedStatement info = connection.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            info.setString(1, table);
            try (ResultSet rows = info.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        return columns;
    }
}
