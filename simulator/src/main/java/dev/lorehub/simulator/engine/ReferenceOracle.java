package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.SetDelta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A brute-force reference model of DESIGN.md §3, written from the design text and independently
 * of the node's {@code EntityFold}: from the final union of events it recomputes, per entity,
 * whether it exists (deleted only if every head is a delete), each last-writer field (the
 * assignment with the greatest (HLC, device id, event id)), each add-wins observed-remove set (an
 * element is present iff some add of it is in the causal past of no remove of it), and text
 * fields only where their writes were not concurrent; then compares with what lh shows.
 *
 * <p>A lore's status is a last-writer field like the others: archiving is a change of status,
 * merged field by field with a concurrent content edit (DESIGN.md §3), so an archive and a
 * concurrent edit both survive.
 *
 * <p>Authorisation (whether an author could write at that point) is taken from the node's
 * membership fold; entities with any unauthorised event are skipped.
 */
final class ReferenceOracle {
    /** Whether an author could write at that point of the realm's history. */
    @FunctionalInterface
    interface Authorizer {
        boolean canWrite(DeviceId author, long hlc, EventId id);
    }

    /** What the model expects of one lore. */
    record ExpectedLore(String id, boolean exists, Map<String, String> columns, Map<String, Set<String>> sets) {
    }

    /** What the model expects of one relation ("from\nto\ntype"). */
    record ExpectedRelation(String key, boolean exists, Double strength) {
    }

    /** The model's expectations and what it could not decide. */
    record Model(Map<String, ExpectedLore> lores, Map<String, ExpectedRelation> relations, Set<String> skippedIds,
                 int skippedEntities, int checkedFields, int skippedFields) {
    }

    private static final Map<Field, String> LAST_WRITER = new LinkedHashMap<>();

    static {
        LAST_WRITER.put(Field.TYPE, "type");
        LAST_WRITER.put(Field.CONFIDENCE, "confidence");
        LAST_WRITER.put(Field.ORIGIN, "origin");
        LAST_WRITER.put(Field.CREATED_AT, "created_at");
        LAST_WRITER.put(Field.UPDATED_AT, "updated_at");
    }

    private ReferenceOracle() {
    }

    /** Builds the model from every event in the catalog. */
    static Model model(EventCatalog catalog, Authorizer auth) {
        Map<String, ExpectedLore> lores = new LinkedHashMap<>();
        Map<String, ExpectedRelation> relations = new LinkedHashMap<>();
        int skipped = 0;
        int[] fields = new int[2];
        Set<String> skippedIds = new HashSet<>();
        for (String key : catalog.entities(EntityKind.LORE)) {
            History h = History.of(catalog, key, auth);
            if (h == null) {
                skipped++;
                skippedIds.add(EventCatalog.entityOf(key));
                continue;
            }
            lores.put(h.entity, lore(h, fields));
        }
        for (String key : catalog.entities(EntityKind.RELATION)) {
            History h = History.of(catalog, key, auth);
            if (h == null) {
                skipped++;
                continue;
            }
            String[] k = EntityChange.relationKey(h.entity);
            ExpectedLore from = lores.get(k[0]);
            ExpectedLore to = lores.get(k[1]);
            if (from == null || to == null) {
                skipped++;
                continue; // an end the model could not decide
            }
            boolean exists = h.exists() && from.exists() && to.exists() && !k[0].equals(k[1]);
            EventCatalog.Info w = h.lastWriter(Field.RELATION_STRENGTH);
            Double strength = w == null ? 1.0 : (Double) w.change().assignments().get(Field.RELATION_STRENGTH);
            relations.put(h.entity, new ExpectedRelation(h.entity, exists, strength));
            fields[0]++;
        }
        return new Model(lores, relations, skippedIds, skipped, fields[0], fields[1]);
    }

    private static ExpectedLore lore(History h, int[] fields) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Map.Entry<Field, String> f : LAST_WRITER.entrySet()) {
            EventCatalog.Info w = h.lastWriter(f.getKey());
            columns.put(f.getValue(), w == null ? null : Objects.toString(w.change().assignments().get(f.getKey()), null));
            fields[0]++;
        }
        EventCatalog.Info status = h.lastWriter(Field.STATUS);
        columns.put("status", status == null ? "living" : (String) status.change().assignments().get(Field.STATUS));
        fields[0]++;
        for (Field text : List.of(Field.CONTENT, Field.WHY)) {
            if (h.writesConcurrent(text)) {
                fields[1]++;
                continue;
            }
            EventCatalog.Info w = h.lastWriter(text);
            columns.put(text.column(), w == null ? null : (String) w.change().assignments().get(text));
            fields[0]++;
        }
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        sets.put("provinces", h.orSet(Field.PROVINCES));
        sets.put("sigils", h.orSet(Field.SIGILS));
        fields[0] += 2;
        return new ExpectedLore(h.entity, h.exists(), columns, sets);
    }

    /** Compares one node's lh rows with the model; returns the first disagreements (at most a few). */
    static List<String> compare(Model model, String node, Map<String, String[]> loreRows, Map<String, String> relationRows) {
        List<String> problems = new ArrayList<>();
        for (ExpectedLore e : model.lores().values()) {
            String[] row = loreRows.get(e.id());
            if (e.exists() != (row != null)) {
                problems.add(node + ": lore " + e.id() + (e.exists() ? " should exist (a head is not a delete) but lh does not show it"
                    : " was deleted (every head is a delete) but lh shows it"));
                continue;
            }
            if (row == null) {
                continue;
            }
            // row: content, why, type, provinces, sigils, confidence, origin, status, created_at, updated_at
            Map<String, String> actual = new HashMap<>();
            actual.put("content", row[0]);
            actual.put("why", row[1]);
            actual.put("type", row[2]);
            actual.put("confidence", row[5]);
            actual.put("origin", row[6]);
            actual.put("status", row[7]);
            actual.put("created_at", row[8]);
            actual.put("updated_at", row[9]);
            for (Map.Entry<String, String> c : e.columns().entrySet()) {
                if (c.getValue() != null && !Objects.equals(c.getValue(), actual.get(c.getKey()))) {
                    problems.add(node + ": lore " + e.id() + " " + c.getKey() + " should be '" + c.getValue()
                        + "' (last writer) but lh shows '" + actual.get(c.getKey()) + "'");
                }
            }
            Map<String, String> setColumns = Map.of("provinces", row[3], "sigils", row[4]);
            for (Map.Entry<String, Set<String>> s : e.sets().entrySet()) {
                Set<String> shown = new TreeSet<>(LhClient.parseList(setColumns.get(s.getKey())));
                if (!shown.equals(s.getValue())) {
                    problems.add(node + ": lore " + e.id() + " " + s.getKey() + " should be " + s.getValue()
                        + " (add-wins observed-remove set) but lh shows " + shown);
                }
            }
            if (problems.size() > 5) {
                return problems;
            }
        }
        for (String id : loreRows.keySet()) {
            if (!model.lores().containsKey(id) && !model.skippedIds().contains(id)) {
                problems.add(node + ": lh shows lore " + id + " that no event created");
            }
        }
        for (ExpectedRelation r : model.relations().values()) {
            String shown = relationRows.get(r.key());
            if (r.exists() != (shown != null)) {
                problems.add(node + ": relation " + r.key().replace('\n', ' ') + (r.exists() ? " should exist but lh does not show it"
                    : " should be gone (deleted, or an end deleted) but lh shows it"));
            } else if (shown != null && Double.parseDouble(shown) != r.strength()) {
                problems.add(node + ": relation " + r.key().replace('\n', ' ') + " strength should be " + r.strength()
                    + " but lh shows " + shown);
            }
        }
        return problems;
    }

    /** One entity's events with their causal structure. */
    private static final class History {
        final String entity;
        final List<EventCatalog.Info> events = new ArrayList<>();
        final Map<EventId, Set<EventId>> ancestors = new HashMap<>(); // inclusive

        private History(String entity) {
            this.entity = entity;
        }

        /** Null when the model cannot decide (an unauthorised or missing event). */
        static History of(EventCatalog catalog, String key, Authorizer auth) {
            History h = new History(EventCatalog.entityOf(key));
            for (EventId id : catalog.eventsOf(key)) {
                EventCatalog.Info e = catalog.get(id);
                if (!auth.canWrite(e.author(), e.hlc(), e.id())) {
                    return null;
                }
                h.events.add(e);
            }
            Map<EventId, EventCatalog.Info> byId = new HashMap<>();
            for (EventCatalog.Info e : h.events) {
                byId.put(e.id(), e);
            }
            for (EventCatalog.Info e : h.events) {
                if (h.ancestorsOf(e.id(), byId) == null) {
                    return null;
                }
            }
            return h;
        }

        private Set<EventId> ancestorsOf(EventId id, Map<EventId, EventCatalog.Info> byId) {
            Set<EventId> done = ancestors.get(id);
            if (done != null) {
                return done;
            }
            // iterative DFS: histories can be long chains
            Set<EventId> acc = new HashSet<>();
            List<EventId> stack = new ArrayList<>();
            stack.add(id);
            while (!stack.isEmpty()) {
                EventId x = stack.remove(stack.size() - 1);
                if (!acc.add(x)) {
                    continue;
                }
                EventCatalog.Info e = byId.get(x);
                if (e == null) {
                    return null; // a parent never seen
                }
                stack.addAll(e.change().parents());
            }
            ancestors.put(id, acc);
            return acc;
        }

        boolean exists() {
            Set<EventId> superseded = new HashSet<>();
            for (EventCatalog.Info e : events) {
                superseded.addAll(e.change().parents());
            }
            boolean any = false;
            for (EventCatalog.Info e : events) {
                if (!superseded.contains(e.id())) {
                    any = true;
                    if (!e.change().deleted()) {
                        return true;
                    }
                }
            }
            return !any;
        }

        /** The assignment of {@code f} with the greatest (HLC, author, id), or null. */
        EventCatalog.Info lastWriter(Field f) {
            EventCatalog.Info best = null;
            for (EventCatalog.Info e : events) {
                if (!e.change().assignments().containsKey(f)) {
                    continue;
                }
                if (best == null || later(e, best)) {
                    best = e;
                }
            }
            return best;
        }

        private static boolean later(EventCatalog.Info x, EventCatalog.Info y) {
            if (x.hlc() != y.hlc()) {
                return x.hlc() > y.hlc();
            }
            int c = x.author().compareTo(y.author());
            if (c != 0) {
                return c > 0;
            }
            return x.id().compareTo(y.id()) > 0;
        }

        boolean related(EventId x, EventId y) {
            return ancestors.get(y).contains(x) || ancestors.get(x).contains(y);
        }

        /** True if two writes of {@code f} were concurrent (neither saw the other). */
        boolean writesConcurrent(Field f) {
            List<EventId> writes = new ArrayList<>();
            for (EventCatalog.Info e : events) {
                if (e.change().assignments().containsKey(f)) {
                    writes.add(e.id());
                }
            }
            for (int i = 0; i < writes.size(); i++) {
                for (int j = i + 1; j < writes.size(); j++) {
                    if (!related(writes.get(i), writes.get(j))) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Add-wins observed-remove set: present iff some add is in the causal past of no remove. */
        Set<String> orSet(Field f) {
            Map<String, List<EventId>> adds = new LinkedHashMap<>();
            Map<String, List<EventId>> removes = new HashMap<>();
            for (EventCatalog.Info e : events) {
                SetDelta d = e.change().sets().get(f);
                if (d == null) {
                    continue;
                }
                d.adds().forEach(x -> adds.computeIfAbsent(x, k -> new ArrayList<>()).add(e.id()));
                d.removes().forEach(x -> removes.computeIfAbsent(x, k -> new ArrayList<>()).add(e.id()));
            }
            Set<String> present = new TreeSet<>();
            for (Map.Entry<String, List<EventId>> el : adds.entrySet()) {
                List<EventId> rs = removes.getOrDefault(el.getKey(), List.of());
                for (EventId add : el.getValue()) {
                    boolean observed = false;
                    for (EventId r : rs) {
                        if (ancestors.get(r).contains(add)) {
                            observed = true;
                            break;
                        }
                    }
                    if (!observed) {
                        present.add(el.getKey());
                        break;
                    }
                }
            }
            return present;
        }
    }
}
