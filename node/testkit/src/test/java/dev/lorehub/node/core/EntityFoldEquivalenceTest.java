package dev.lorehub.node.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linear-memory {@link EntityFold} gives exactly the results of the quadratic fold it replaced
 * ({@link QuadraticEntityFold}, kept verbatim as the oracle) on random histories of every shape
 * ({@link RandomEntityHistory}), with each ancestry method: the production choice, the chain labels
 * with no budget, and the bitset fallback (histories above 64 events span several of its blocks).
 */
class EntityFoldEquivalenceTest {

    @Property(tries = 1500)
    void smallHistoriesFoldLikeTheOracle(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int size) {
        List<FoldEvent> events = RandomEntityHistory.generate(seed, size);
        collect(events);
        assertSameAsOracle(events);
    }

    @Property(tries = 150)
    void largerHistoriesFoldLikeTheOracle(@ForAll long seed, @ForAll @IntRange(min = 40, max = 400) int size) {
        List<FoldEvent> events = RandomEntityHistory.generate(seed, size);
        collect(events);
        assertSameAsOracle(events);
    }

    @Test
    void wideFanMergedOneRootAtATimeExhaustsTheChainBudgetAndStillFoldsLikeTheOracle() {
        // 1500 concurrent creations (1500 chains), merged into one line a root at a time: each merge's
        // label grows by one entry, so label work is quadratic and the fold must fall back to bitsets
        List<FoldEvent> events = new ArrayList<>();
        Random rnd = new Random(7);
        int roots = 1500;
        for (int i = 0; i < roots; i++) {
            events.add(event("root" + i, 10 + rnd.nextInt(5), List.of(), Map.of(Field.CONTENT, "w" + i + " base text"),
                i % 3 == 0 ? Field.SIGILS : null, "s" + (i % 7), true));
        }
        EventId last = events.get(0).id();
        for (int i = 1; i < roots; i++) {
            FoldEvent m = event("merge" + i, 100 + i, List.of(last, events.get(i).id()),
                Map.of(Field.CONFIDENCE, (long) i), i % 5 == 0 ? Field.SIGILS : null, "s" + (i % 7), false);
            events.add(m);
            last = m.id();
        }
        Collections.shuffle(events, rnd);
        assertThat(methodFor(events)).isEqualTo(Ancestry.Method.BITSETS);
        assertSameAsOracle(events);
    }

    @Test
    void manyHeadsOverAWideMergeExhaustTheChainMemoryBudgetAndStillFoldLikeTheOracle() {
        // 100 concurrent creations merged by one event, which then gets 100 concurrent children: each
        // child is a head holding a 101-entry label, more label entries than the memory budget allows
        List<FoldEvent> events = new ArrayList<>();
        List<EventId> roots = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            FoldEvent r = event("wide-root" + i, 10 + i % 4, List.of(), Map.of(Field.CONTENT, "r" + i), Field.SIGILS, "s" + i % 5, true);
            events.add(r);
            roots.add(r.id());
        }
        FoldEvent merge = event("wide-merge", 50, roots, Map.of(Field.CONTENT, "merged"), null, null, true);
        events.add(merge);
        for (int i = 0; i < 100; i++) {
            events.add(event("wide-child" + i, 60 + i % 7, List.of(merge.id()), Map.of(Field.CONTENT, "merged " + i),
                Field.SIGILS, "s" + i % 5, i % 2 == 0));
        }
        Collections.shuffle(events, new Random(3));
        assertThat(methodFor(events)).isEqualTo(Ancestry.Method.BITSETS);
        assertSameAsOracle(events);
    }

    /**
     * An archive on one branch merged with edits on others: the archive survives every merge
     * (archiving is a change of status, last writer wins), exactly as in the map-based fold.
     */
    @Test
    void anArchiveMergedWithConcurrentEditsFoldsLikeTheOracle() {
        FoldEvent root = lore("root", 10, List.of(), Map.of(Field.CONTENT, "a b c"));
        FoldEvent living = lore("living", 20, List.of(root.id()), Map.of(Field.STATUS, "living"));
        FoldEvent edit = lore("edit", 25, List.of(root.id()), Map.of(Field.CONTENT, "a b c d"));
        FoldEvent archive = lore("archive", 30, List.of(living.id()), Map.of(Field.STATUS, "archived"));
        FoldEvent merge = lore("merge", 35, List.of(edit.id(), archive.id()), Map.of(Field.CONTENT, "a b c d e"));
        FoldEvent archiveAgain = lore("archiveAgain", 40, List.of(living.id()), Map.of(Field.STATUS, "archived"));
        FoldEvent later = lore("later", 45, List.of(merge.id(), archiveAgain.id()), Map.of(Field.CONTENT, "a b c d e f"));
        FoldEvent dormant = lore("dormant", 15, List.of(root.id()), Map.of(Field.STATUS, "dormant"));
        List<FoldEvent> twoHeads = List.of(root, living, edit, archive, merge, archiveAgain);
        assertSameAsOracle(twoHeads);
        assertThat(EntityFold.fold(EntityKind.LORE, RandomEntityHistory.LORE, twoHeads).values())
            .containsEntry(Field.STATUS, "archived").containsEntry(Field.CONTENT, "a b c d e");
        assertSameAsOracle(List.of(root, living, edit, archive, merge, archiveAgain, later, dormant));
    }

    private static FoldEvent lore(String name, long hlc, List<EventId> parents, Map<Field, Object> values) {
        EntityChange c = new EntityChange(EntityKind.LORE, RandomEntityHistory.LORE, false, parents, new TreeMap<>(values),
            new TreeMap<>());
        return new FoldEvent(EventId.of(name.getBytes(StandardCharsets.UTF_8)), hlc, RandomEntityHistory.device(1), c, true);
    }

    @Test
    void aLongHistoryOfShortBranchesStaysOnTheChainMethod() {
        List<FoldEvent> events = FoldHistories.lore(20_000, 11);
        assertThat(methodFor(events)).isEqualTo(Ancestry.Method.CHAINS);
    }

    static Ancestry.Method methodFor(List<FoldEvent> events) {
        CausalOrder order = CausalOrder.of(RandomEntityHistory.kindOf(events), RandomEntityHistory.idOf(events), events);
        return Ancestry.of(order, SetOperations.of(order), Ancestry.Strategy.AUTO).method();
    }

    private static FoldEvent event(String name, long hlc, List<EventId> parents, Map<Field, Object> values, Field set,
                                   String element, boolean add) {
        TreeMap<Field, SetDelta> sets = new TreeMap<>();
        if (set != null) {
            TreeSet<String> one = new TreeSet<>(List.of(element));
            sets.put(set, add ? new SetDelta(one, new TreeSet<>()) : new SetDelta(new TreeSet<>(), one));
        }
        EntityChange c = new EntityChange(EntityKind.LORE, RandomEntityHistory.LORE, false, parents, new TreeMap<>(values), sets);
        return new FoldEvent(EventId.of(name.getBytes(StandardCharsets.UTF_8)), hlc, RandomEntityHistory.device(1 + (int) (hlc % 3)),
            c, true);
    }

    /** What the generated histories covered (printed by jqwik for each property). */
    private static void collect(List<FoldEvent> events) {
        EntityState s = QuadraticEntityFold.fold(RandomEntityHistory.kindOf(events), RandomEntityHistory.idOf(events), events);
        Statistics.label("kind").collect(RandomEntityHistory.kindOf(events));
        Statistics.label("ready share").collect(events.isEmpty() ? "none" : s.pendingEvents() * 4 < events.size() ? "over 3/4"
            : s.pendingEvents() * 2 < events.size() ? "1/2 to 3/4" : "under 1/2");
        Statistics.label("presence").collect(s.presence());
        Statistics.label("heads").collect(s.heads().size() <= 1 ? "one or none" : "several");
        Statistics.label("pending").collect(s.pendingEvents() > 0);
        Statistics.label("set elements").collect(s.sets().values().stream().mapToInt(java.util.Set::size).sum() > 0);
        for (Conflict.Type t : Conflict.Type.values()) {
            Statistics.label("conflict " + t).collect(s.conflicts().stream().anyMatch(c -> c.type() == t));
        }
    }

    static void assertSameAsOracle(List<FoldEvent> events) {
        EntityKind kind = RandomEntityHistory.kindOf(events);
        String id = RandomEntityHistory.idOf(events);
        EntityState expected = QuadraticEntityFold.fold(kind, id, events);
        for (Ancestry.Strategy strategy : Ancestry.Strategy.values()) {
            EntityState actual = EntityFold.fold(kind, id, events, strategy);
            String as = "strategy " + strategy;
            assertThat(actual.presence()).as(as + ": presence").isEqualTo(expected.presence());
            assertThat(actual.values()).as(as + ": values").isEqualTo(expected.values());
            assertThat(actual.sets()).as(as + ": sets").isEqualTo(expected.sets());
            assertThat(actual.heads()).as(as + ": heads").isEqualTo(expected.heads());
            assertThat(actual.pendingEvents()).as(as + ": pending").isEqualTo(expected.pendingEvents());
            assertThat(actual.conflicts()).as(as + ": conflicts").isEqualTo(expected.conflicts());
            assertThat(actual.latestHlc()).as(as + ": latest HLC").isEqualTo(expected.latestHlc());
            assertThat(actual).as(as).isEqualTo(expected);
        }
    }
}
