package dev.lorehub.node.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The set-field operations of an entity's authorised events, in canonical order, with each
 * (field, element) pair numbered so that ancestry queries work on ints. An unauthorised event's
 * adds and removes are not operations (it keeps its place in the history but changes nothing).
 */
final class SetOperations {
    private final int[] event;
    private final int[] element;
    private final boolean[] add;
    private final Field[] elementField;
    private final String[] elementValue;

    private SetOperations(int[] event, int[] element, boolean[] add, Field[] elementField, String[] elementValue) {
        this.event = event;
        this.element = element;
        this.add = add;
        this.elementField = elementField;
        this.elementValue = elementValue;
    }

    static SetOperations of(CausalOrder order) {
        int count = 0;
        for (int i = 0; i < order.size(); i++) {
            FoldEvent e = order.event(i);
            if (e.authorized() && !e.change().sets().isEmpty()) {
                for (SetDelta d : e.change().sets().values()) {
                    count += d.adds().size() + d.removes().size();
                }
            }
        }
        int[] event = new int[count];
        int[] element = new int[count];
        boolean[] add = new boolean[count];
        Map<Field, Map<String, Integer>> ids = new EnumMap<>(Field.class);
        Field[] fields = new Field[count];
        String[] values = new String[count];
        int k = 0;
        int elements = 0;
        for (int i = 0; i < order.size(); i++) {
            FoldEvent e = order.event(i);
            if (!e.authorized() || e.change().sets().isEmpty()) {
                continue;
            }
            for (Map.Entry<Field, SetDelta> d : e.change().sets().entrySet()) {
                Map<String, Integer> fieldIds = ids.computeIfAbsent(d.getKey(), f -> new HashMap<>());
                for (int pass = 0; pass < 2; pass++) {
                    for (String v : pass == 0 ? d.getValue().adds() : d.getValue().removes()) {
                        Integer id = fieldIds.get(v);
                        if (id == null) {
                            id = elements++;
                            fieldIds.put(v, id);
                            fields[id] = d.getKey();
                            values[id] = v;
                        }
                        event[k] = i;
                        element[k] = id;
                        add[k] = pass == 0;
                        k++;
                    }
                }
            }
        }
        return new SetOperations(event, element, add, java.util.Arrays.copyOf(fields, elements),
            java.util.Arrays.copyOf(values, elements));
    }

    /** Number of operations. */
    int size() {
        return event.length;
    }

    /** The position of the event making operation {@code k}; non-decreasing in {@code k}. */
    int event(int k) {
        return event[k];
    }

    /** The element operation {@code k} adds or removes. */
    int element(int k) {
        return element[k];
    }

    boolean isAdd(int k) {
        return add[k];
    }

    /** Number of distinct (field, element) pairs. */
    int elements() {
        return elementField.length;
    }

    /**
     * The set fields given which elements survive: every field some authorised event added to is
     * present (possibly empty), as the add-wins observed-remove set of DESIGN.md §3.
     */
    SortedMap<Field, SortedSet<String>> materialise(boolean[] present) {
        TreeMap<Field, TreeSet<String>> sets = new TreeMap<>();
        for (int k = 0; k < event.length; k++) {
            if (add[k]) {
                sets.computeIfAbsent(elementField[element[k]], f -> new TreeSet<>());
            }
        }
        for (int e = 0; e < elementField.length; e++) {
            if (present[e]) {
                sets.get(elementField[e]).add(elementValue[e]);
            }
        }
        SortedMap<Field, SortedSet<String>> result = new TreeMap<>();
        sets.forEach((f, s) -> result.put(f, Collections.unmodifiableSortedSet(s)));
        return Collections.unmodifiableSortedMap(result);
    }
}
