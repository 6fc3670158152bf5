package dev.lorehub.merkle.internal;

/** Constants of the wire format (documented in {@code dev.lorehub.merkle.package-info}). */
public final class Wire {

    public static final int VERSION = 1;

    public static final int FLAG_CONTINUE = 0x01;
    public static final int FLAG_HELLO = 0x02;
    public static final int FLAG_ROOT = 0x04;
    public static final int FLAGS_KNOWN = FLAG_CONTINUE | FLAG_HELLO | FLAG_ROOT;

    public static final int ITEM_SPLIT = 1;
    public static final int ITEM_RESULT = 2;
    public static final int ITEM_FULL_KEYS = 3;

    public static final int CHILD_FP = 0;
    public static final int CHILD_LIST_FULL = 1;
    public static final int CHILD_LIST_PREFIX = 2;

    public static final int ROOT_FP_BYTES = 16;
    /** Shortest sub-range fingerprint a split may carry. */
    public static final int MIN_FP_BYTES = 4;
    /** Longest sub-range fingerprint a split may carry. */
    public static final int MAX_FP_BYTES = 16;
    /** A fingerprint at least this long that equals the empty range's says "I hold nothing here". */
    public static final int MIN_FP_BYTES_FOR_EMPTY = 8;
    /** Smallest encoding of a full key: a one-byte timestamp delta and the 32-byte id. */
    public static final int MIN_KEY_BYTES = 33;
    /** Largest encoding of a full key: a ten-byte timestamp delta and the 32-byte id. */
    public static final int MAX_KEY_BYTES = 42;
    /** Room kept for the message header when filling a message with items. */
    public static final int HEADER_RESERVE = 64;

    private Wire() {
    }
}
