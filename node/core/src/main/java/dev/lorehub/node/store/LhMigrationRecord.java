package dev.lorehub.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * drizzle's record of lh's migrations ({@code __drizzle_migrations}, LOREHUB_SCHEMA.md): if the
 * tables exist but the record lacks lh 0.2.2's migrations, lh tries to create its tables again
 * and every command fails. {@code lorehub-node doctor} checks the record and, with
 * {@code --repair}, completes it, but only where lh 0.2.2's tables are all there (a database of an
 * older lh is left for lh to migrate). Drizzle applies only the migrations newer than the newest
 * recorded one, so a record that ends at 0009 (as the node creates it) is whole: lh's next start
 * runs 0010 ({@code lores_vec}, with its sqlite-vec extension) and 0011 itself. A record that
 * claims 0010 without {@code lores_vec} is {@link LhMigrationRepair}'s business.
 */
public final class LhMigrationRecord {
    private LhMigrationRecord() {
    }

    /**
     * lh 0.2.2's migrations the record lacks (by hash), in order, that lh would not apply itself: those up
     * to 0009 (the node's tables) or up to the newest recorded one, whichever is later; all of those when
     * the table is missing.
     */
    public static List<LoreHubSchema.Migration> missing(Connection connection) throws SQLException {
        Set<String> recorded = new HashSet<>();
        long newest = LoreHubSchema.migration(LoreHubSchema.NODE_CREATES_THROUGH).createdAt();
        if (NodeObjects.tableExists(connection, "__drizzle_migrations")) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT hash FROM __drizzle_migrations")) {
                while (rs.next()) {
                    recorded.add(rs.getString(1));
                }
            }
        }
        for (LoreHubSchema.Migration m : LoreHubSchema.MIGRATIONS) {
            if (recorded.contains(m.hash())) {
                newest = Math.max(newest, m.createdAt());
            }
        }
        List<LoreHubSchema.Migration> out = new ArrayList<>();
        for (LoreHubSchema.Migration m : LoreHubSchema.MIGRATIONS) {
            if (m.createdAt() <= newest && !recorded.contains(m.hash())) {
                out.add(m);
            }
        }
        return out;
    }

    /** True if lh's vector table exists (semantic search and `lh similar` need it). */
    public static boolean hasVectorTable(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM sqlite_master WHERE name = 'lores_vec'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * Records the {@link #missing} migrations when the tables they create exist (inside the caller's
     * transaction); returns how many rows were added, or -1 when those tables are not all there
     * (then nothing is written).
     */
    public static int complete(Connection connection) throws SQLException {
        List<LoreHubSchema.Migration> missing = missing(connection);
        boolean beyondNode = missing.stream().anyMatch(m -> m.createdAt()
            > LoreHubSchema.migration(LoreHubSchema.NODE_CREATES_THROUGH).createdAt());
        for (String table : beyondNode ? LoreHubSchema.LH_TABLES : LoreHubSchema.NODE_CREATED_TABLES) {
            if (!table.equals("__drizzle_migrations") && !NodeObjects.tableExists(connection, table)) {
                return -1;
            }
        }
        try (Statement s = connection.createStatement();
             PreparedStatement record = connection.prepareStatement(
                 "INSERT INTO \"__drizzle_migrations\" (\"hash\", \"created_at\") VALUES(?, ?)")) {
            s.execute(LoreHubSchema.DRIZZLE_MIGRATIONS_DDL);
            for (LoreHubSchema.Migration m : missing) {
                record.setString(1, m.hash());
                record.setLong(2, m.createdAt());
                record.executeUpdate();
            }
        }
        return missing.size();
    }
}
