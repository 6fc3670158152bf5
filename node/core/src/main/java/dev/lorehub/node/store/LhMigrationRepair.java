package dev.lorehub.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives lh back the migrations an earlier node version took from it. Node versions before this
 * one created a LoreHub database with all twelve of lh 0.2.2's migrations recorded, although it
 * could not run 0010 ({@code lores_vec}, which needs the sqlite-vec extension). Drizzle's migrator
 * only applies migrations newer than the newest recorded one, so lh never created
 * {@code lores_vec} there, and {@code lh migrate-embeddings}, semantic search and {@code similar}
 * fail on such a database for good.
 *
 * <p>{@link #repair} undoes that: in one transaction it drops 0011's three tables (only if they
 * are empty: lh has not used them) and deletes the records of 0010 and 0011, so the newest record
 * is 0009 again, as in a database this node version creates; lh's next start then runs 0010 with
 * its extension and 0011 itself. It changes nothing else, and nothing at all when it refuses.
 * Meant for {@code doctor --repair}; {@link #diagnose} tells whether it applies.
 */
public final class LhMigrationRepair {

    /** The vector table of migration 0010. */
    static final String VECTOR_TABLE = "lores_vec";

    /** What a database's migration record means for lh's next start. */
    public enum State {
        /** lh made or migrated it: everything recorded, {@code lores_vec} present. Nothing to do. */
        COMPLETE,
        /** Recorded through 0009 (as this node creates it): lh's next start applies 0010 and 0011. Nothing to do. */
        AWAITING_LH,
        /** 0010 recorded but {@code lores_vec} missing, as earlier node versions left it: {@link #repair} fixes it. */
        NEEDS_REPAIR,
        /** None of the above (no record, or one lh 0.2.2 did not write); {@link LhCompatibility} says what breaks. */
        OTHER
    }

    /** What {@link #repair} did. */
    public record Outcome(boolean changed, String message) {
    }

    private LhMigrationRepair() {
    }

    /** Reads the migration record and the schema; changes nothing. */
    public static State diagnose(Connection connection) throws SQLException {
        if (!NodeObjects.tableExists(connection, "__drizzle_migrations")) {
            return State.OTHER;
        }
        long newest = newestRecorded(connection);
        boolean vectors = NodeObjects.tableExists(connection, VECTOR_TABLE);
        long vectorMigration = LoreHubSchema.migration(10).createdAt();
        long last = LoreHubSchema.MIGRATIONS.get(LoreHubSchema.MIGRATIONS.size() - 1).createdAt();
        if (newest >= vectorMigration && !vectors) {
            return State.NEEDS_REPAIR;
        }
        if (newest >= last && vectors) {
            return State.COMPLETE;
        }
        if (newest == LoreHubSchema.migration(LoreHubSchema.NODE_CREATES_THROUGH).createdAt() && !vectors
            && LoreHubSchema.migration(11).createdObjects().stream().noneMatch(name -> exists(connection, name))) {
            return State.AWAITING_LH;
        }
        return State.OTHER;
    }

    /**
     * Repairs a database left by an earlier node version (see the class comment), in one write
     * transaction: drops migration 0011's tables if every one of them is empty, and deletes the
     * records of 0010 and 0011. On a database that needs nothing it changes nothing and says so.
     *
     * @throws LoreHubDatabaseException when it cannot repair safely (a 0011 table holds rows, or the
     *                                  record is not one an earlier node wrote); nothing was changed
     */
    public static Outcome repair(LoreHubDatabase database) {
        try {
            return database.inTransaction(LhMigrationRepair::repairIn);
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot repair lh's migration record in " + database.file() + ": "
                + e.getMessage() + ". Nothing was changed.", e);
        }
    }

    private static Outcome repairIn(Connection connection) throws SQLException {
        State state = diagnose(connection);
        switch (state) {
            case COMPLETE -> {
                return new Outcome(false, "Nothing to repair: lh has created lores_vec and recorded every migration.");
            }
            case AWAITING_LH -> {
                return new Outcome(false, "Nothing to repair: lh's next start creates lores_vec (migration 0010) and "
                    + "applies 0011 itself.");
            }
            case OTHER -> throw new LoreHubDatabaseException("Not repairing lh's migration record: it is not the one "
                + "earlier node versions wrote (newest recorded migration: " + newestRecorded(connection) + ", lores_vec "
                + (NodeObjects.tableExists(connection, VECTOR_TABLE) ? "present" : "missing") + "). Nothing was changed.");
            case NEEDS_REPAIR -> {
                // handled below
            }
        }
        LoreHubSchema.Migration workspaces = LoreHubSchema.migration(11);
        List<String> tables = new ArrayList<>();
        for (String name : workspaces.createdObjects()) {
            if (NodeObjects.tableExists(connection, name)) {
                long rows = count(connection, name);
                if (rows > 0) {
                    throw new LoreHubDatabaseException("Cannot give lh back its migrations 0010 and 0011: table " + name
                        + " holds " + rows + " row(s), so lh has used it, and dropping it would lose them. Nothing was "
                        + "changed. lh works on this database except for `lh migrate-embeddings`, semantic search and "
                        + "`similar`.");
                }
                tables.add(name);
            }
        }
        try (Statement statement = connection.createStatement()) {
            // Children first: realm_workspaces and sync_state refer to workspaces. Indexes go with their tables.
            for (String name : List.of("realm_workspaces", "sync_state", "workspaces")) {
                if (tables.contains(name)) {
                    statement.execute("DROP TABLE \"" + name + "\"");
                }
            }
        }
        int deleted = 0;
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM \"__drizzle_migrations\" WHERE hash = ? AND CAST(created_at AS INTEGER) = ?")) {
            for (LoreHubSchema.Migration m : LoreHubSchema.pendingAfter(
                LoreHubSchema.migration(LoreHubSchema.NODE_CREATES_THROUGH).createdAt())) {
                delete.setString(1, m.hash());
                delete.setLong(2, m.createdAt());
                deleted += delete.executeUpdate();
            }
        }
        if (diagnose(connection) != State.AWAITING_LH) {
            throw new LoreHubDatabaseException("Repairing lh's migration record did not leave it at migration 0009 (newest "
                + "recorded: " + newestRecorded(connection) + "); nothing was changed.");
        }
        return new Outcome(true, "Removed " + deleted + " record(s) of lh migrations 0010 and 0011"
            + (tables.isEmpty() ? "" : " and their empty tables (" + String.join(", ", tables) + ")")
            + ": lh's next start creates lores_vec with its sqlite-vec extension and applies 0011 itself.");
    }

    private static long newestRecorded(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                 "SELECT CAST(created_at AS INTEGER) FROM \"__drizzle_migrations\" ORDER BY created_at DESC LIMIT 1")) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    private static boolean exists(Connection connection, String name) {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM sqlite_master WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new LoreHubDatabaseException("Cannot read the schema: " + e.getMessage(), e);
        }
    }
}
