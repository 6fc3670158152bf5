package dev.lorehub.node.core;

import java.util.Collection;

/**
 * How an entity's events become its state. Production uses {@link #STANDARD} ({@link EntityFold},
 * DESIGN.md §3); the seam exists so that the simulator can prove its checkers catch a broken
 * merge by running a deliberately wrong one.
 */
@FunctionalInterface
public interface FoldPolicy {
    EntityState fold(EntityKind kind, String entityId, Collection<FoldEvent> events);

    /** The merge of DESIGN.md §3. */
    FoldPolicy STANDARD = EntityFold::fold;
}
