package dev.lorehub.node.runtime;

import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.core.LoreRow;
import dev.lorehub.node.store.LoreTables;
import dev.lorehub.node.store.LoreWriter;
import dev.lorehub.node.core.RealmRow;
import dev.lorehub.node.store.TransactionAction;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code lore} commands' editor, for users without lh: every value validated first (unlike lh,
 * which stores what it is given), then written as lh writes it by {@link LoreWriter}, each change in
 * one transaction. The writes go through lh's tables like any other program's, so the node's
 * triggers capture them and a running daemon syncs them. Its lores' origin names the node:
 * {@code {"type":"manual","reference":"lorehub-node"}}.
 */
public final class LoreEditor {
    /** Lore types lh accepts. */
    public static final Set<String> TYPES = Set.of("decree", "wisdom", "belief", "constraint", "requirement", "risk", "quest",
        "saga", "story", "anomaly", "other");
    /** Statuses lh accepts. */
    public static final Set<String> STATUSES = Set.of("living", "ancient", "whispered", "proclaimed", "archived");

    private final LoreHubDatabase db;
    private final LoreTables tables;
    private final LoreWriter writer;

    /** The origin of a lore added here; made when one is added (writing it takes the shared mapper, which listing never needs). */
    private static String origin() {
        return LoreWriter.manualOrigin("lorehub-node");
    }

    public LoreEditor(LoreHubDatabase db) {
        this.db = db;
        this.tables = new LoreTables(db.connection());
        this.writer = new LoreWriter(db.connection());
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
            RealmRow row = new RealmRow(LoreWriter.newId(), name, path, null, false, List.of());
            db.runInTransaction(c -> writer.insertRealm(row.id(), row.name(), row.path(), row.gitRemote(), Instant.now()));
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
        check(content, type, confidence, LoreWriter.DEFAULT_STATUS);
        String id = LoreWriter.newId();
        Instant now = Instant.now();
        write(id, c -> writer.insertLore(id, realmId, content, why, type, provinces, sigils, confidence, origin(),
            LoreWriter.DEFAULT_STATUS, now));
        return id;
    }

    /**
     * Changes a lore's editable fields; null leaves a field as it is. As lh's {@code updateLore}, only
     * the given columns and {@code updated_at} are written. Returns the lore as it now is.
     */
    public LoreRow edit(String id, String content, String why, String type, List<String> sigils, Integer confidence,
                        String status) {
        LoreRow old = get(id);
        Instant now = Instant.now();
        LoreRow row = new LoreRow(old.id(), old.realmId(), content != null ? content : old.content(),
            why != null ? why : old.why(), type != null ? type : old.type(), old.provinces(),
            sigils != null ? sigils : old.sigils(), confidence != null ? confidence : old.confidence(), old.origin(),
            status != null ? status : old.status(), old.createdAt(), LoreTables.iso(now));
        check(row.content(), row.type(), row.confidence(), row.status());
        Map<String, Object> changes = new LinkedHashMap<>();
        putIfGiven(changes, "content", content);
        putIfGiven(changes, "why", why);
        putIfGiven(changes, "type", type);
        putIfGiven(changes, "sigils", sigils);
        putIfGiven(changes, "confidence", confidence);
        putIfGiven(changes, "status", status);
        write(old.id(), c -> writer.updateLore(old.id(), changes, now));
        return row;
    }

    private static void putIfGiven(Map<String, Object> changes, String column, Object value) {
        if (value != null) {
            changes.put(column, value);
        }
    }

    /** Deletes a lore (its relations go with it, as in lh). */
    public void remove(String id) {
        get(id);
        try {
            db.runInTransaction(c -> writer.deleteLore(id));
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

    /** A write of lore {@code id}, in its own transaction. */
    private void write(String id, TransactionAction<SQLException> write) {
        try {
            db.runInTransaction(write);
        } catch (SQLException e) {
            throw new NodeException("Cannot write lore " + id + ": " + e.getMessage(), NodeException.Reason.INTERNAL);
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
