package dev.lorehub.node.core;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A change to a realm, lore or relation: only the fields that changed (DESIGN.md §3's delta
 * sync), the heads it supersedes, and whether the entity was deleted.
 *
 * @param kind        {@link EntityKind#REALM}, {@link EntityKind#LORE} or {@link EntityKind#RELATION}
 * @param entityId    lore: its UUID; relation: {@link #relationId}; realm: the realm id's hex form
 * @param deleted     true for a tombstone (a hard delete in LoreHub); then the maps are empty
 * @param parents     the entity heads the author saw, sorted; empty for a creation
 * @param assignments new values of text and last-writer fields (a value may be null where the column allows it)
 * @param sets        adds and removes for set fields
 * @param causality   the membership heads the author had applied and its place in the author's chain
 *                    ({@link Causality#UNSTAMPED} until {@code EventWriter} stamps it)
 */
public record EntityChange(EntityKind kind, String entityId, boolean deleted, List<EventId> parents,
                           SortedMap<Field, Object> assignments, SortedMap<Field, SetDelta> sets, Causality causality)
    implements EventBody {

    /** An unstamped change, as local code composes it before {@code EventWriter} signs it. */
    public EntityChange(EntityKind kind, String entityId, boolean deleted, List<EventId> parents,
                        SortedMap<Field, Object> assignments, SortedMap<Field, SetDelta> sets) {
        this(kind, entityId, deleted, parents, assignments, sets, Causality.UNSTAMPED);
    }

    public EntityChange {
        java.util.Objects.requireNonNull(causality, "causality");
        if (kind == EntityKind.MEMBER) {
            throw new IllegalArgumentException("membership changes are MembershipChange events");
        }
        parents = List.copyOf(parents.stream().sorted().distinct().toList());
        TreeMap<Field, Object> a = new TreeMap<>();
        for (Map.Entry<Field, Object> e : assignments.entrySet()) {
            Field f = e.getKey();
            if (f.entity() != kind || f.merge() == Field.Merge.SET || !f.accepts(e.getValue())) {
                throw new IllegalArgumentException("field " + f + " cannot take " + e.getValue() + " on a " + kind);
            }
            a.put(f, e.getValue());
        }
        TreeMap<Field, SetDelta> s = new TreeMap<>();
        for (Map.Entry<Field, SetDelta> e : sets.entrySet()) {
            if (e.getKey().entity() != kind || e.getKey().merge() != Field.Merge.SET) {
                throw new IllegalArgumentException("field " + e.getKey() + " is not a set of a " + kind);
            }
            if (!e.getValue().isEmpty()) {
                s.put(e.getKey(), e.getValue());
            }
        }
        if (deleted && (!a.isEmpty() || !s.isEmpty())) {
            throw new IllegalArgumentException("a delete carries no field values");
        }
        assignments = Collections.unmodifiableSortedMap(a);
        sets = Collections.unmodifiableSortedMap(s);
    }

    /** The same change placed in its causal history. */
    public EntityChange withCausality(Causality stamped) {
        return new EntityChange(kind, entityId, deleted, parents, assignments, sets, stamped);
    }

    /** The entity id of a relation: see {@link RelationKey#entityId()}. */
    public static String relationId(String fromLoreId, String toLoreId, String type) {
        return new RelationKey(fromLoreId, toLoreId, type).entityId();
    }

    /** Splits a relation entity id into from, to and type; callers in the core use {@link RelationKey#of}. */
    public static String[] relationKey(String relationId) {
        RelationKey key = RelationKey.of(relationId);
        return new String[] {key.from(), key.to(), key.type()};
    }
}
