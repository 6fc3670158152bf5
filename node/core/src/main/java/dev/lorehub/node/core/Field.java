package dev.lorehub.node.core;

/**
 * A synced field of a LoreHub entity, with how concurrent values merge (DESIGN.md §3). The codes
 * are part of the wire format: never renumber, only add.
 */
public enum Field {
    CONTENT(1, EntityKind.LORE, "content", Merge.TEXT, Type.STRING),
    WHY(2, EntityKind.LORE, "why", Merge.TEXT, Type.STRING),
    TYPE(3, EntityKind.LORE, "type", Merge.LAST_WRITER, Type.STRING),
    CONFIDENCE(4, EntityKind.LORE, "confidence", Merge.LAST_WRITER, Type.INTEGER),
    ORIGIN(5, EntityKind.LORE, "origin", Merge.LAST_WRITER, Type.STRING),
    STATUS(6, EntityKind.LORE, "status", Merge.LAST_WRITER, Type.STRING),
    CREATED_AT(7, EntityKind.LORE, "created_at", Merge.LAST_WRITER, Type.STRING),
    UPDATED_AT(8, EntityKind.LORE, "updated_at", Merge.LAST_WRITER, Type.STRING),
    PROVINCES(9, EntityKind.LORE, "provinces", Merge.SET, Type.STRING),
    SIGILS(10, EntityKind.LORE, "sigils", Merge.SET, Type.STRING),
    /** The provinces exactly as the author's lh stored them (JSON array text: order and duplicates); see {@link #PROVINCES}. */
    PROVINCES_TEXT(11, EntityKind.LORE, "provinces", Merge.LAST_WRITER, Type.STRING),
    /** The sigils exactly as the author's lh stored them; see {@link #SIGILS}. */
    SIGILS_TEXT(12, EntityKind.LORE, "sigils", Merge.LAST_WRITER, Type.STRING),

    REALM_NAME(20, EntityKind.REALM, "name", Merge.LAST_WRITER, Type.STRING),
    REALM_GIT_REMOTE(21, EntityKind.REALM, "git_remote", Merge.LAST_WRITER, Type.STRING),
    REALM_IS_MONOREPO(22, EntityKind.REALM, "is_monorepo", Merge.LAST_WRITER, Type.BOOLEAN),
    REALM_PROVINCES(23, EntityKind.REALM, "provinces", Merge.SET, Type.STRING),

    RELATION_STRENGTH(30, EntityKind.RELATION, "strength", Merge.LAST_WRITER, Type.REAL),
    RELATION_METADATA(31, EntityKind.RELATION, "metadata", Merge.LAST_WRITER, Type.STRING),
    RELATION_CREATED_AT(32, EntityKind.RELATION, "created_at", Merge.LAST_WRITER, Type.STRING);

    /** How concurrent values of a field combine. */
    public enum Merge {
        /** Three-way text merge against the common ancestor; an overlap keeps the latest writer and records a conflict. */
        TEXT,
        /** Latest HLC wins, ties broken by device id. */
        LAST_WRITER,
        /** Add-wins observed-remove set: adds and removes on either side survive; a concurrent add beats a remove. */
        SET
    }

    /** The Java type of a value: String, Long, Double or Boolean (sets hold Strings). */
    public enum Type { STRING, INTEGER, REAL, BOOLEAN }

    private final int code;
    private final EntityKind entity;
    private final String column;
    private final Merge merge;
    private final Type type;

    Field(int code, EntityKind entity, String column, Merge merge, Type type) {
        this.code = code;
        this.entity = entity;
        this.column = column;
        this.merge = merge;
        this.type = type;
    }

    public int code() {
        return code;
    }

    /** The kind of entity this field belongs to. */
    public EntityKind entity() {
        return entity;
    }

    /** The LoreHub column it is stored in. */
    public String column() {
        return column;
    }

    public Merge merge() {
        return merge;
    }

    public Type type() {
        return type;
    }

    /** The field with this wire code. */
    public static Field ofCode(int code) {
        for (Field f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown field code " + code);
    }

    /** True if {@code value} is an acceptable value of this field (null allowed only where LoreHub allows it). */
    public boolean accepts(Object value) {
        if (value == null) {
            return this == WHY || this == REALM_GIT_REMOTE || this == RELATION_METADATA;
        }
        return switch (type) {
            case STRING -> value instanceof String;
            case INTEGER -> value instanceof Long;
            case REAL -> value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
        };
    }
}
