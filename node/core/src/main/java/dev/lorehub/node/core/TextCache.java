package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

/**
 * Recently seen text values of events, as {@link TextDelta} bases, bounded in total characters
 * (least recently used first out). Only texts long enough to be worth a delta are kept; a miss
 * just means reading the base from the log.
 */
final class TextCache {
    /** Shorter texts are not kept (a delta is only sent for long texts; their bases are long too). */
    static final int MIN_CHARS = 256;

    /**
     * A text value, and where it belongs.
     *
     * @param text  the value (null: the event assigns none, or null)
     * @param depth deltas that led to it (0: sent in full)
     */
    record Entry(RealmId realm, int epoch, EntityKind kind, String entity, String text, int depth) {
    }

    private record Key(EventId id, Field field) {
    }

    private final WeighedLru<Key, Entry> entries;

    TextCache(long maxChars) {
        this.entries = new WeighedLru<>(maxChars);
    }

    Entry get(EventId id, Field field) {
        return entries.get(new Key(id, field));
    }

    void put(EventId id, Field field, Entry e) {
        int size = e.text() == null ? 0 : e.text().length();
        if (size >= MIN_CHARS) {
            entries.put(new Key(id, field), e, size);
        }
    }

    void clear() {
        entries.clear();
    }
}
