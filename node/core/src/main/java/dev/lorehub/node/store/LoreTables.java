package dev.lorehub.node.store;

import dev.lorehub.node.core.RealmRow;

import dev.lorehub.node.core.RelationKey;
import dev.lorehub.node.core.RelationRow;

import dev.lorehub.node.core.LoreRow;


import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes lh's own tables the way lh does (LOREHUB_SCHEMA.md): JSON array text for
 * lists, ISO-8601 UTC timestamps with milliseconds, never touching columns the node does not own
 * (a realm's path, last_seen, created_at). Writes use upserts, never {@code REPLACE}, because a
 * replace deletes the row first and the delete would cascade to the lore's relations.
 */
public final class LoreTables {
    private static final DateTimeFormatter SQLITE_DEFAULT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final PreparedStatements statements;
    /** Told before each statement that is not a SELECT; see {@link WriteGate}. */
    private final WriteGate gate;

    /**
     * Told before every statement of these tables that writes (every one that is not a {@code SELECT}),
     * on the thread about to run it. The node's storage holds the echo guard there when the write is an
     * apply of remote events ({@link LoreHubDatabase#beforeLhWrite}).
     */
    @FunctionalInterface
    public interface WriteGate {
        void beforeWrite() throws SQLException;
    }

    /** lh's tables on {@code connection}, written as they are (the node's writes are captured like lh's). */
    public LoreTables(Connection connection) {
        this(connection, () -> { });
    }

    /** lh's tables on {@code connection}, with {@code gate} told before each write. */
    public LoreTables(Connection connection, WriteGate gate) {
        this.statements = new PreparedStatements(connection);
        this.gate = gate;
    }

    /**
     * The prepared statement of {@code sql}. Every statement of this class is had here, so no write can
     * go around the gate: the test is on the statement's text, not on a list of writing methods kept by hand.
     */
    private PreparedStatement sql(String sql) throws SQLException {
        if (!sql.startsWith("SELECT ")) {
            gate.beforeWrite();
        }
        return statements.get(sql);
    }

    // ---- lores

    public Optional<LoreRow> lore(String id) throws SQLException {
        PreparedStatement ps = sql("SELECT id, realm_id, content, why, type, provinces, sigils, confidence, origin, status, "
            + "created_at, updated_at FROM lores WHERE id = ?");
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new LoreRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8), rs.getString(9),
                rs.getString(10), isoTimestamp(rs.getString(11)), isoTimestamp(rs.getString(12))));
        }
    }

    /** The local realm a lore row belongs to, if the row exists. */
    public Optional<String> realmOfLore(String id) throws SQLException {
        PreparedStatement ps = sql("SELECT realm_id FROM lores WHERE id = ?");
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** Ids of the lores of a local realm, sorted. */
    public List<String> loreIds(String realmId) throws SQLException {
        PreparedStatement ps = sql("SELECT id FROM lores WHERE realm_id = ? ORDER BY id");
        ps.setString(1, realmId);
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Inserts or updates a lore; returns false if the row already held exactly these values. */
    public boolean upsertLore(LoreRow row) throws SQLException {
        Optional<LoreRow> current = lore(row.id());
        if (current.filter(row::equals).isPresent()) {
            return false;
        }
        writeLore(row, current.orElse(null));
        return true;
    }

    /**
     * Writes a lore whose row was just read in this transaction: {@code current} as {@link #lore} returned it,
     * or null when absent. A new row is inserted with every column; an existing one is updated in the columns
     * that differ from {@code current} only (timestamps compared as {@link #lore} normalises them), so the
     * other columns keep lh's text and their index entries are not rewritten.
     */
    public void writeLore(LoreRow row, LoreRow current) throws SQLException {
        if (current == null) {
            insertLore(row);
            return;
        }
        if (!current.id().equals(row.id())) {
            throw new IllegalArgumentException("the current row is lore " + current.id() + ", not " + row.id());
        }
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        changed(columns, values, "realm_id", current.realmId(), row.realmId());
        changed(columns, values, "content", current.content(), row.content());
        changed(columns, values, "why", current.why(), row.why());
        changed(columns, values, "type", current.type(), row.type());
        changed(columns, values, "provinces", current.provincesJson(), row.provincesJson());
        changed(columns, values, "sigils", current.sigilsJson(), row.sigilsJson());
        changed(columns, values, "confidence", current.confidence(), row.confidence());
        changed(columns, values, "origin", current.origin(), row.origin());
        changed(columns, values, "status", current.status(), row.status());
        changed(columns, values, "created_at", current.createdAt(), row.createdAt());
        changed(columns, values, "updated_at", current.updatedAt(), row.updatedAt());
        if (columns.isEmpty()) {
            return;
        }
        StringBuilder update = new StringBuilder("UPDATE lores SET ");
        for (int i = 0; i < columns.size(); i++) {
            update.append(i == 0 ? "" : ", ").append(columns.get(i)).append(" = ?");
        }
        PreparedStatement ps = sql(update.append(" WHERE id = ?").toString());
        for (int i = 0; i < values.size(); i++) {
            ps.setObject(i + 1, values.get(i));
        }
        ps.setString(values.size() + 1, row.id());
        ps.executeUpdate();
    }

    private static void changed(List<String> columns, List<Object> values, String column, Object was, Object now) {
        if (!java.util.Objects.equals(was, now)) {
            columns.add(column);
            values.add(now);
        }
    }

    /** Inserts a lore, or sets every column of the row already there. */
    private void insertLore(LoreRow row) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO lores (id, realm_id, content, why, type, provinces, sigils, confidence, origin, "
            + "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            + "realm_id = excluded.realm_id, content = excluded.content, why = excluded.why, type = excluded.type, "
            + "provinces = excluded.provinces, sigils = excluded.sigils, confidence = excluded.confidence, "
            + "origin = excluded.origin, status = excluded.status, created_at = excluded.created_at, "
            + "updated_at = excluded.updated_at");
        ps.setString(1, row.id());
        ps.setString(2, row.realmId());
        ps.setString(3, row.content());
        ps.setString(4, row.why());
        ps.setString(5, row.type());
        ps.setString(6, row.provincesJson());
        ps.setString(7, row.sigilsJson());
        ps.setLong(8, row.confidence());
        ps.setString(9, row.origin());
        ps.setString(10, row.status());
        ps.setString(11, row.createdAt());
        ps.setString(12, row.updatedAt());
        ps.executeUpdate();
    }

    /** Deletes a lore (its relations cascade, as when lh deletes it); returns false if it was absent. */
    public boolean deleteLore(String id) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lores WHERE id = ?");
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
    }

    // ---- relations

    public Optional<RelationRow> relation(String from, String to, String type) throws SQLException {
        PreparedStatement ps = sql("SELECT from_lore_id, to_lore_id, type, strength, metadata, created_at FROM lore_relations "
            + "WHERE from_lore_id = ? AND to_lore_id = ? AND type = ?");
        ps.setString(1, from);
        ps.setString(2, to);
        ps.setString(3, type);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new RelationRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4),
                rs.getString(5), isoTimestamp(rs.getString(6))));
        }
    }

    /** Relations that start or end at a lore. */
    public List<RelationKey> relationKeysOf(String loreId) throws SQLException {
        PreparedStatement ps = sql("SELECT from_lore_id, to_lore_id, type FROM lore_relations WHERE from_lore_id = ? "
            + "UNION SELECT from_lore_id, to_lore_id, type FROM lore_relations WHERE to_lore_id = ?");
        ps.setString(1, loreId);
        ps.setString(2, loreId);
        List<RelationKey> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(new RelationKey(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return keys;
    }

    public boolean upsertRelation(RelationRow row) throws SQLException {
        if (relation(row.fromLoreId(), row.toLoreId(), row.type()).filter(row::equals).isPresent()) {
            return false;
        }
        PreparedStatement ps = sql("INSERT INTO lore_relations (from_lore_id, to_lore_id, type, strength, metadata, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (from_lore_id, to_lore_id, type) DO UPDATE SET "
            + "strength = excluded.strength, metadata = excluded.metadata, created_at = excluded.created_at");
        ps.setString(1, row.fromLoreId());
        ps.setString(2, row.toLoreId());
        ps.setString(3, row.type());
        ps.setDouble(4, row.strength());
        if (row.metadata() == null) {
            ps.setNull(5, Types.VARCHAR);
        } else {
            ps.setString(5, row.metadata());
        }
        ps.setString(6, row.createdAt());
        ps.executeUpdate();
        return true;
    }

    public boolean deleteRelation(String from, String to, String type) throws SQLException {
        PreparedStatement ps = sql("DELETE FROM lore_relations WHERE from_lore_id = ? AND to_lore_id = ? AND type = ?");
        ps.setString(1, from);
        ps.setString(2, to);
        ps.setString(3, type);
        return ps.executeUpdate() == 1;
    }

    // ---- realms

    public Optional<RealmRow> realm(String id) throws SQLException {
        PreparedStatement ps = sql("SELECT id, name, path, git_remote, is_monorepo, provinces FROM realms WHERE id = ?");
        ps.setString(1, id);
        return readRealm(ps);
    }

    public Optional<RealmRow> realmByPath(String path) throws SQLException {
        PreparedStatement ps = sql("SELECT id, name, path, git_remote, is_monorepo, provinces FROM realms WHERE path = ?");
        ps.setString(1, path);
        return readRealm(ps);
    }

    public List<RealmRow> realms() throws SQLException {
        PreparedStatement ps = sql("SELECT id, name, path, git_remote, is_monorepo, provinces FROM realms ORDER BY path");
        List<RealmRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(realmRow(rs));
            }
        }
        return out;
    }

    private Optional<RealmRow> readRealm(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(realmRow(rs)) : Optional.empty();
        }
    }

    private static RealmRow realmRow(ResultSet rs) throws SQLException {
        return new RealmRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5) != 0,
            list(rs.getString(6)));
    }

    /** Creates a realm row as lh would (last_seen and created_at set to {@code now}). */
    public void insertRealm(RealmRow row, Instant now) throws SQLException {
        PreparedStatement ps = sql("INSERT INTO realms (id, name, path, git_remote, is_monorepo, provinces, last_seen, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        ps.setString(1, row.id());
        ps.setString(2, row.name());
        ps.setString(3, row.path());
        ps.setString(4, row.gitRemote());
        ps.setInt(5, row.monorepo() ? 1 : 0);
        ps.setString(6, json(row.provinces()));
        String ts = iso(now);
        ps.setString(7, ts);
        ps.setString(8, ts);
        ps.executeUpdate();
    }

    /** Updates the synced columns of a realm row (never its id, path, last_seen or created_at). */
    public boolean updateRealmFields(RealmRow row) throws SQLException {
        Optional<RealmRow> current = realm(row.id());
        if (current.isEmpty()) {
            return false;
        }
        RealmRow merged = new RealmRow(row.id(), row.name(), current.get().path(), row.gitRemote(), row.monorepo(),
            row.provinces());
        if (merged.equals(current.get())) {
            return false;
        }
        PreparedStatement ps = sql("UPDATE realms SET name = ?, git_remote = ?, is_monorepo = ?, provinces = ? WHERE id = ?");
        ps.setString(1, row.name());
        ps.setString(2, row.gitRemote());
        ps.setInt(3, row.monorepo() ? 1 : 0);
        ps.setString(4, json(row.provinces()));
        ps.setString(5, row.id());
        ps.executeUpdate();
        return true;
    }

    // ---- formats

    /** Parses lh's JSON array text; anything that is not a JSON array of strings reads as empty. */
    public static List<String> list(String json) {
        return dev.lorehub.node.json.JsonStringList.parse(json);
    }

    /** JSON array text as lh writes it (compact): {@link LoreWriter#json}, typed for lh's list columns. */
    public static String json(List<String> values) {
        return LoreWriter.json(values); // the same compact text as dev.lorehub.node.core.ListText.json
    }

    /** The ISO form lh writes: UTC with milliseconds, e.g. {@code 2025-07-13T02:18:14.000Z}. */
    /**
     * Whether {@code s} has the exact form {@link #iso} prints ({@code uuuu-MM-ddTHH:mm:ss.SSSZ}) with
     * an hour below 24 and a second below 60: either it is a valid instant, which {@link #iso}
     * prints back unchanged, or it is no date at all, which {@link #isoTimestamp} keeps as it is too.
     */
    static boolean isCanonicalIso(String s) {
        if (s.length() != 24 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
            || s.charAt(16) != ':' || s.charAt(19) != '.' || s.charAt(23) != 'Z') {
            return false;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22}) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        boolean hourBelow24 = s.charAt(11) < '2' || s.charAt(11) == '2' && s.charAt(12) < '4';
        return hourBelow24 && s.charAt(17) < '6'; // 24:00 and leap seconds parse, to another text
    }

    public static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS).plusNanos(0))
            .replaceFirst("(\\d{2}:\\d{2}:\\d{2})Z$", "$1.000Z");
    }

    /**
     * Normalises a stored timestamp to the ISO form: lh writes ISO, while column defaults write
     * {@code YYYY-MM-DD HH:MM:SS} in UTC (SQLite's CURRENT_TIMESTAMP). Unparseable text is kept
     * as it is, so nothing is silently rewritten into something else.
     */
    public static String isoTimestamp(String stored) {
        if (stored == null) {
            return null;
        }
        if (isCanonicalIso(stored)) {
            return stored; // what lh and the node write: parsing and printing it again gives it back (~1% of ingest)
        }
        try {
            return iso(Instant.parse(stored));
        } catch (DateTimeParseException e) {
            try {
                return iso(LocalDateTime.parse(stored, SQLITE_DEFAULT).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e2) {
                return stored;
            }
        }
    }
}
