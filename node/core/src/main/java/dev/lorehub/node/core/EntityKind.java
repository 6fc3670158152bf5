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

    /** The kinds indexed by wire code: {@link #ofCode} runs per stored row, so it avoids {@code values()}'s copy. */
    private static final EntityKind[] BY_CODE = byCode();

    private static EntityKind[] byCode() {
        int max = 0;
        for (EntityKind k : values()) {
            max = Math.max(max, k.code);
        }
        EntityKind[] out = new EntityKind[max + 1];
        for (EntityKind k : values()) {
            out[k.code] = k;
        }
        return out;
    }

    /** The kind with this wire code. */
    public static EntityKind ofCode(int code) {
        EntityKind k = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (k == null) {
            throw new IllegalArgumentException("unknown entity kind code " + code);
        }
        return k;
    }
}
