package dev.lorehub.node.core;

/** What an event changes. The codes are part of the wire format: never renumber. */
public enum EntityKind {
    /** The synced realm's shared fields (name, git remote, ...); one per realm. */
    REALM(1),
    /** One lore, identified by its UUID. */
    LORE(2),
    /** One relation, identified by (from, to, type). */
    RELATION(3),
    /** Realm membership: devices, roles and key epochs. */
    MEMBER(4);

    private final int code;

    EntityKind(int code) {
        this.code = code;
    }

    /** The stable wire code. */
    public int code() {
        return code;
    }

    /** The kind with this wire code. */
    public static EntityKind ofCode(int code) {
        for (EntityKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown entity kind code " + code);
    }
}
