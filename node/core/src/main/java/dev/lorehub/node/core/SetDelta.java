package dev.lorehub.node.core;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The change an event makes to a set-valued field: elements it adds and elements it removes.
 * A remove applies to the adds the author had seen (its causal past); a concurrent add survives.
 */
public record SetDelta(SortedSet<String> adds, SortedSet<String> removes) {
    public SetDelta {
        adds = Collections.unmodifiableSortedSet(new TreeSet<>(adds));
        removes = Collections.unmodifiableSortedSet(new TreeSet<>(removes));
        for (String a : adds) {
            if (removes.contains(a)) {
                throw new IllegalArgumentException("an element cannot be added and removed by one event: " + a);
            }
        }
    }

    /** True if the delta changes nothing. */
    public boolean isEmpty() {
        return adds.isEmpty() && removes.isEmpty();
    }

    /** The delta that turns {@code before} into {@code after}. */
    public static SetDelta between(java.util.Set<String> before, java.util.Set<String> after) {
        TreeSet<String> adds = new TreeSet<>(after);
        adds.removeAll(before);
        TreeSet<String> removes = new TreeSet<>(before);
        removes.removeAll(after);
        return new SetDelta(adds, removes);
    }
}
