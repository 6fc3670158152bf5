package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

import java.util.Comparator;

/**
 * When and by whom a value was written: the order of last-writer-wins. Latest HLC wins; a tie
 * goes to the larger device id (DESIGN.md §3) and, for one device's own tie, the larger event id,
 * so the order is total.
 */
public record Stamp(long hlc, DeviceId author, EventId event) implements Comparable<Stamp> {
    private static final Comparator<Stamp> ORDER = Comparator.comparingLong(Stamp::hlc)
        .thenComparing(Stamp::author)
        .thenComparing(Stamp::event);

    @Override
    public int compareTo(Stamp o) {
        return ORDER.compare(this, o);
    }
}
