package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Compares lh's tables with the fold of the event log, realm by realm (for {@code lorehub-node
 * doctor}): what the materializer would write is computed and set beside what is there. Entities
 * with changes lh made that are not events yet (captured but not processed, or recorded as
 * unsynced) are left out: their rows are lh's newer truth, not damage.
 */
final class TableAudit {
    private final ReplicaContext ctx;
    private final Materializer materializer;
    private final CaptureQueue capture;

    TableAudit(ReplicaContext ctx, Materializer materializer, CaptureQueue capture) {
        this.ctx = ctx;
        this.materializer = materializer;
        this.capture = capture;
    }

    /** Every divergence in the mapped realms, realms first, then lores, then relations. */
    List<Replica.Divergence> run() throws StorageException {
        Set<String> changedByLh = changedByLh();
        List<Replica.Divergence> out = new ArrayList<>();
        for (RealmId realm : ctx.realms().keySet().stream().sorted().toList()) {
            String local = ctx.localRealmId(realm);
            LogRows.SyncedRealmRow row = ctx.realm(realm).orElseThrow();
            if (local == null || !row.joined()) {
                continue;
            }
            Optional<RealmRow> localRow = ctx.tables().realm(local);
            if (localRow.isEmpty()) {
                out.add(new Replica.Divergence(realm, EntityKind.REALM, realm.toString(), Replica.Divergence.Kind.MISSING,
                    "the local realm row " + local + " this realm is mapped to is gone (its lores went with it)"));
                continue;
            }
            Set<String> lores = new LinkedHashSet<>();
            Set<String> relations = new LinkedHashSet<>();
            ctx.events().forEachAuthorship(realm, (kind, entity, author, hlc, id, seq, auth) -> {
                if (kind == EntityKind.LORE) {
                    lores.add(entity);
                } else if (kind == EntityKind.RELATION) {
                    relations.add(entity);
                }
            });
            realmFields(realm, localRow.get(), out);
            for (String lore : lores) {
                if (!changedByLh.contains(key(EntityKind.LORE, lore))) {
                    lore(realm, local, lore, out);
                }
            }
            for (String relation : relations) {
                if (!changedByLh.contains(key(EntityKind.RELATION, relation))) {
                    relation(realm, local, relation, out);
                }
            }
            for (String id : ctx.tables().loreIds(local)) {
                if (!lores.contains(id) && !changedByLh.contains(key(EntityKind.LORE, id))) {
                    out.add(new Replica.Divergence(realm, EntityKind.LORE, id, Replica.Divergence.Kind.NEVER_SYNCED,
                        "in lh's tables only: no event ever recorded it (made while change capture was off?)"));
                }
            }
        }
        return out;
    }

    private static String key(EntityKind kind, String entity) {
        return kind.code() + "\u0000" + entity;
    }

    /**
     * Entities whose row is lh's newer truth, not damage: lh deleted them (a captured delete not
     * processed yet), or changed them and the change is captured or recorded as unsynced while the
     * row is there. A captured insert or update whose row is gone is still damage.
     */
    private Set<String> changedByLh() throws StorageException {
        Set<String> out = new HashSet<>();
        if (capture.exists()) {
            java.util.Map<String, Character> last = new java.util.HashMap<>();
            for (CapturedChange c : capture.pending(Integer.MAX_VALUE)) {
                switch (c.table()) {
                    case CapturedChange.LORES -> last.put(key(EntityKind.LORE, c.id()), c.op());
                    case CapturedChange.LORE_RELATIONS -> last.put(key(EntityKind.RELATION,
                        new RelationKey(c.id(), c.id2(), c.id3()).entityId()), c.op());
                    default -> {
                    }
                }
            }
            for (java.util.Map.Entry<String, Character> e : last.entrySet()) {
                String[] k = e.getKey().split("\u0000", 2);
                boolean rowThere = Integer.parseInt(k[0]) == EntityKind.LORE.code() ? ctx.tables().lore(k[1]).isPresent()
                    : relationRowThere(k[1]);
                if (e.getValue() == CapturedChange.DELETE || rowThere) {
                    out.add(e.getKey());
                }
            }
        }
        for (LogRows.UnsyncedRow u : ctx.events().unsynced()) {
            out.add(u.kind().code() + "\u0000" + u.entity());
        }
        return out;
    }

    private boolean relationRowThere(String relation) throws StorageException {
        RelationKey key = RelationKey.of(relation);
        return ctx.tables().relation(key.from(), key.to(), key.type()).isPresent();
    }

    private void realmFields(RealmId realm, RealmRow row, List<Replica.Divergence> out) throws StorageException {
        EntityState s = materializer.fold(realm, EntityKind.REALM, realm.toString());
        if (!s.isLive()) {
            return;
        }
        List<String> differ = new ArrayList<>();
        if (s.value(Field.REALM_NAME) != null && !s.value(Field.REALM_NAME).equals(row.name())) {
            differ.add("name");
        }
        if (s.values().containsKey(Field.REALM_GIT_REMOTE) && !Objects.equals(s.value(Field.REALM_GIT_REMOTE), row.gitRemote())) {
            differ.add("git_remote");
        }
        if (s.value(Field.REALM_IS_MONOREPO) != null && !s.value(Field.REALM_IS_MONOREPO).equals(row.monorepo())) {
            differ.add("is_monorepo");
        }
        if (!new HashSet<>(row.provinces()).equals(s.set(Field.REALM_PROVINCES))) {
            differ.add("provinces");
        }
        if (!differ.isEmpty()) {
            out.add(new Replica.Divergence(realm, EntityKind.REALM, realm.toString(), Replica.Divergence.Kind.DIFFERS,
                String.join(", ", differ)));
        }
    }

    private void lore(RealmId realm, String local, String lore, List<Replica.Divergence> out) throws StorageException {
        EntityState s = materializer.fold(realm, EntityKind.LORE, lore);
        LoreRow expected = s.isLive() ? Materializer.loreRow(local, s) : null;
        Optional<LoreRow> actual = ctx.tables().lore(lore);
        if (actual.isPresent() && !actual.get().realmId().equals(local)) {
            return; // lh moved it to another realm: that move is lh's to capture
        }
        if (expected != null && actual.isEmpty()) {
            out.add(new Replica.Divergence(realm, EntityKind.LORE, lore, Replica.Divergence.Kind.MISSING, preview(expected)));
        } else if (expected == null && actual.isPresent()) {
            out.add(new Replica.Divergence(realm, EntityKind.LORE, lore, Replica.Divergence.Kind.STALE,
                "deleted in the synced history: " + preview(actual.get())));
        } else if (expected != null && !expected.equals(actual.get())) {
            out.add(new Replica.Divergence(realm, EntityKind.LORE, lore, Replica.Divergence.Kind.DIFFERS,
                String.join(", ", columns(expected, actual.get()))));
        }
    }

    private static String preview(LoreRow row) {
        String c = row.content() == null ? "" : row.content();
        return "\"" + (c.length() > 60 ? c.substring(0, 57) + "..." : c) + "\"";
    }

    private static List<String> columns(LoreRow a, LoreRow b) {
        List<String> out = new ArrayList<>();
        check(out, "content", a.content(), b.content());
        check(out, "why", a.why(), b.why());
        check(out, "type", a.type(), b.type());
        check(out, "provinces", a.provincesJson(), b.provincesJson());
        check(out, "sigils", a.sigilsJson(), b.sigilsJson());
        check(out, "confidence", a.confidence(), b.confidence());
        check(out, "origin", a.origin(), b.origin());
        check(out, "status", a.status(), b.status());
        check(out, "created_at", a.createdAt(), b.createdAt());
        check(out, "updated_at", a.updatedAt(), b.updatedAt());
        return out;
    }

    private static void check(List<String> out, String column, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            out.add(column);
        }
    }

    private void relation(RealmId realm, String local, String relation, List<Replica.Divergence> out) throws StorageException {
        RelationKey key = RelationKey.of(relation);
        EntityState s = materializer.fold(realm, EntityKind.RELATION, relation);
        boolean endsLive = !key.from().equals(key.to()) && liveIn(key.from(), local) && liveIn(key.to(), local);
        Optional<RelationRow> actual = ctx.tables().relation(key.from(), key.to(), key.type());
        if (s.isLive() && endsLive && actual.isEmpty()) {
            out.add(new Replica.Divergence(realm, EntityKind.RELATION, relation, Replica.Divergence.Kind.MISSING, key.type()));
        } else if (!s.isLive() && actual.isPresent()) {
            out.add(new Replica.Divergence(realm, EntityKind.RELATION, relation, Replica.Divergence.Kind.STALE, key.type()));
        } else if (s.isLive() && actual.isPresent()) {
            Object strength = s.value(Field.RELATION_STRENGTH);
            double expected = strength == null ? 1.0 : (Double) strength;
            if (expected != actual.get().strength()
                || !Objects.equals(s.value(Field.RELATION_METADATA), actual.get().metadata())) {
                out.add(new Replica.Divergence(realm, EntityKind.RELATION, relation, Replica.Divergence.Kind.DIFFERS,
                    "strength or metadata"));
            }
        }
    }

    private boolean liveIn(String lore, String local) throws StorageException {
        // a relation shows when both ends are live in the synced history (rebuilt rows come back with them)
        Optional<RealmId> realm = ctx.syncedRealmOf(local);
        if (realm.isEmpty()) {
            return false;
        }
        EntityState s = materializer.fold(realm.get(), EntityKind.LORE, lore);
        return s.isLive() && Materializer.loreRow(local, s) != null;
    }
}
