package dev.lorehub.node.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The port through which the core reads and writes LoreHub's own rows (lores, relations, realms)
 * the way {@code lh} does. The core owns this contract; the store implements it
 * ({@code dev.lorehub.node.store.SqliteLhRows}). Writes happen inside the transaction of
 * {@link NodeStorage#applyingRemote}, so they are never captured as local changes.
 */
public interface LhRows {

    Optional<LoreRow> lore(String id) throws StorageException;

    /** The local realm a lore row belongs to, if the row exists (its other columns are not read). */
    Optional<String> realmOfLore(String id) throws StorageException;

    /** Ids of the lores of a local realm, sorted. */
    List<String> loreIds(String realmId) throws StorageException;

    /** Inserts or updates a lore; returns false if the row already held exactly these values. */
    boolean upsertLore(LoreRow row) throws StorageException;

    /**
     * Writes a lore whose row the caller just read in this transaction: {@code current} is that row as
     * {@link #lore} returned it (null if absent). A new row is inserted; an existing one gets only the
     * columns that differ from {@code current}, so lh's text of the others stays as it is and SQLite
     * rewrites only the index entries of changed columns.
     */
    void writeLore(LoreRow row, LoreRow current) throws StorageException;

    /** Deletes a lore (its relations cascade, as when lh deletes it); returns false if it was absent. */
    boolean deleteLore(String id) throws StorageException;

    Optional<RelationRow> relation(String from, String to, String type) throws StorageException;

    /** Relations that start or end at a lore, as (from, to, type) triples. */
    List<RelationKey> relationKeysOf(String loreId) throws StorageException;

    boolean upsertRelation(RelationRow row) throws StorageException;

    boolean deleteRelation(String from, String to, String type) throws StorageException;

    Optional<RealmRow> realm(String id) throws StorageException;

    Optional<RealmRow> realmByPath(String path) throws StorageException;

    List<RealmRow> realms() throws StorageException;

    /** Creates a realm row as lh would (last_seen and created_at set to {@code now}). */
    void insertRealm(RealmRow row, Instant now) throws StorageException;

    /** Updates the synced columns of a realm row (never its id, path, last_seen or created_at). */
    boolean updateRealmFields(RealmRow row) throws StorageException;
}
