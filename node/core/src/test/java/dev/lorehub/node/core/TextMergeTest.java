package dev.lorehub.node.core;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TextMergeTest {

    @Test
    void editsOfDifferentWordsInOneLineMergeCleanly() {
        TextMerge.Result r = TextMerge.merge(
            "Use the retry helper for every HTTP call",
            "Use the backoff helper for every HTTP call",
            "Use the retry helper for every outbound HTTP call");
        assertThat(r.conflict()).isFalse();
        assertThat(r.merged()).isEqualTo("Use the backoff helper for every outbound HTTP call");
    }

    @Test
    void overlappingEditsConflict() {
        TextMerge.Result r = TextMerge.merge("limit is 10", "limit is 20", "limit is 30");
        assertThat(r.conflict()).isTrue();
        assertThat(r.merged()).isNull();
    }

    @Test
    void identicalChangesOnBothSidesAreClean() {
        TextMerge.Result r = TextMerge.merge("a b c", "a x c", "a x c");
        assertThat(r).isEqualTo(new TextMerge.Result("a x c", false));
    }

    @Test
    void oneSidedChangeWins() {
        assertThat(TextMerge.merge("base", "base", "theirs").merged()).isEqualTo("theirs");
        assertThat(TextMerge.merge("base", "ours", "base").merged()).isEqualTo("ours");
    }

    @Test
    void punctuationAndUnicodeSurviveTokenisation() {
        TextMerge.Result r = TextMerge.merge("Größe: 5, Farbe: rot.", "Größe: 6, Farbe: rot.", "Größe: 5, Farbe: blau.");
        assertThat(r.merged()).isEqualTo("Größe: 6, Farbe: blau.");
    }

    /** Oracle: base is a list of distinct words; each side replaces a disjoint, non-adjacent set of them. */
    @Property(tries = 300)
    void disjointWordEditsAlwaysMergeToTheUnionOfEdits(@ForAll @IntRange(min = 4, max = 60) int words,
                                                       @ForAll long seed) {
        Random rnd = new Random(seed);
        List<String> base = new ArrayList<>();
        for (int i = 0; i < words; i++) {
            base.add("w" + i);
        }
        List<String> ours = new ArrayList<>(base);
        List<String> theirs = new ArrayList<>(base);
        List<String> expected = new ArrayList<>(base);
        for (int i = 0; i < words; i++) {
            int pick = rnd.nextInt(6);
            // only every third word may change so that edits on the two sides never touch
            if (i % 3 == 0 && pick == 0) {
                ours.set(i, "o" + i);
                expected.set(i, "o" + i);
            } else if (i % 3 == 0 && pick == 1) {
                theirs.set(i, "t" + i);
                expected.set(i, "t" + i);
            }
        }
        TextMerge.Result r = TextMerge.merge(String.join(" ", base), String.join(" ", ours), String.join(" ", theirs));
        assertThat(r.conflict()).isFalse();
        assertThat(r.merged()).isEqualTo(String.join(" ", expected));
    }

    @Property(tries = 200)
    void mergeIsSymmetricInOutcome(@ForAll("texts") String base, @ForAll("texts") String a, @ForAll("texts") String b) {
        TextMerge.Result ab = TextMerge.merge(base, a, b);
        TextMerge.Result ba = TextMerge.merge(base, b, a);
        assertThat(ab.conflict()).isEqualTo(ba.conflict());
        if (!ab.conflict()) {
            assertThat(ab.merged()).isEqualTo(ba.merged());
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> texts() {
        return net.jqwik.api.Arbitraries.of("alpha", "beta", "gamma", "delta", " ", ",", "x")
            .list().ofMaxSize(8).map(l -> String.join(" ", l));
    }
}
