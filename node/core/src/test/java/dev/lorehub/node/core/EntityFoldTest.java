package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class EntityFoldTest {
    static final String LORE = "5f0c7a4e-1d2b-4c3a-9e8f-0a1b2c3d4e5f";

    static DeviceId device(int n) {
        byte[] key = ByteBuffer.allocate(32).putInt(n).array();
        return DeviceId.ofPublicKey(key);
    }

    /** Builds events with content-derived ids, the way sealing would. */
    static final class History {
        final Map<EventId, FoldEvent> all = new LinkedHashMap<>();
        int counter;

        FoldEvent add(DeviceId author, long hlc, List<EventId> parents, boolean deleted,
                      Map<Field, Object> values, Map<Field, SetDelta> sets) {
            EntityChange c = new EntityChange(EntityKind.LORE, LORE, deleted, parents, new TreeMap<>(values), new TreeMap<>(sets));
            byte[] seed = (author + "/" + hlc + "/" + (counter++)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            FoldEvent e = new FoldEvent(EventId.of(seed), hlc, author, c, true);
            all.put(e.id(), e);
            return e;
        }
    }

    static EntityState fold(java.util.Collection<FoldEvent> events) {
        return EntityFold.fold(EntityKind.LORE, LORE, events);
    }

    static Map<Field, Object> content(String text) {
        return Map.of(Field.CONTENT, text, Field.TYPE, "wisdom", Field.ORIGIN, "{\"type\":\"manual\"}");
    }

    static Map<Field, Object> with(Map<Field, Object> values, Field f, Object v) {
        Map<Field, Object> m = new HashMap<>(values);
        m.put(f, v);
        return m;
    }

    @Test
    void concurrentNonOverlappingEditsMergeWithoutConflict() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, content("alpha beta gamma"), Map.of());
        FoldEvent a = h.add(device(1), 20, List.of(create.id()), false, Map.of(Field.CONTENT, "ALPHA beta gamma"), Map.of());
        FoldEvent b = h.add(device(2), 21, List.of(create.id()), false, Map.of(Field.CONTENT, "alpha beta GAMMA"), Map.of());
        EntityState s = fold(h.all.values());
        assertThat(s.value(Field.CONTENT)).isEqualTo("ALPHA beta GAMMA");
        assertThat(s.conflicts()).isEmpty();
        assertThat(s.heads()).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void overlappingEditsKeepTheLatestWriterAndRecordEveryVersion() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, content("limit is 10"), Map.of());
        h.add(device(1), 20, List.of(create.id()), false, Map.of(Field.CONTENT, "limit is 20"), Map.of());
        h.add(device(2), 30, List.of(create.id()), false, Map.of(Field.CONTENT, "limit is 30"), Map.of());
        EntityState s = fold(h.all.values());
        assertThat(s.value(Field.CONTENT)).isEqualTo("limit is 30");
        assertThat(s.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(Conflict.Type.TEXT);
            assertThat(c.versions()).extracting(Conflict.Version::value).containsExactly("limit is 20", "limit is 30");
        });
    }

    @Test
    void hlcTieGoesToTheLargerDeviceId() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, with(content("x"), Field.CONFIDENCE, 50L), Map.of());
        DeviceId d2 = device(2);
        DeviceId d3 = device(3);
        h.add(d2, 20, List.of(create.id()), false, Map.of(Field.CONFIDENCE, 60L), Map.of());
        h.add(d3, 20, List.of(create.id()), false, Map.of(Field.CONFIDENCE, 70L), Map.of());
        long expected = d2.compareTo(d3) > 0 ? 60L : 70L;
        assertThat(fold(h.all.values()).value(Field.CONFIDENCE)).isEqualTo(expected);
    }

    @Test
    void deleteRacingAnEditKeepsTheEditAndRecordsAConflict() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, content("keep me"), Map.of());
        FoldEvent delete = h.add(device(1), 20, List.of(create.id()), true, Map.of(), Map.of());
        FoldEvent edit = h.add(device(2), 15, List.of(create.id()), false, Map.of(Field.CONTENT, "keep me, edited"), Map.of());
        EntityState s = fold(h.all.values());
        assertThat(s.presence()).isEqualTo(EntityState.Presence.LIVE);
        assertThat(s.value(Field.CONTENT)).isEqualTo("keep me, edited");
        assertThat(s.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(Conflict.Type.DELETE_VS_EDIT);
            assertThat(c.versions()).extracting(Conflict.Version::event).containsExactly(edit.id(), delete.id());
            Conflict.Version edited = c.versions().get(0);
            assertThat(edited.deleted()).isFalse();
            assertThat(edited.value()).as("the edit side shows what it holds, not null").isInstanceOf(Map.class);
            @SuppressWarnings("unchecked")
            Map<Field, Object> fields = (Map<Field, Object>) edited.value();
            assertThat(fields).containsEntry(Field.CONTENT, "keep me, edited").containsEntry(Field.TYPE, "wisdom");
            assertThat(c.versions().get(1).deleted()).isTrue();
            assertThat(c.versions().get(1).value()).isNull();
        });
    }

    @Test
    void aDeleteThatSawEveryEditDeletes() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, content("bye"), Map.of());
        FoldEvent edit = h.add(device(2), 15, List.of(create.id()), false, Map.of(Field.CONTENT, "bye!"), Map.of());
        h.add(device(1), 20, List.of(edit.id()), true, Map.of(), Map.of());
        assertThat(fold(h.all.values()).presence()).isEqualTo(EntityState.Presence.DELETED);
    }

    /** DESIGN.md §3: archiving is a change of status, merged field by field with a concurrent content edit. */
    @Test
    void anArchiveAndAConcurrentContentEditAreBothKept() {
        for (long archivedAt : new long[] {30, 15}) { // the archive after, and before, the edit
            History h = new History();
            FoldEvent create = h.add(device(1), 10, List.of(), false, with(content("old"), Field.STATUS, "living"), Map.of());
            h.add(device(1), archivedAt, List.of(create.id()), false, Map.of(Field.STATUS, "archived"), Map.of());
            h.add(device(2), 20, List.of(create.id()), false, Map.of(Field.CONTENT, "new"), Map.of());
            EntityState s = fold(h.all.values());
            assertThat(s.value(Field.STATUS)).as("archived at %d", archivedAt).isEqualTo("archived");
            assertThat(s.value(Field.CONTENT)).isEqualTo("new");
            assertThat(s.conflicts()).isEmpty();
        }
    }

    @Test
    void concurrentStatusChangesAreLastWriterWins() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, with(content("old"), Field.STATUS, "living"), Map.of());
        h.add(device(1), 20, List.of(create.id()), false, Map.of(Field.STATUS, "archived"), Map.of());
        h.add(device(2), 30, List.of(create.id()), false, Map.of(Field.STATUS, "proclaimed", Field.CONTENT, "new"), Map.of());
        EntityState s = fold(h.all.values());
        assertThat(s.value(Field.STATUS)).isEqualTo("proclaimed");
        assertThat(s.value(Field.CONTENT)).isEqualTo("new");
        assertThat(s.conflicts()).isEmpty();
    }

    @Test
    void concurrentAddBeatsRemoveButASeenRemoveSticks() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, content("x"),
            Map.of(Field.SIGILS, new SetDelta(new TreeSet<>(Set.of("a", "b")), new TreeSet<>())));
        // device 1 removes b; device 2, concurrently, removes a and re-adds b
        h.add(device(1), 20, List.of(create.id()), false, Map.of(),
            Map.of(Field.SIGILS, new SetDelta(new TreeSet<>(), new TreeSet<>(Set.of("b")))));
        h.add(device(2), 21, List.of(create.id()), false, Map.of(),
            Map.of(Field.SIGILS, new SetDelta(new TreeSet<>(Set.of("b", "c")), new TreeSet<>(Set.of("a")))));
        assertThat(fold(h.all.values()).set(Field.SIGILS)).containsExactly("b", "c");
    }

    @Test
    void anEventWaitsForItsParentAndUnauthorisedEventsChangeNothing() {
        History h = new History();
        FoldEvent create = h.add(device(1), 10, List.of(), false, content("v1"), Map.of());
        FoldEvent edit = h.add(device(1), 20, List.of(create.id()), false, Map.of(Field.CONTENT, "v2"), Map.of());
        EntityState early = fold(List.of(edit));
        assertThat(early.presence()).isEqualTo(EntityState.Presence.ABSENT);
        assertThat(early.pendingEvents()).isEqualTo(1);

        FoldEvent rogue = new FoldEvent(EventId.of(new byte[] {9}), 30, device(9),
            new EntityChange(EntityKind.LORE, LORE, false, List.of(edit.id()), new TreeMap<>(Map.of(Field.CONTENT, "pwned")),
                new TreeMap<>()), false);
        EntityState s = fold(List.of(rogue, edit, create));
        assertThat(s.value(Field.CONTENT)).isEqualTo("v2");
        assertThat(s.heads()).containsExactly(rogue.id());
    }

    /**
     * Random histories from 3 devices that edit one lore and gossip their views. Checks: the fold
     * ignores order and duplicates; set fields equal an operational observed-remove set run by the
     * devices themselves; last-writer fields equal the latest of the writes no later write saw;
     * presence follows the heads.
     */
    @Property(tries = 300)
    void foldMatchesOraclesInAnyOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int steps) {
        Random rnd = new Random(seed);
        History h = new History();
        DeviceId[] devices = {device(1), device(2), device(3)};
        List<Set<EventId>> views = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
        long[] clocks = new long[3];
        // operational OR-set state per device: element -> live tags; tombstones
        List<Map<String, Set<EventId>>> orset = List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());
        List<Set<EventId>> tombstones = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());

        FoldEvent create = h.add(devices[0], ++clocks[0], List.of(), false, content("w0 w1 w2 w3"),
            Map.of(Field.SIGILS, new SetDelta(new TreeSet<>(Set.of("s0")), new TreeSet<>())));
        views.get(0).add(create.id());
        orset.get(0).computeIfAbsent("s0", k -> new HashSet<>()).add(create.id());
        for (int step = 0; step < steps; step++) {
            int d = rnd.nextInt(3);
            if (rnd.nextInt(3) == 0) { // gossip: d learns everything another device knows
                int from = rnd.nextInt(3);
                views.get(d).addAll(views.get(from));
                for (EventId id : views.get(from)) {
                    clocks[d] = Math.max(clocks[d], h.all.get(id).hlc());
                }
                orset.get(from).forEach((el, tags) -> orset.get(d).computeIfAbsent(el, k -> new HashSet<>()).addAll(tags));
                tombstones.get(d).addAll(tombstones.get(from));
                orset.get(d).values().forEach(tags -> tags.removeAll(tombstones.get(d)));
                continue;
            }
            if (views.get(d).isEmpty()) {
                continue;
            }
            List<FoldEvent> known = views.get(d).stream().map(h.all::get).toList();
            List<EventId> heads = fold(known).heads();
            Map<Field, Object> values = new HashMap<>();
            Map<Field, SetDelta> sets = new HashMap<>();
            boolean delete = rnd.nextInt(8) == 0;
            String el = "s" + rnd.nextInt(4);
            boolean addEl = false;
            boolean removeEl = false;
            if (!delete) {
                switch (rnd.nextInt(3)) {
                    case 0 -> values.put(Field.CONFIDENCE, (long) rnd.nextInt(101));
                    case 1 -> values.put(Field.CONTENT, "w0 w1 w2 w3".replace("w" + rnd.nextInt(4), "d" + d + "_" + step));
                    default -> {
                        boolean present = orset.get(d).getOrDefault(el, Set.of()).stream().anyMatch(t -> true);
                        if (present) {
                            sets.put(Field.SIGILS, new SetDelta(new TreeSet<>(), new TreeSet<>(Set.of(el))));
                            removeEl = true;
                        } else {
                            sets.put(Field.SIGILS, new SetDelta(new TreeSet<>(Set.of(el)), new TreeSet<>()));
                            addEl = true;
                        }
                    }
                }
            }
            FoldEvent e = h.add(devices[d], ++clocks[d], heads, delete, values, sets);
            views.get(d).add(e.id());
            if (addEl) {
                orset.get(d).computeIfAbsent(el, k -> new HashSet<>()).add(e.id());
            }
            if (removeEl) {
                Set<EventId> tags = orset.get(d).remove(el);
                tombstones.get(d).addAll(tags);
            }
        }
        List<FoldEvent> events = new ArrayList<>(h.all.values());
        EntityState expected = fold(events);

        // order and duplicates do not matter
        List<FoldEvent> shuffled = new ArrayList<>(events);
        shuffled.addAll(events.subList(0, rnd.nextInt(events.size() + 1)));
        Collections.shuffle(shuffled, rnd);
        assertThat(fold(shuffled)).isEqualTo(expected);

        // observed-remove set oracle: union of every device's live tags minus every tombstone
        Set<EventId> allTombstones = new HashSet<>();
        tombstones.forEach(allTombstones::addAll);
        TreeSet<String> oracleSet = new TreeSet<>();
        for (Map<String, Set<EventId>> state : orset) {
            state.forEach((element, tags) -> {
                if (tags.stream().anyMatch(t -> !allTombstones.contains(t))) {
                    oracleSet.add(element);
                }
            });
        }
        if (expected.isLive()) {
            assertThat(expected.set(Field.SIGILS)).isEqualTo(oracleSet);
            // last-writer oracle: among writes of confidence that no later write saw, the latest stamp
            SortedMap<Stamp, Object> maximal = new TreeMap<>();
            for (FoldEvent w : events) {
                if (!w.change().assignments().containsKey(Field.CONFIDENCE)) {
                    continue;
                }
                boolean superseded = events.stream().anyMatch(o -> o != w
                    && o.change().assignments().containsKey(Field.CONFIDENCE) && isAncestor(h, w.id(), o));
                if (!superseded) {
                    maximal.put(w.stamp(), w.change().assignments().get(Field.CONFIDENCE));
                }
            }
            assertThat(expected.value(Field.CONFIDENCE)).isEqualTo(maximal.isEmpty() ? null : maximal.get(maximal.lastKey()));
        }
        // presence oracle: deleted only if every head is a delete
        boolean allHeadsDeleted = expected.heads().stream().allMatch(id -> h.all.get(id).change().deleted());
        assertThat(expected.presence()).isEqualTo(allHeadsDeleted ? EntityState.Presence.DELETED : EntityState.Presence.LIVE);
    }

    private static boolean isAncestor(History h, EventId ancestor, FoldEvent of) {
        List<EventId> stack = new ArrayList<>(of.change().parents());
        Set<EventId> seen = new HashSet<>();
        while (!stack.isEmpty()) {
            EventId p = stack.remove(stack.size() - 1);
            if (p.equals(ancestor)) {
                return true;
            }
            if (seen.add(p)) {
                stack.addAll(h.all.get(p).change().parents());
            }
        }
        return false;
    }
}
