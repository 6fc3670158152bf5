package dev.lorehub.node.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The node's own tables in the LoreHub database (DESIGN.md §5): the event log, synced realms,
 * derived conflicts, paired peers and small metadata. They live beside lh's tables so that
 * applying a batch of remote events and recording it is one transaction. All names start with
 * {@code lhsync_}, so uninstalling removes exactly them (see {@link LoreHubDatabase#uninstallNode}).
 */
public final class SyncTables {
    /**
     * Bumped when these tables change shape; stored in {@code lhsync_meta}. Version 2 (causal
     * authority) adds each event's chain position and cited membership heads, joined realms,
     * the quarantine of held events and the record of refusals.
     */
    public static final int SCHEMA_VERSION = 2;

    private static final String[] DDL = {
        """
        CREATE TABLE IF NOT EXISTS lhsync_meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL)""",
        // A synced realm: its global id, the founder it was derived from, and the local realms row it
        // is mapped to (NULL until the user maps it; its events are kept and applied once mapped).
        """
        CREATE TABLE IF NOT EXISTS lhsync_realms (
          realm          BLOB PRIMARY KEY,
          founder        BLOB NOT NULL,
          local_realm_id TEXT,
          name_hint      TEXT,
          added_at       INTEGER NOT NULL,
          joined         INTEGER NOT NULL DEFAULT 1,
          inviter        BLOB)""",
        // The event log. kind/entity are NULL for events this device cannot decrypt (it holds no key
        // for them): it stores and forwards their ciphertext. Readable events are decrypted from
        // `sealed` when folded; keeping the plaintext too would write every event twice.
        """
        CREATE TABLE IF NOT EXISTS lhsync_events (
          seq         INTEGER PRIMARY KEY,
          id          BLOB NOT NULL UNIQUE,
          realm       BLOB NOT NULL,
          hlc         INTEGER NOT NULL,
          author      BLOB NOT NULL,
          kind        INTEGER,
          entity      TEXT,
          sealed      BLOB NOT NULL,
          received_at INTEGER NOT NULL,
          author_seq  INTEGER,
          prev        BLOB,
          auth        BLOB)""",
        "CREATE INDEX IF NOT EXISTS lhsync_events_entity ON lhsync_events (kind, entity)",
        "CREATE INDEX IF NOT EXISTS lhsync_events_realm ON lhsync_events (realm, hlc)",
        // Held events: received but neither stored in the log nor forwarded (stamped too far ahead,
        // waiting for membership events they cite, or written by a removed device outside its
        // frontier). Re-examined when membership changes or time passes; capped per realm.
        """
        CREATE TABLE IF NOT EXISTS lhsync_held (
          id          BLOB PRIMARY KEY,
          realm       BLOB NOT NULL,
          hlc         INTEGER NOT NULL,
          author      BLOB NOT NULL,
          reason      TEXT NOT NULL,
          detail      TEXT NOT NULL,
          source      TEXT,
          sealed      BLOB NOT NULL,
          received_at INTEGER NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS lhsync_held_realm ON lhsync_held (realm, reason)",
        // Where each peer stands per realm, as the running node last knew it (status reads it even when
        // the node is stopped): when they were last in sync, what each side lacked, last contact and error.
        """
        CREATE TABLE IF NOT EXISTS lhsync_peer_status (
          peer           BLOB NOT NULL,
          realm          BLOB NOT NULL,
          last_synced_at INTEGER,
          they_lack      INTEGER NOT NULL,
          we_lack        INTEGER NOT NULL,
          own_seq_synced INTEGER NOT NULL,
          last_contact   INTEGER,
          last_error     TEXT,
          updated_at     INTEGER NOT NULL,
          PRIMARY KEY (peer, realm)) WITHOUT ROWID""",
        // Local changes lh made that cannot sync (no write role, no key yet, a value the node cannot
        // carry): kept visible in `status` and synced by themselves once possible, or discarded by the user.
        """
        CREATE TABLE IF NOT EXISTS lhsync_unsynced (
          realm    BLOB NOT NULL,
          kind     INTEGER NOT NULL,
          entity   TEXT NOT NULL,
          reason   TEXT NOT NULL,
          first_at INTEGER NOT NULL,
          last_at  INTEGER NOT NULL,
          PRIMARY KEY (realm, kind, entity)) WITHOUT ROWID""",
        // Refusals: how many events each source sent that were refused, per realm and reason, with the
        // latest example, so `status` and `log --refused` can show them (nothing vanishes quietly).
        """
        CREATE TABLE IF NOT EXISTS lhsync_refusals (
          source      TEXT NOT NULL,
          realm       BLOB NOT NULL,
          reason      TEXT NOT NULL,
          count       INTEGER NOT NULL,
          first_at    INTEGER NOT NULL,
          last_at     INTEGER NOT NULL,
          last_event  BLOB,
          last_author BLOB,
          last_detail TEXT NOT NULL,
          PRIMARY KEY (source, realm, reason)) WITHOUT ROWID""",
        // Conflicts are derived from the event set and rewritten whenever their entity is re-materialised.
        """
        CREATE TABLE IF NOT EXISTS lhsync_conflicts (
          realm    BLOB NOT NULL,
          kind     INTEGER NOT NULL,
          entity   TEXT NOT NULL,
          field    INTEGER NOT NULL,
          type     TEXT NOT NULL,
          winner   TEXT,
          versions TEXT NOT NULL,
          PRIMARY KEY (realm, kind, entity, field, type))""",
        // Which relations touch a lore, so that a lore arriving after its relations brings them in.
        """
        CREATE TABLE IF NOT EXISTS lhsync_relation_ends (
          lore     TEXT NOT NULL,
          relation TEXT NOT NULL,
          PRIMARY KEY (lore, relation)) WITHOUT ROWID""",
        // Mass deletions captured from lh (e.g. `lh import` in replace mode deleting every lore): many lores of one
        // realm deleted close together. `status` flags them with the undo command; `undo` marks them undone.
        """
        CREATE TABLE IF NOT EXISTS lhsync_mass_deletes (
          realm    BLOB NOT NULL,
          first_at INTEGER NOT NULL,
          last_at  INTEGER NOT NULL,
          lores    INTEGER NOT NULL,
          undone   INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (realm, first_at)) WITHOUT ROWID""",
        """
        CREATE TABLE IF NOT EXISTS lhsync_peers (
          device       BLOB PRIMARY KEY,
          keys         BLOB NOT NULL,
          display_name TEXT NOT NULL,
          paired_at    INTEGER NOT NULL,
          last_address TEXT,
          last_sync_at INTEGER)""",
    };

    private SyncTables() {
    }

    /** Columns added after version 1, as (table, column, declaration): added to older databases in place. */
    private static final String[][] ADDED_COLUMNS = {
        {"lhsync_realms", "joined", "INTEGER NOT NULL DEFAULT 1"},
        {"lhsync_realms", "inviter", "BLOB"},
        {"lhsync_events", "author_seq", "INTEGER"},
        {"lhsync_events", "prev", "BLOB"},
        {"lhsync_events", "auth", "BLOB"},
    };

    /**
     * True if the tables are installed at {@link #SCHEMA_VERSION}, as {@link #install} leaves them,
     * so that a reader can use them without installing anything. Reads only.
     */
    public static boolean isCurrent(Connection connection) throws SQLException {
        if (!NodeObjects.tableExists(connection, "lhsync_meta")) {
            return false;
        }
        try (java.sql.PreparedStatement ps = connection.prepareStatement(
            "SELECT value FROM lhsync_meta WHERE key = 'schema_version'"); java.sql.ResultSet rs = ps.executeQuery()) {
            return rs.next() && Integer.toString(SCHEMA_VERSION).equals(rs.getString(1));
        }
    }

    /**
     * Creates the tables if missing and brings older ones up to {@link #SCHEMA_VERSION}; idempotent.
     * Run inside a write transaction.
     */
    public static void install(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String ddl : DDL) {
                s.execute(ddl);
            }
            for (String[] c : ADDED_COLUMNS) {
                if (!NodeObjects.columnExists(connection, c[0], c[1])) {
                    s.execute("ALTER TABLE " + c[0] + " ADD COLUMN " + c[1] + " " + c[2]);
                }
            }
            s.execute("CREATE INDEX IF NOT EXISTS lhsync_events_chain ON lhsync_events (realm, author, author_seq)");
            s.execute("INSERT INTO lhsync_meta (key, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "') "
                + "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        }
    }
}
