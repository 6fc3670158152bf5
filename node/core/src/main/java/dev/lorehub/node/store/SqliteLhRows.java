package dev.lorehub.node.store;

import dev.lorehub.node.core.RealmRow;

import dev.lorehub.node.core.RelationRow;

import dev.lorehub.node.core.LoreRow;

import dev.lorehub.node.core.LhRows;
import dev.lorehub.node.core.RelationKey;
import dev.lorehub.node.core.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The core's {@link LhRows} on SQLite: {@link LoreTables} with its failures translated to {@link StorageException}. */
public final class SqliteLhRows implements LhRows {
    private final LoreTables tables;

    public SqliteLhRows(LoreTables tables) {
        this.tables = tables;
    }

    @Override
    public Optional<LoreRow> lore(String id) throws StorageException {
        return SqlCalls.call(() -> tables.lore(id));
    }

    @Override
    public Optional<String> realmOfLore(String id) throws StorageException {
        return SqlCalls.call(() -> tables.realmOfLore(id));
    }

    @Override
    public List<String> loreIds(String realmId) throws StorageException {
        return SqlCalls.call(() -> tables.loreIds(realmId));
    }

    @Override
    public boolean upsertLore(LoreRow row) throws StorageException {
        return SqlCalls.call(() -> tables.upsertLore(row));
    }

    @Override
    public void writeLore(LoreRow row, LoreRow current) throws StorageException {
        SqlCalls.run(() -> tables.writeLore(row, current));
    }

    @Override
    public boolean deleteLore(String id) throws StorageException {
        return SqlCalls.call(() -> tables.deleteLore(id));
    }

    @Override
    public Optional<RelationRow> relation(String from, String to, String type) throws StorageException {
        return SqlCalls.call(() -> tables.relation(from, to, type));
    }

    @Override
    public List<RelationKey> relationKeysOf(String loreId) throws StorageException {
        return SqlCalls.call(() -> tables.relationKeysOf(loreId));
    }

    @Override
    public boolean upsertRelation(RelationRow row) throws StorageException {
        return SqlCalls.call(() -> tables.upsertRelation(row));
    }

    @Override
    public boolean deleteRelation(String from, String to, String type) throws StorageException {
        return SqlCalls.call(() -> tables.deleteRelation(from, to, type));
    }

    @Override
    public Optional<RealmRow> realm(String id) throws StorageException {
        return SqlCalls.call(() -> tables.realm(id));
    }

    @Override
    public Optional<RealmRow> realmByPath(String path) throws StorageException {
        return SqlCalls.call(() -> tables.realmByPath(path));
    }

    @Override
    public List<RealmRow> realms() throws StorageException {
        return SqlCalls.call(() -> tables.realms());
    }

    @Override
    public void insertRealm(RealmRow row, Instant now) throws StorageException {
        SqlCalls.run(() -> tables.insertRealm(row, now));
    }

    @Override
    public boolean updateRealmFields(RealmRow row) throws StorageException {
        return SqlCalls.call(() -> tables.updateRealmFields(row));
    }
}
