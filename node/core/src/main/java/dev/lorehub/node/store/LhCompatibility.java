package dev.lorehub.node.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks that the LoreHub database satisfies what {@code lh} relies on when it reads it
 * (LOREHUB_SCHEMA.md, "Rules a writer must keep"): every JSON column parses the way JavaScript's
 * {@code JSON.parse} does and has the expected shape, every date parses, every lore has its realm,
 * every relation joins two different existing lores, numbers are in range, enumerated values are
 * known, and drizzle's migration record lets lh's next start migrate cleanly. A single bad row makes {@code lh export}
 * fail as a whole, so the node's tests run this after every write.
 */
public final class LhCompatibility {

    /** Lore types lh 0.2.2 knows, older ones included. */
    public static final Set<String> LORE_TYPES = Set.of(
        "decree", "wisdom", "belief", "constraint", "requirement", "risk", "quest", "saga", "story", "anomaly",
        "other", "lesson", "assumption", "learning");

    /** Lore statuses lh 0.2.2 knows ({@code archived} is its soft delete; {@code active} also occurs). */
    public static final Set<String> LORE_STATUSES = Set.of(
        "living", "ancient", "whispered", "proclaimed", "archived", "active");

    /** Relation types lh 0.2.2 knows, older ones included. */
    public static final Set<String> RELATION_TYPES = Set.of(
        "succeeds", "challenges", "supports", "depends_on", "bound_to", "supersedes", "contradicts", "relates_to");

    /** The kinds of origin lh writes. */
    public static final Set<String> ORIGIN_TYPES = Set.of("manual", "inferred", "imported");

    private LhCompatibility() {
    }

    /**
     * Every violation in the database, tables in the order realms, lores, lore_relations (then
     * the migration record), rows in key order. Empty when lh can read everything.
     */
    public static List<LhViolation> check(Connection connection) throws SQLException {
        return check((sql, args) -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            try {
                statement.closeOnCompletion(); // closed with its result set
                return query(statement, args);
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
        });
    }

    /**
     * The checks of {@link #check(Connection)} on one connection, their statements prepared once: for a caller that
     * checks again and again (the simulator, at every checkpoint of every device). Use it on one thread; it holds
     * no state besides the statements, which close with the connection.
     */
    public static Checker checker(Connection connection) {
        PreparedStatements statements = new PreparedStatements(connection);
        return () -> check((sql, args) -> query(statements.get(sql), args));
    }

    /** {@link #check(Connection)} on a connection, again and again ({@link #checker}). */
    @FunctionalInterface
    public interface Checker {
        /** Every violation now, as {@link #check(Connection)} lists them. */
        List<LhViolation> check() throws SQLException;
    }

    /** Runs one query of the checks, with its text parameters: a statement prepared for the call, or kept. */
    @FunctionalInterface
    private interface Queries {
        ResultSet query(String sql, String... args) throws SQLException;
    }

    private static ResultSet query(PreparedStatement statement, String... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            statement.setString(i + 1, args[i]);
        }
        return statement.executeQuery();
    }

    private static List<LhViolation> check(Queries queries) throws SQLException {
        List<LhViolation> violations = new ArrayList<>();
        checkMigrations(queries, violations);
        checkRealms(queries, violations);
        checkLores(queries, violations);
        checkRelations(queries, violations);
        return violations;
    }

    /**
     * Drizzle's migrator on lh's next start applies every migration newer than the newest recorded
     * row ({@link LoreHubSchema#pendingAfter}); none of lh's statements says IF NOT EXISTS, so a
     * pending migration whose table or index already exists fails, and lh with it. A database the
     * node made (recorded through 0009, no {@code lores_vec}, no 0011 tables) and one lh made or
     * migrated (all twelve recorded) both pass.
     */
    private static void checkMigrations(Queries queries, List<LhViolation> out) throws SQLException {
        String table = "__drizzle_migrations";
        boolean exists;
        try (ResultSet rows = queries.query(NodeObjects.TABLE_EXISTS, table)) {
            exists = rows.next();
        }
        if (!exists) {
            out.add(new LhViolation(table, "", "", "missing: lh would try to create its tables again and every "
                + "command would fail"));
            return;
        }
        long newest;
        try (ResultSet rows = queries.query("SELECT CAST(created_at AS INTEGER) FROM " + table
            + " ORDER BY created_at DESC LIMIT 1")) {
            newest = rows.next() ? rows.getLong(1) : 0;
        }
        java.util.Set<String> objects = null; // read once, when a migration is pending
        for (LoreHubSchema.Migration pending : LoreHubSchema.pendingAfter(newest)) {
            if (objects == null) {
                objects = objectNames(queries);
            }
            List<String> existing = new ArrayList<>();
            for (String name : pending.createdObjects()) {
                if (objects.contains(name)) {
                    existing.add(name);
                }
            }
            if (!existing.isEmpty()) {
                out.add(new LhViolation(table, "", "created_at", "newest recorded migration is " + newest + " ("
                    + recordedTag(newest) + "): on its next start lh applies " + pending.tag() + ", which fails because "
                    + String.join(", ", existing) + (existing.size() == 1 ? " already exists" : " already exist")
                    + "; every lh command would fail"));
                return; // drizzle stops (and rolls back) at the first failing migration
            }
        }
    }

    private static String recordedTag(long createdAt) {
        return LoreHubSchema.MIGRATIONS.stream().filter(m -> m.createdAt() == createdAt).map(LoreHubSchema.Migration::tag)
            .findFirst().orElse(createdAt == 0 ? "none" : "not a migration of lh 0.2.2");
    }

    /** The names of every table, index, view and trigger in the database (one statement, not one per name). */
    private static java.util.Set<String> objectNames(Queries queries) throws SQLException {
        java.util.Set<String> names = new java.util.HashSet<>();
        try (ResultSet rows = queries.query("SELECT name FROM sqlite_master")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static void checkRealms(Queries queries, List<LhViolation> out) throws SQLException {
        String sql = "SELECT id, is_monorepo, typeof(is_monorepo), provinces, typeof(provinces), "
            + "last_seen, typeof(last_seen), created_at, typeof(created_at) FROM realms ORDER BY id";
        try (ResultSet row = queries.query(sql)) {
            while (row.next()) {
                Row r = new Row(out, "realms", row.getString(1));
                r.nonEmptyKey();
                if (!"integer".equals(row.getString(3)) || row.getLong(2) < 0 || row.getLong(2) > 1) {
                    r.add("is_monorepo", "must be the integer 0 or 1, is " + quote(row.getString(2)));
                }
                r.stringArray("provinces", row.getString(4), row.getString(5));
                r.timestamp("last_seen", row.getString(6), row.getString(7));
                r.timestamp("created_at", row.getString(8), row.getString(9));
            }
        }
    }

    private static void checkLores(Queries queries, List<LhViolation> out) throws SQLException {
        String sql = "SELECT l.id, l.realm_id, EXISTS (SELECT 1 FROM realms r WHERE r.id = l.realm_id), "
            + "l.type, l.provinces, typeof(l.provinces), l.sigils, typeof(l.sigils), "
            + "l.confidence, typeof(l.confidence), l.origin, typeof(l.origin), l.status, "
            + "l.created_at, typeof(l.created_at), l.updated_at, typeof(l.updated_at), typeof(l.content) "
            + "FROM lores l ORDER BY l.id";
        try (ResultSet row = queries.query(sql)) {
            while (row.next()) {
                Row r = new Row(out, "lores", row.getString(1));
                r.nonEmptyKey();
                if (!row.getBoolean(3)) {
                    r.add("realm_id", "realm " + quote(row.getString(2)) + " does not exist: lh silently hides "
                        + "this lore from every listing");
                }
                if (!"text".equals(row.getString(18))) {
                    r.add("content", "must be text, is " + row.getString(18));
                }
                r.member("type", row.getString(4), LORE_TYPES);
                r.stringArray("provinces", row.getString(5), row.getString(6));
                r.stringArray("sigils", row.getString(7), row.getString(8));
                if (!"integer".equals(row.getString(10)) || row.getLong(9) < 0 || row.getLong(9) > 100) {
                    r.add("confidence", "must be an integer from 0 to 100, is " + quote(row.getString(9)));
                }
                r.origin(row.getString(11), row.getString(12));
                r.member("status", row.getString(13), LORE_STATUSES);
                r.timestamp("created_at", row.getString(14), row.getString(15));
                r.timestamp("updated_at", row.getString(16), row.getString(17));
            }
        }
    }

    private static void checkRelations(Queries queries, List<LhViolation> out) throws SQLException {
        String sql = "SELECT x.from_lore_id, x.to_lore_id, x.type, "
            + "EXISTS (SELECT 1 FROM lores l WHERE l.id = x.from_lore_id), "
            + "EXISTS (SELECT 1 FROM lores l WHERE l.id = x.to_lore_id), "
            + "x.strength, typeof(x.strength), x.metadata, typeof(x.metadata), x.created_at, typeof(x.created_at) "
            + "FROM lore_relations x ORDER BY x.from_lore_id, x.to_lore_id, x.type";
        try (ResultSet row = queries.query(sql)) {
            while (row.next()) {
                String from = row.getString(1);
                String to = row.getString(2);
                Row r = new Row(out, "lore_relations", from + " -> " + to + " (" + row.getString(3) + ")");
                if (from.equals(to)) {
                    r.add("", "relates a lore to itself; lh requires from != to");
                }
                if (!row.getBoolean(4)) {
                    r.add("from_lore_id", "lore " + quote(from) + " does not exist");
                }
                if (!row.getBoolean(5)) {
                    r.add("to_lore_id", "lore " + quote(to) + " does not exist");
                }
                r.member("type", row.getString(3), RELATION_TYPES);
                String strengthType = row.getString(7);
                double strength = row.getDouble(6);
                if (!("real".equals(strengthType) || "integer".equals(strengthType))
                    || !(strength >= 0 && strength <= 1)) {
                    r.add("strength", "must be a number from 0 to 1, is " + quote(row.getString(6)));
                }
                if (row.getString(8) != null) {
                    r.jsonObject("metadata", row.getString(8), row.getString(9));
                }
                r.timestamp("created_at", row.getString(10), row.getString(11));
            }
        }
    }

    /** The checks for one row; each failed check adds one violation. */
    private record Row(List<LhViolation> out, String table, String key) {

        void add(String column, String problem) {
            out.add(new LhViolation(table, key == null ? "" : key, column, problem));
        }

        void nonEmptyKey() {
            if (key == null || key.isBlank()) {
                add("id", "is empty: lh cannot address this row");
            }
        }

        void member(String column, String value, Set<String> known) {
            if (value == null || !known.contains(value)) {
                add(column, quote(value) + " is not one lh knows " + known.stream().sorted().toList());
            }
        }

        void timestamp(String column, String value, String storage) {
            if (!"text".equals(storage) || LhTimestamps.parse(value).isEmpty()) {
                add(column, "unparseable date " + quote(value) + " (" + storage + "): lh export fails; write "
                    + "ISO-8601 UTC such as 2025-07-13T02:18:14.000Z");
            }
        }

        void stringArray(String column, String value, String storage) {
            JsonNode node = json(column, value, storage);
            if (node == null) {
                return;
            }
            if (!node.isArray()) {
                add(column, "must be a JSON array of strings, is " + quote(value));
                return;
            }
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    add(column, "must be a JSON array of strings, has element " + element);
                    return;
                }
            }
        }

        void jsonObject(String column, String value, String storage) {
            JsonNode node = json(column, value, storage);
            if (node != null && !node.isObject()) {
                add(column, "must be a JSON object, is " + quote(value));
            }
        }

        void origin(String value, String storage) {
            JsonNode node = json("origin", value, storage);
            if (node == null) {
                return;
            }
            if (!node.isObject()) {
                add("origin", "must be a JSON object, is " + quote(value));
            } else if (!node.path("type").isTextual() || !ORIGIN_TYPES.contains(node.path("type").asText())) {
                add("origin", "type must be one of " + ORIGIN_TYPES.stream().sorted().toList() + ", origin is "
                    + quote(value));
            }
        }

        /** The parsed value, or null after recording why it is not valid JSON text. */
        private JsonNode json(String column, String value, String storage) {
            if (!"text".equals(storage)) {
                add(column, "must be JSON text, is " + storage + " " + quote(value));
                return null;
            }
            try {
                // Strict like JSON.parse: no comments, quotes or trailing commas, and nothing after the value.
                JsonNode node = dev.lorehub.node.json.Json.STRICT.readTree(value);
                if (node == null || node.isMissingNode()) {
                    add(column, "is not valid JSON (empty): lh export fails");
                    return null;
                }
                return node;
            } catch (JsonProcessingException e) {
                add(column, "is not valid JSON " + quote(value) + ": lh export fails ("
                    + e.getOriginalMessage() + ")");
                return null;
            }
        }
    }

    private static String quote(String value) {
        if (value == null) {
            return "NULL";
        }
        String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
        return "'" + shown + "'";
    }
}
