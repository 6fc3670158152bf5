package dev.lorehub.node.core;

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
            return json(List.copyOf(merged));
        }
        List<String> typed = parse(authored);
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
        return json(out);
    }

    /** Parses lh's JSON array text; anything that is not a JSON array of strings reads as empty. */
    static List<String> parse(String json) {
        return dev.lorehub.node.json.JsonStringList.parse(json);
    }

    /** JSON array text as lh writes it ({@code JSON.stringify}: compact, in the order given). */
    static String json(List<String> values) {
        try {
            return dev.lorehub.node.json.Json.MAPPER.writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot stringify " + values, e);
        }
    }
}
