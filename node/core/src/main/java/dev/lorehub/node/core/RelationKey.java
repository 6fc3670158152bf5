package dev.lorehub.node.core;

import java.util.Comparator;

/**
 * The key of a LoreHub relation (its three key columns in {@code lore_relations}) and of the
 * relation entity the node syncs. The entity id is the three joined by newlines (UUIDs hold none;
 * the type comes last, so it may), which is how it travels in events and sits in the log.
 */
public record RelationKey(String from, String to, String type) implements Comparable<RelationKey> {

    private static final Comparator<RelationKey> ORDER = Comparator.comparing(RelationKey::from)
        .thenComparing(RelationKey::to).thenComparing(RelationKey::type);

    /** Parses a relation entity id; {@link IllegalArgumentException} if it is not one. */
    public static RelationKey of(String entityId) {
        String[] parts = entityId.split("\n", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a relation id: " + entityId);
        }
        return new RelationKey(parts[0], parts[1], parts[2]);
    }

    /** The relation's entity id in events and in the log. */
    public String entityId() {
        return from + "\n" + to + "\n" + type;
    }

    @Override
    public int compareTo(RelationKey other) {
        return ORDER.compare(this, other);
    }
}
