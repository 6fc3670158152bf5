package dev.lorehub.node.core;

/** A device's role in a realm (DESIGN.md §6). Codes are part of the wire format. */
public enum Role {
    /** Holds the realm key and reads; its events are not accepted as writes. */
    READ(1),
    /** Reads and writes. */
    WRITE(2),
    /** Writes, manages members and rotates keys. */
    ADMIN(3),
    /** Stores and forwards ciphertext it cannot read; holds no key. */
    RELAY(4);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** True if events authored in this role change the realm's data. */
    public boolean canWrite() {
        return this == WRITE || this == ADMIN;
    }

    /** True if this role receives the realm key. */
    public boolean holdsKey() {
        return this != RELAY;
    }

    public static Role ofCode(int code) {
        for (Role r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role code " + code);
    }

    /** Parses a role name as users type it (read, write, admin, relay). */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "': use read, write, admin or relay");
    }
}
