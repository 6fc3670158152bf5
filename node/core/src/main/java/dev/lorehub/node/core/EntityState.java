package dev.lorehub.node.core;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * An entity as materialised from the set of its events: a pure function of that set.
 *
 * @param kind          entity kind
 * @param entityId      entity id
 * @param presence      whether the entity exists
 * @param values        text and last-writer fields
 * @param sets          set fields
 * @param heads         the ready events nothing supersedes: the parents of the next local change
 * @param pendingEvents events held back because an ancestor has not arrived yet
 * @param conflicts     concurrent changes that could not all be honoured
 * @param latestHlc     the largest HLC among the ready events (0 if none): a new change must order after it
 */
public record EntityState(EntityKind kind, String entityId, Presence presence, SortedMap<Field, Object> values,
                          SortedMap<Field, SortedSet<String>> sets, List<EventId> heads, int pendingEvents,
                          List<Conflict> conflicts, long latestHlc) {
    /** Whether an entity exists. */
    public enum Presence {
        /** No applicable event yet. */
        ABSENT,
        /** It exists. */
        LIVE,
        /** Deleted, and no concurrent edit survives. */
        DELETED
    }

    public EntityState {
        heads = List.copyOf(heads);
        conflicts = List.copyOf(conflicts);
    }

    public boolean isLive() {
        return presence == Presence.LIVE;
    }

    /** A field's value (null when unset). */
    public Object value(Field f) {
        return values.get(f);
    }

    /** A set field's elements (empty when unset). */
    public SortedSet<String> set(Field f) {
        SortedSet<String> s = sets.get(f);
        return s == null ? java.util.Collections.emptySortedSet() : s;
    }
}
