package dev.lorehub.node.store;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes realms, lores and relations the way lh 0.2.2 writes them (its {@code Database} class through
 * drizzle; LOREHUB_SCHEMA.md), on whatever connection it is given. The one writer of lh's conventions:
 * the node's {@code lore} commands (for users without lh), the simulator's stand-in for lh, and the
 * tests' lh all write through it. The node's applies of remote events do not: they go through
 * {@link LoreTables}, which writes whole rows as the events decide.
 *
 * <p>The conventions it follows:
 * <ul>
 *   <li>Statements as drizzle emits them: every column listed in schema order, quoted identifiers,
 *       one statement per change (lh runs each in its own autocommit transaction; a caller that
 *       wants one transaction opens it). An update sets only the columns it changes, plus
 *       {@code updated_at}; deletes are hard (foreign keys cascade to relations, where the
 *       connection turned them on).</li>
 *   <li>Ids: random UUID v4 strings, never derived from content ({@link #newId}); callers that need
 *       reproducible ids (the simulator) pass their own.</li>
 *   <li>Timestamps: {@code Date.toISOString()} text, UTC with milliseconds and {@code Z}
 *       ({@link LhTimestamps#format}). A new row's {@code created_at} and {@code updated_at} (a realm's
 *       {@code last_seen} and {@code created_at}) are the same instant. The caller gives "now", so
 *       simulated and test clocks work.</li>
 *   <li>JSON columns as {@code JSON.stringify} writes them (compact): lists ({@code provinces},
 *       {@code sigils}) in the order given, duplicates and empty strings kept; objects
 *       ({@code origin}, {@code metadata}). Booleans as 0/1.</li>
 *   <li>Defaults lh fills in: a new realm is not a monorepo and has no provinces; a lore's confidence
 *       {@value #DEFAULT_CONFIDENCE} and status {@value #DEFAULT_STATUS} (the caller passes them, so a
 *       writer may choose others); a relation's strength {@value #DEFAULT_STRENGTH}, no metadata.</li>
 * </ul>
 * It validates nothing: lh stores what it is given (confidence 150, empty sigils), and so does this;
 * callers that refuse bad input check it first. {@code lores_vec} (embeddings) is never touched.
 *
 * <p>Statements are prepared once per writer and reused; not thread-safe (one connection, one thread).
 */
public final class LoreWriter {
    /** lh's default confidence ({@code confidence || 80}). */
    public static final int DEFAULT_CONFIDENCE = 80;
    /** A new lore's status in lh. */
    public static final String DEFAULT_STATUS = "living";
    /** lh's default relation strength ({@code strength || 1.0}). */
    public static final double DEFAULT_STRENGTH = 1.0;
    /** lh's lores columns in drizzle's schema order (the order of its INSERT lists and SET clauses). */
    public static final List<String> LORE_COLUMNS = List.of("id", "realm_id", "content", "why", "type", "provinces", "sigils",
        "confidence", "origin", "status", "created_at", "updated_at");

    private static final String INSERT_REALM = "insert into \"realms\" (\"id\", \"name\", \"path\", \"git_remote\", "
        + "\"is_monorepo\", \"provinces\", \"last_seen\", \"created_at\") values (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_LORE = "insert into \"lores\" (\"id\", \"realm_id\", \"content\", \"why\", \"type\", "
        + "\"provinces\", \"sigils\", \"confidence\", \"origin\", \"status\", \"created_at\", \"updated_at\") "
        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_RELATION = "insert into \"lore_relations\" (\"from_lore_id\", \"to_lore_id\", \"type\", "
        + "\"strength\", \"metadata\", \"created_at\") values (?, ?, ?, ?, ?, ?)";

    private final PreparedStatements statements;

    public LoreWriter(Connection connection) {
        this.statements = new PreparedStatements(connection);
    }

    /** A new id as lh makes one: a random UUID v4. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** {@code origin} JSON of a lore written by hand: {@code {"type":"manual","reference":reference}}. */
    public static String manualOrigin(String reference) {
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("type", "manual");
        origin.put("reference", reference);
        return json(origin);
    }

    /** A list or object as {@code JSON.stringify} writes it (compact, in the order given). */
    public static String json(Object value) {
        try {
            return dev.lorehub.node.json.Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot stringify " + value, e);
        }
    }

    /** {@code createRealm}: not a monorepo, no provinces, last seen and created {@code now}. */
    public void insertRealm(String id, String name, String path, String gitRemote, Instant now) throws SQLException {
        String at = LhTimestamps.format(now);
        run(INSERT_REALM, id, name, path, gitRemote, 0, json(List.of()), at, at);
    }

    /** {@code updateRealmLastSeen}, which lh runs whenever it works in a realm. */
    public void touchRealm(String id, Instant now) throws SQLException {
        run("update \"realms\" set \"last_seen\" = ? where \"realms\".\"id\" = ?", LhTimestamps.format(now), id);
    }

    /** {@code createLore}: every column given, created and updated {@code now}; {@code origin} is JSON text. */
    public void insertLore(String id, String realmId, String content, String why, String type, List<String> provinces,
                           List<String> sigils, long confidence, String origin, String status, Instant now)
        throws SQLException {
        String at = LhTimestamps.format(now);
        run(INSERT_LORE, id, realmId, content, why, type, json(provinces), json(sigils), confidence, origin, status, at, at);
    }

    /**
     * {@code updateLore}: sets the given columns (lists and maps stringified as JSON) and
     * {@code updated_at = now}, in drizzle's column order. Any of {@link #LORE_COLUMNS} is accepted,
     * including ones lh itself never updates ({@code id}, {@code realm_id}), to play other writers.
     *
     * @throws IllegalArgumentException naming a column lores does not have
     */
    public void updateLore(String id, Map<String, ?> changes, Instant now) throws SQLException {
        if (!LORE_COLUMNS.containsAll(changes.keySet())) {
            throw new IllegalArgumentException("unknown lores columns in " + changes.keySet());
        }
        Map<String, Object> set = new LinkedHashMap<>();
        for (String column : LORE_COLUMNS) {
            if (changes.containsKey(column)) {
                Object value = changes.get(column);
                set.put(column, value instanceof List || value instanceof Map ? json(value) : value);
            }
        }
        set.put("updated_at", LhTimestamps.format(now));
        List<String> assignments = new ArrayList<>();
        set.keySet().forEach(column -> assignments.add("\"" + column + "\" = ?"));
        List<Object> args = new ArrayList<>(set.values());
        args.add(id);
        run("update \"lores\" set " + String.join(", ", assignments) + " where \"lores\".\"id\" = ?", args.toArray());
    }

    /** {@code softDeleteLore} (archive): status archived. */
    public void archiveLore(String id, Instant now) throws SQLException {
        run("update \"lores\" set \"status\" = ?, \"updated_at\" = ? where \"lores\".\"id\" = ?", "archived",
            LhTimestamps.format(now), id);
    }

    /** {@code deleteLore}: a hard delete; returns whether a row went. Its relations (both directions) cascade. */
    public boolean deleteLore(String id) throws SQLException {
        return run("delete from \"lores\" where \"lores\".\"id\" = ?", id) == 1;
    }

    /** {@code createRelation}, created {@code now}; {@code metadata} is JSON object text or null. */
    public void insertRelation(String from, String to, String type, double strength, String metadata, Instant now)
        throws SQLException {
        run(INSERT_RELATION, from, to, type, strength, metadata, LhTimestamps.format(now));
    }

    /** {@code deleteRelation}. */
    public void deleteRelation(String from, String to, String type) throws SQLException {
        run("delete from \"lore_relations\" where (\"lore_relations\".\"from_lore_id\" = ? and "
            + "\"lore_relations\".\"to_lore_id\" = ? and \"lore_relations\".\"type\" = ?)", from, to, type);
    }

    private int run(String sql, Object... args) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps.executeUpdate();
    }
}
