package dev.lorehub.simulator.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.node.store.LhCompatibility;
import dev.lorehub.node.store.LoreWriter;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Plays LoreHub's {@code lh} CLI on a node's database through its own JDBC connection, so that
 * the node's real capture triggers see every change, exactly as they see lh's: rows written by
 * {@link LoreWriter} (lh's statements, formats and defaults), one autocommit statement per write,
 * hard deletes with cascades (foreign keys on). What it adds: ids the workload chose (seeded, so
 * runs replay) and the simulated wall time of each write. Unlike lh it writes to a database in
 * memory, without a write-ahead log ({@link SimNode#createDisk}): the simulator runs one thing at a
 * time, so lh and the node never wait for each other's lock there.
 *
 * <p><b>Simulated time in captured rows.</b> The node's capture triggers stamp each captured row
 * with {@code julianday('now')}: the machine's real clock, which in the simulator has nothing to do
 * with the device's simulated wall clock. So this connection carries one connection-local
 * ({@code TEMP}) trigger that rewrites the {@code at} of every capture row its own writes produce
 * with the simulated wall time of the write ({@link #at}); the node's connection, its triggers and
 * the database file's schema are untouched. It is as if lh ran on a machine whose clock is the
 * simulated one: an edit made while the node is stopped keeps the time it was made, when the node
 * captures it at its next start.
 */
final class LhClient implements AutoCloseable {
    /** The origin lh's {@code add} writes. */
    private static final String CLI_ORIGIN = LoreWriter.manualOrigin("cli");
    private static final ObjectMapper JSON = dev.lorehub.node.json.Json.MAPPER; // the node's one shared mapper
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final Connection c;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>();
    private final LoreWriter writer;
    private final LhCompatibility.Checker compatibility;
    private long lastAt;

    /** lh on the database at the JDBC URL {@code url}: the device's disk ({@link SimNode#createDisk}). */
    LhClient(String url) throws SQLException {
        Properties options = new Properties();
        // else sqlite-jdbc prepares and runs "SELECT last_insert_rowid()" after every INSERT (never read here)
        options.setProperty("jdbc.get_generated_keys", "false");
        c = DriverManager.getConnection(url, options);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.execute("PRAGMA foreign_keys = ON");
            s.execute("CREATE TEMP TABLE sim_clock (t INTEGER NOT NULL)");
            s.execute("INSERT INTO temp.sim_clock VALUES (0)");
            s.execute("CREATE TEMP TRIGGER sim_capture_at AFTER INSERT ON main.lhsync_capture BEGIN "
                + "UPDATE lhsync_capture SET at = (SELECT t FROM temp.sim_clock) WHERE seq = NEW.seq; END");
        }
        writer = new LoreWriter(c);
        compatibility = LhCompatibility.checker(c);
    }

    /** The simulated wall time (ms) of the writes that follow: captured rows carry it as their {@code at}. */
    void at(long wallMillis) throws SQLException {
        if (wallMillis != lastAt) {
            update("UPDATE temp.sim_clock SET t = ?", wallMillis);
            lastAt = wallMillis;
        }
    }

    private PreparedStatement sql(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private int update(String sql, Object... args) throws SQLException {
        PreparedStatement ps = sql(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps.executeUpdate();
    }

    private String one(String sql, Object... args) throws SQLException {
        PreparedStatement ps = sql(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private List<String[]> rows(String sql, int columns, Object... args) throws SQLException {
        PreparedStatement ps = sql(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    /** {@code createRealm}. */
    void addRealm(String id, String name, String path, String gitRemote, long wall) throws SQLException {
        at(wall);
        writer.insertRealm(id, name, path, gitRemote, Instant.ofEpochMilli(wall));
    }

    /** The id of the realm row at {@code path}, or null. */
    String realmIdByPath(String path) throws SQLException {
        return one("select \"id\" from \"realms\" where \"path\" = ?", path);
    }

    /** {@code createLore}: confidence 80, status living, manual origin. */
    void addLore(String id, String realmId, String content, String type, List<String> sigils, long wall) throws SQLException {
        at(wall);
        writer.insertLore(id, realmId, content, null, type, List.of(), sigils, LoreWriter.DEFAULT_CONFIDENCE, CLI_ORIGIN,
            LoreWriter.DEFAULT_STATUS, Instant.ofEpochMilli(wall));
    }

    /** How many lores the realm has. */
    int loreCount(String realmId) throws SQLException {
        return Integer.parseInt(one("select count(*) from \"lores\" where \"realm_id\" = ?", realmId));
    }

    /**
     * The {@code k}-th lore id of the realm in id order, or null. The unary {@code +} keeps SQLite
     * from using lh's index on {@code realm_id}, which would fetch and sort every lore of the realm
     * for each pick: walking the primary key's index in id order stops at the {@code k}-th lore of
     * the realm, which for the workload's hot set is among the first few. The answer is the same. The offset
     * is {@code ? + 0}, not a bare parameter, which SQLite would prepare the statement again for at every bind
     * (see the node's {@code SqlLimit}); a literal would prepare one statement per {@code k}.
     */
    String loreAt(String realmId, int k) throws SQLException {
        return one("select \"id\" from \"lores\" where +\"realm_id\" = ? order by \"id\" limit 1 offset ? + 0", realmId, k);
    }

    /** A lore's content, sigils (JSON) and status, or null if it does not exist. */
    String[] lore(String id) throws SQLException {
        List<String[]> r = rows("select \"content\", \"sigils\", \"status\", \"type\" from \"lores\" where \"id\" = ?", 4, id);
        return r.isEmpty() ? null : r.get(0);
    }

    /** {@code updateLore}: sets the given columns and {@code updated_at} (lists stringified as JSON). */
    void updateLore(String id, Map<String, Object> changes, long wall) throws SQLException {
        at(wall);
        writer.updateLore(id, changes, Instant.ofEpochMilli(wall));
    }

    /** {@code deleteLore}: a hard delete; relations cascade. */
    void deleteLore(String id, long wall) throws SQLException {
        at(wall);
        writer.deleteLore(id);
    }

    /** {@code createRelation}; false (and nothing written) if it exists or an end is missing. */
    boolean addRelation(String from, String to, String type, double strength, long wall) throws SQLException {
        at(wall);
        if (one("select 1 from \"lore_relations\" where \"from_lore_id\" = ? and \"to_lore_id\" = ? and \"type\" = ?",
            from, to, type) != null) {
            return false;
        }
        if (one("select count(*) from \"lores\" where \"id\" in (?, ?)", from, to).equals("2")) {
            writer.insertRelation(from, to, type, strength, null, Instant.ofEpochMilli(wall));
            return true;
        }
        return false;
    }

    /** Relations starting at lores of the realm, as {from, to, type}, in key order. */
    List<String[]> relations(String realmId) throws SQLException {
        return rows("select r.\"from_lore_id\", r.\"to_lore_id\", r.\"type\" from \"lore_relations\" r join \"lores\" l "
            + "on l.\"id\" = r.\"from_lore_id\" where l.\"realm_id\" = ? order by 1, 2, 3", 3, realmId);
    }

    /** {@code deleteRelation}. */
    void deleteRelation(String from, String to, String type, long wall) throws SQLException {
        at(wall);
        writer.deleteRelation(from, to, type);
    }

    /** Every lore of the realm as lh shows it: id → {content, why, type, provinces, sigils, confidence, origin, status, created, updated}. */
    /** Ids of the realm's lores as lh shows them; for checks that need only the ids, where {@link #lores} would read every column. */
    java.util.Set<String> loreIds(String realmId) throws SQLException {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (String[] r : rows("select \"id\" from \"lores\" where \"realm_id\" = ?", 1, realmId)) {
            out.add(r[0]);
        }
        return out;
    }

    Map<String, String[]> lores(String realmId) throws SQLException {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String[] r : rows("select \"id\", \"content\", \"why\", \"type\", \"provinces\", \"sigils\", \"confidence\", "
            + "\"origin\", \"status\", \"created_at\", \"updated_at\" from \"lores\" where \"realm_id\" = ? order by \"id\"", 11,
            realmId)) {
            out.put(r[0], java.util.Arrays.copyOfRange(r, 1, 11));
        }
        return out;
    }

    /** Every relation of the realm as lh shows it: "from\nto\ntype" → strength. */
    Map<String, String> relationRows(String realmId) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] r : rows("select r.\"from_lore_id\", r.\"to_lore_id\", r.\"type\", r.\"strength\" from "
            + "\"lore_relations\" r join \"lores\" l on l.\"id\" = r.\"from_lore_id\" where l.\"realm_id\" = ? order by 1, 2, 3",
            4, realmId)) {
            out.put(r[0] + "\n" + r[1] + "\n" + r[2], r[3]);
        }
        return out;
    }

    /** lh's compatibility checks on this connection, their statements prepared once (a device is checked often). */
    LhCompatibility.Checker compatibility() {
        return compatibility;
    }

    static List<String> parseList(String json) {
        try {
            return JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("lh would fail on this JSON array: " + json, e);
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        statements.clear();
        c.close();
    }
}
