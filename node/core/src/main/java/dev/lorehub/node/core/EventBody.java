package dev.lorehub.node.core;

import java.util.List;

/** The plaintext of an event: what changed, and the entity versions it supersedes. */
public sealed interface EventBody permits EntityChange, MembershipChange {
    /** The kind of entity changed. */
    EntityKind kind();

    /** The id of the entity changed (see {@link EntityChange#entityId()}). */
    String entityId();

    /** The ids of the entity's heads this event supersedes (for a membership change: the membership heads). */
    List<EventId> parents();

    /** Its place in the realm's causal history (see {@link Causality}). */
    Causality causality();

    /** The same body placed in its causal history. */
    EventBody withCausality(Causality causality);
}
