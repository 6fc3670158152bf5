package dev.lorehub.crypto;

import java.security.SecureRandom;

/** A synced realm's global id: 128 random bits. Text form: 32 lowercase hex digits. Ordered by bytes (unsigned). */
public final class RealmId implements Comparable<RealmId> {
    public static final int LENGTH = 16;

    private RealmId() {
        throw new UnsupportedOperationException("skeleton");
    }

    public static RealmId random(SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Exactly 16 bytes (copied), else {@link IllegalArgumentException}. */
    public static RealmId fromBytes(byte[] bytes) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Parses the hex form; {@link IllegalArgumentException} with a clear message otherwise. */
    public static RealmId parse(String text) {
        throw new UnsupportedOperationException("skeleton");
    }

    public byte[] toBytes() {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public String toString() {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public int compareTo(RealmId o) {
        throw new UnsupportedOperationException("skeleton");
    }
}
