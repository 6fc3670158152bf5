package dev.lorehub.node.core;

import java.util.List;

/**
 * Where an event stands in its realm's causal history, signed with it (DESIGN.md §3, "Authority
 * is causal"): the membership heads its author had applied, and its place in its author's own
 * chain of events in the realm.
 *
 * <p>{@code auth} decides authority: whether the author could write or administer is read from
 * the membership state those heads describe, never from a timestamp. For a membership event the
 * same list is its parents in the membership DAG.
 *
 * <p>{@code seq} and {@code prev} chain every event one device writes in one realm (1, 2, 3 ...,
 * each naming the one before): a removal names the last event of the removed device its author
 * had seen, and exactly that event and its predecessors in the chain stay valid. A forged event
 * that forks the chain, or one written later, is not on it, whatever it claims.
 *
 * @param auth membership heads the author had applied, sorted, at most {@link #MAX_AUTH}; empty only for a GENESIS
 * @param seq  1-based position in the author's chain of events in this realm; 0 for {@link #LEGACY} and {@link #UNSTAMPED}
 * @param prev the author's previous event in this realm; null exactly when {@code seq <= 1}
 */
public record Causality(List<EventId> auth, long seq, EventId prev) {
    /** Most membership heads an event may cite: bounds the work of checking one event. */
    public static final int MAX_AUTH = 16;
    /** A body written by an older release (format 1), which carried no causal history. */
    public static final Causality LEGACY = new Causality(List.of(), 0, null);
    /** A body not yet stamped by its author's {@code EventWriter}. */
    public static final Causality UNSTAMPED = LEGACY;

    public Causality {
        auth = List.copyOf(auth.stream().sorted().distinct().toList());
        if (auth.size() > MAX_AUTH) {
            throw new IllegalArgumentException("an event cites at most " + MAX_AUTH + " membership heads, not " + auth.size());
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, got " + seq);
        }
        if ((prev == null) != (seq <= 1)) {
            throw new IllegalArgumentException(seq <= 1 ? "the first event of a chain names no predecessor"
                : "event " + seq + " of a chain must name its predecessor");
        }
    }

    /** True for bodies of format 1, written before authority became causal. */
    public boolean legacy() {
        return seq == 0;
    }
}
