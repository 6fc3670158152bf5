package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EntityChange;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Field;
import dev.lorehub.node.core.SetDelta;
import dev.lorehub.node.core.Stamp;
import dev.lorehub.node.core.TextMerge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * A brute-force reference model of DESIGN.md §3, written from the design text and independently
 * of the node's {@code EntityFold} (no chain labels, no slot arrays, no shared state: sets of
 * ancestors and recursion over the event DAG). From the final union of events of one realm it
 * recomputes, per entity:
 * <ul>
 *   <li>existence: the state at each event is its parents' merged state with its own change applied
 *       (an unauthorised event applies nothing); a merge exists if any of its parents does (an edit
 *       beats a concurrent delete); an entity none of whose events is authorised does not exist;</li>
 *   <li>each last-writer field: the authorised assignment with the greatest (HLC, device id, event id);</li>
 *   <li>each add-wins observed-remove set: an element is present iff some authorised add of it is in
 *       the causal past of no authorised remove of it;</li>
 *   <li>the text fields ({@code content}, {@code why}), concurrent writes included: a merge of several
 *       states takes the writers of the field in (HLC, device, id) order of their events and merges
 *       them three-way one after the other against the state at the best common ancestor (the latest,
 *       in the canonical order — parents first, ties by (HLC, id) — of the events that are ancestors of
 *       all of them); a clean merge is the value, an overlap keeps the latest writer's text;</li>
 * </ul>
 * and compares with what lh shows. The three-way merge of two texts is the library merge the design
 * names (JGit, through {@link TextMerge}); the model checks everything around it: which states are
 * merged, against which base, in which order, and what wins on overlap.
 *
 * <p>A lore's status is a last-writer field like the others: archiving is a change of status,
 * merged field by field with a concurrent content edit (DESIGN.md §3), so an archive and a
 * concurrent edit both survive.
 *
 * <p>Authorisation (whether an author could write at that point) is taken from the node's
 * membership fold (the caller passes it in). Skipped: entities with an event whose parents never
 * arrived.
 */
final class ReferenceOracle {
    /** Whether an event's author could write at that point of the realm's history. */
    @FunctionalInterface
    interface Authorizer {
        boolean authorized(EventId id);
    }

    /** What the model expects of one lore: columns compared exactly (null included), and set columns. */
    record ExpectedLore(String id, boolean exists, Map<String, String> columns, Map<String, Set<String>> sets) {
    }

    /** What the model expects of one relation ("from\nto\ntype"). */
    record ExpectedRelation(String key, boolean exists, Double strength) {
    }

    /** The model's expectations and what it could not decide. */
    record Model(Map<String, ExpectedLore> lores, Map<String, ExpectedRelation> relations, Set<String> skippedIds,
                 int skippedEntities, int checkedFields, int skippedFields, int concurrentTextMerges) {
    }

    private static final Map<Field, String> LAST_WRITER = new LinkedHashMap<>();
    private static final List<Field> TEXT = List.of(Field.CONTENT, Field.WHY);

    static {
        LAST_WRITER.put(Field.TYPE, "type");
        LAST_WRITER.put(Field.CONFIDENCE, "confidence");
        LAST_WRITER.put(Field.ORIGIN, "origin");
        LAST_WRITER.put(Field.CREATED_AT, "created_at");
        LAST_WRITER.put(Field.UPDATED_AT, "updated_at");
    }

    private ReferenceOracle() {
    }

    /** Builds the model of {@code realm} from every event in the catalog. */
    static Model model(EventCatalog catalog, RealmId realm, Authorizer auth) {
        Map<String, ExpectedLore> lores = new LinkedHashMap<>();
        Map<String, ExpectedRelation> relations = new LinkedHashMap<>();
        int skipped = 0;
        int[] fields = new int[3];
        Set<String> skippedIds = new HashSet<>();
        for (String key : catalog.entities(EntityKind.LORE)) {
            History h = History.of(catalog, key, realm, auth);
            if (h == null) {
                skipped++;
                skippedIds.add(EventCatalog.entityOf(key));
                continue;
            }
            if (h.events.isEmpty()) {
                continue; // another realm's lore
            }
            lores.put(h.entity, lore(h, fields));
        }
        for (String key : catalog.entities(EntityKind.RELATION)) {
            History h = History.of(catalog, key, realm, auth);
            if (h == null) {
                skipped++;
                continue;
            }
            if (h.events.isEmpty()) {
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
        return new Model(lores, relations, skippedIds, skipped, fields[0], fields[1], fields[2]);
    }

    private static ExpectedLore lore(History h, int[] fields) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Map.Entry<Field, String> f : LAST_WRITER.entrySet()) {
            EventCatalog.Info w = h.lastWriter(f.getKey());
            if (w != null) {
                columns.put(f.getValue(), Objects.toString(w.change().assignments().get(f.getKey()), null));
                fields[0]++;
            }
        }
        EventCatalog.Info status = h.lastWriter(Field.STATUS);
        columns.put("status", status == null ? "living" : (String) status.change().assignments().get(Field.STATUS));
        fields[0]++;
        State end = h.finalState();
        for (Field text : TEXT) {
            if (end.text.containsKey(text)) {
                columns.put(text.column(), end.text.get(text).value());
                fields[0]++;
            }
        }
        fields[2] += h.concurrentMerges;
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        sets.put("provinces", h.orSet(Field.PROVINCES));
        sets.put("sigils", h.orSet(Field.SIGILS));
        fields[0] += 2;
        // lh cannot show a lore without content, type and origin (its creation was refused, say, and only an
        // edit of it counts): such a lore exists in the history but has no row
        boolean complete = end.text.get(Field.CONTENT) != null && end.text.get(Field.CONTENT).value() != null
            && h.lastWriter(Field.TYPE) != null && h.lastWriter(Field.ORIGIN) != null;
        return new ExpectedLore(h.entity, h.exists() && complete, columns, sets);
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
                if (!Objects.equals(c.getValue(), actual.get(c.getKey()))) {
                    boolean text = c.getKey().equals("content") || c.getKey().equals("why");
                    problems.add(node + ": lore " + e.id() + " " + c.getKey() + " should be '" + c.getValue() + "' ("
                        + (text ? "three-way merge of its history" : "last writer") + ") but lh shows '"
                        + actual.get(c.getKey()) + "'");
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

    /** A text field's value at a point of the history, with the stamp of its write. */
    private record Text(String value, Stamp stamp) {
    }

    /** The state at one event, as far as the model needs it: deleted or not, and the text fields set. */
    private record State(boolean deleted, Map<Field, Text> text) {
        static final State EMPTY = new State(false, Map.of());
    }

    /** One entity's events with their causal structure. */
    private static final class History {
        final String entity;
        final List<EventCatalog.Info> events = new ArrayList<>();
        final Map<EventId, EventCatalog.Info> byId = new HashMap<>();
        final Map<EventId, Set<EventId>> ancestors = new HashMap<>(); // inclusive
        final Set<EventId> authorized = new HashSet<>();
        final Map<EventId, Integer> position = new HashMap<>(); // canonical order
        final Map<EventId, State> states = new HashMap<>();
        int concurrentMerges;

        private History(String entity) {
            this.entity = entity;
        }

        /** Null when the model cannot decide (an event whose parents never arrived). */
        static History of(EventCatalog catalog, String key, RealmId realm, Authorizer auth) {
            History h = new History(EventCatalog.entityOf(key));
            for (EventId id : catalog.eventsOf(key)) {
                EventCatalog.Info e = catalog.get(id);
                if (!e.realm().equals(realm)) {
                    continue;
                }
                h.events.add(e);
                h.byId.put(e.id(), e);
                if (auth.authorized(e.id())) {
                    h.authorized.add(e.id());
                }
            }
            for (EventCatalog.Info e : h.events) {
                if (h.ancestorsOf(e.id()) == null) {
                    return null;
                }
            }
            h.canonicalOrder();
            return h;
        }

        private Set<EventId> ancestorsOf(EventId id) {
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

        /** Parents first; among events whose parents are all placed, the least (HLC, id) next. */
        private void canonicalOrder() {
            Map<EventId, Integer> waiting = new HashMap<>();
            Map<EventId, List<EventId>> children = new HashMap<>();
            PriorityQueue<EventCatalog.Info> ready = new PriorityQueue<>(
                Comparator.comparingLong(EventCatalog.Info::hlc).thenComparing(EventCatalog.Info::id));
            for (EventCatalog.Info e : events) {
                Set<EventId> parents = new HashSet<>(e.change().parents());
                waiting.put(e.id(), parents.size());
                for (EventId p : parents) {
                    children.computeIfAbsent(p, k -> new ArrayList<>()).add(e.id());
                }
                if (parents.isEmpty()) {
                    ready.add(e);
                }
            }
            while (!ready.isEmpty()) {
                EventCatalog.Info e = ready.poll();
                position.put(e.id(), position.size());
                for (EventId c : children.getOrDefault(e.id(), List.of())) {
                    if (waiting.merge(c, -1, Integer::sum) == 0) {
                        ready.add(byId.get(c));
                    }
                }
            }
        }

        private List<EventId> heads() {
            Set<EventId> superseded = new HashSet<>();
            for (EventCatalog.Info e : events) {
                superseded.addAll(e.change().parents());
            }
            List<EventId> heads = new ArrayList<>();
            for (EventCatalog.Info e : events) {
                if (!superseded.contains(e.id())) {
                    heads.add(e.id());
                }
            }
            return heads;
        }

        /** The latest event, in canonical order, that is an ancestor of (or one of) each of {@code of}; null if none. */
        private EventId bestCommonAncestor(List<EventId> of) {
            Set<EventId> common = new HashSet<>(ancestors.get(of.get(0)));
            for (int i = 1; i < of.size(); i++) {
                common.retainAll(ancestors.get(of.get(i)));
            }
            EventId best = null;
            for (EventId c : common) {
                if (best == null || position.get(c) > position.get(best)) {
                    best = c;
                }
            }
            return best;
        }

        private Stamp stamp(EventId id) {
            EventCatalog.Info e = byId.get(id);
            return new Stamp(e.hlc(), e.author(), e.id());
        }

        /** The state after {@code id}: its parents' merged state with its change applied if authorised. */
        State stateAt(EventId id) {
            State known = states.get(id);
            if (known != null) {
                return known;
            }
            // parents first, without deep recursion: visit in canonical order up to this event
            List<EventId> order = new ArrayList<>(ancestors.get(id));
            order.sort(Comparator.comparing(position::get));
            for (EventId x : order) {
                if (states.containsKey(x)) {
                    continue;
                }
                EventCatalog.Info e = byId.get(x);
                List<EventId> parents = new ArrayList<>(new java.util.LinkedHashSet<>(e.change().parents()));
                State base = parents.isEmpty() ? State.EMPTY : parents.size() == 1 ? states.get(parents.get(0))
                    : merge(parents);
                states.put(x, authorized.contains(x) ? apply(base, e) : base);
            }
            return states.get(id);
        }

        private State apply(State base, EventCatalog.Info e) {
            Map<Field, Text> text = new HashMap<>(base.text());
            for (Field f : TEXT) {
                if (e.change().assignments().containsKey(f)) {
                    text.put(f, new Text((String) e.change().assignments().get(f), stamp(e.id())));
                }
            }
            return new State(e.change().deleted(), text);
        }

        /** Merges the states at several events against their best common ancestor's. */
        private State merge(List<EventId> of) {
            List<EventId> sorted = new ArrayList<>(of);
            sorted.sort(Comparator.comparing(this::stamp));
            EventId baseEvent = bestCommonAncestor(sorted);
            State base = baseEvent == null ? State.EMPTY : stateAt(baseEvent);
            boolean deleted = true;
            for (EventId x : sorted) {
                deleted &= stateAt(x).deleted();
            }
            Map<Field, Text> text = new HashMap<>();
            for (Field f : TEXT) {
                List<Text> writers = new ArrayList<>();
                for (EventId x : sorted) {
                    Text t = stateAt(x).text().get(f);
                    if (t != null) {
                        writers.add(t);
                    }
                }
                if (writers.isEmpty()) {
                    continue;
                }
                Text b = base.text().get(f);
                String baseText = b == null || b.value() == null ? "" : b.value();
                String acc = null;
                boolean conflict = false;
                boolean anyNull = false;
                Stamp newest = null;
                for (Text w : writers) {
                    anyNull |= w.value() == null;
                    newest = newest == null || w.stamp().compareTo(newest) > 0 ? w.stamp() : newest;
                }
                for (Text w : writers) {
                    String t = w.value() == null ? "" : w.value();
                    if (acc == null) {
                        acc = t;
                        continue;
                    }
                    if (!t.equals(acc)) {
                        concurrentMerges++;
                    }
                    TextMerge.Result r = TextMerge.merge(baseText, acc, t);
                    if (r.conflict()) {
                        conflict = true;
                        break;
                    }
                    acc = r.merged();
                }
                if (!conflict) {
                    text.put(f, new Text(acc.isEmpty() && anyNull ? null : acc, newest));
                } else {
                    Text winner = writers.get(0);
                    for (Text w : writers) {
                        if (w.stamp().compareTo(winner.stamp()) > 0) {
                            winner = w;
                        }
                    }
                    text.put(f, winner);
                }
            }
            return new State(deleted, text);
        }

        /** The entity's state: its one head's, or the merge of its heads. */
        State finalState() {
            List<EventId> heads = heads();
            return heads.size() == 1 ? stateAt(heads.get(0)) : merge(heads);
        }

        boolean exists() {
            if (events.isEmpty() || authorized.isEmpty()) {
                return false;
            }
            return !finalState().deleted();
        }

        /** The authorised assignment of {@code f} with the greatest (HLC, author, id), or null. */
        EventCatalog.Info lastWriter(Field f) {
            EventCatalog.Info best = null;
            for (EventCatalog.Info e : events) {
                if (!authorized.contains(e.id()) || !e.change().assignments().containsKey(f)) {
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

        /** Add-wins observed-remove set: present iff some authorised add is in the causal past of no authorised remove. */
        Set<String> orSet(Field f) {
            Map<String, List<EventId>> adds = new LinkedHashMap<>();
            Map<String, List<EventId>> removes = new HashMap<>();
            for (EventCatalog.Info e : events) {
                SetDelta d = e.change().sets().get(f);
                if (d == null || !authorized.contains(e.id())) {
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
