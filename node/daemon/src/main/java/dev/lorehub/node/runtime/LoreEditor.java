package dev.lorehub.node.runtime;

import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.LoreRow;
import dev.lorehub.node.store.LoreTables;
import dev.lorehub.node.store.RealmRow;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes lores the way lh writes them (LOREHUB_SCHEMA.md), for users without lh: UUID ids, ISO
 * timestamps, JSON lists, every value validated first. The writes go through lh's tables like any
 * other program's, so the node's triggers capture them and a running daemon syncs them.
 */
public final class LoreEditor {
    /** Lore types lh accepts. */
    public static final Set<String> TYPES = Set.of("decree", "wisdom", "belief", "constraint", "requirement", "risk", "quest",
        "saga", "story", "anomaly", "other");
    /** Statuses lh accepts. */
    public static final Set<String> STATUSES = Set.of("living", "ancient", "whispered", "proclaimed", "archived");

    private final LoreHubDatabase db;
    private final LoreTables tables;

    public LoreEditor(LoreHubDatabase db) {
        this.db = db;
        this.tables = new LoreTables(db.connection());
    }

    /** The realm whose path is {@code directory}, creating it as lh would (named after the directory) if missing. */
    public RealmRow realmFor(Path directory, boolean create) {
        String path = directory.toAbsolutePath().normalize().toString();
        try {
            Optional<RealmRow> found = tables.realmByPath(path);
            if (found.isPresent() || !create) {
                return found.orElseThrow(() -> new NodeException("No realm for " + path + ": run `lh` there once, "
                    + "or add a lore there with `lorehub-node lore add` to create it.", NodeException.Reason.REFUSED));
            }
            String name = directory.getFileName() == null ? path : directory.getFileName().toString();
            RealmRow row = new RealmRow(UUID.randomUUID().toString(), name, path, null, false, List.of());
            db.runInTransaction(c -> tables.insertRealm(row, Instant.now()));
            return row;
        } catch (SQLException e) {
            throw new NodeException("Cannot read realms from " + db.file() + ": " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    /**
     * Checks a new lore's values without writing anything, so that a caller can refuse bad input
     * before creating the realm it would go to.
     *
     * @throws NodeException ({@link NodeException.Reason#USAGE}) saying what is wrong
     */
    public static void validateNew(String content, String type, int confidence) {
        check(content, type, confidence, "living");
    }

    /** Adds a lore; returns its id. */
    public String add(String realmId, String content, String why, String type, List<String> sigils, List<String> provinces,
                      int confidence) {
        check(content, type, confidence, "living");
        String id = UUID.randomUUID().toString();
        String now = LoreTables.iso(Instant.now());
        LoreRow row = new LoreRow(id, realmId, content, why, type, provinces, sigils, confidence,
            "{\"type\":\"manual\",\"reference\":\"lorehub-node\"}", "living", now, now);
        write(row);
        return id;
    }

    /** Replaces a lore's editable fields; null leaves a field as it is. */
    public LoreRow edit(String id, String content, String why, String type, List<String> sigils, Integer confidence,
                        String status) {
        LoreRow old = get(id);
        LoreRow row = new LoreRow(id, old.realmId(), content != null ? content : old.content(), why != null ? why : old.why(),
            type != null ? type : old.type(), old.provinces(), sigils != null ? sigils : old.sigils(),
            confidence != null ? confidence : old.confidence(), old.origin(), status != null ? status : old.status(),
            old.createdAt(), LoreTables.iso(Instant.now()));
        check(row.content(), row.type(), row.confidence(), row.status());
        write(row);
        return row;
    }

    /** Deletes a lore (its relations go with it, as in lh). */
    public void remove(String id) {
        get(id);
        try {
            db.runInTransaction(c -> tables.deleteLore(id));
        } catch (SQLException e) {
            throw new NodeException("Cannot delete lore " + id + ": " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    /** A lore by id, or by a unique prefix of its id. */
    public LoreRow get(String idOrPrefix) {
        try {
            Optional<LoreRow> exact = tables.lore(idOrPrefix);
            if (exact.isPresent()) {
                return exact.get();
            }
            List<LoreRow> matches = new ArrayList<>();
            for (RealmRow realm : tables.realms()) {
                for (String id : tables.loreIds(realm.id())) {
                    if (id.startsWith(idOrPrefix)) {
                        matches.add(tables.lore(id).orElseThrow());
                    }
                }
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
            throw new NodeException(matches.isEmpty() ? "No lore with id " + idOrPrefix + ": see `lorehub-node lore list`."
                : "Lore id prefix " + idOrPrefix + " matches " + matches.size() + " lores: give more of the id.",
                NodeException.Reason.REFUSED);
        } catch (SQLException e) {
            throw new NodeException("Cannot read lores: " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    /** The lores of a realm, by creation time. */
    public List<LoreRow> list(String realmId) {
        try {
            List<LoreRow> out = new ArrayList<>();
            for (String id : tables.loreIds(realmId)) {
                out.add(tables.lore(id).orElseThrow());
            }
            out.sort(java.util.Comparator.comparing(LoreRow::createdAt).thenComparing(LoreRow::id));
            return out;
        } catch (SQLException e) {
            throw new NodeException("Cannot read lores: " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    private void write(LoreRow row) {
        try {
            db.runInTransaction(c -> tables.writeLore(row));
        } catch (SQLException e) {
            throw new NodeException("Cannot write lore " + row.id() + ": " + e.getMessage(), NodeException.Reason.INTERNAL);
        }
    }

    private static void check(String content, String type, long confidence, String status) {
        if (content == null || content.isBlank()) {
            throw new NodeException("A lore needs content.", NodeException.Reason.USAGE);
        }
        if (!TYPES.contains(type)) {
            throw new NodeException("Unknown lore type '" + type + "': use one of " + String.join(", ", new java.util.TreeSet<>(TYPES))
                + ".", NodeException.Reason.USAGE);
        }
        if (confidence < 0 || confidence > 100) {
            throw new NodeException("Confidence must be within 0..100, got " + confidence + ".", NodeException.Reason.USAGE);
        }
        if (!STATUSES.contains(status)) {
            throw new NodeException("Unknown status '" + status + "': use one of " + String.join(", ",
                new java.util.TreeSet<>(STATUSES)) + ".", NodeException.Reason.USAGE);
        }
    }
}
