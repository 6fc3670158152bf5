package dev.lorehub.node.core;

import dev.lorehub.node.store.LoreTables;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * The JSON list text of a set field as lh shows it. The merge works on sets (add-wins, observed
 * remove: DESIGN.md §3), but lh stores lists in the order typed, with duplicates and empty
 * strings. So each event also carries the exact text its author's lh stored, and a device shows
 * that text unchanged unless a concurrent edit changed the set: then the author's order is kept
 * for the elements still present (duplicates too), and elements added concurrently follow in
 * sorted order.
 */
final class ListText {
    private ListText() {
    }

    /**
     * The text to store for {@code merged}, given the latest text an author stored (null for
     * events written before texts were carried).
     */
    static String of(String authored, SortedSet<String> merged) {
        if (authored == null) {
            return LoreTables.json(List.copyOf(merged));
        }
        List<String> typed = LoreTables.list(authored);
        Set<String> distinct = new HashSet<>(typed);
        if (distinct.equals(merged)) {
            return authored; // exactly what lh stored on the author's device
        }
        List<String> out = new ArrayList<>();
        for (String s : typed) {
            if (merged.contains(s)) {
                out.add(s);
            }
        }
        for (String s : merged) {
            if (!distinct.contains(s)) {
                out.add(s);
            }
        }
        return LoreTables.json(out);
    }
}
