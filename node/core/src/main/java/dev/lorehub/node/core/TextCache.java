package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

import java.util.LinkedHashMap;
import java.util.Map;

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

    private final long maxChars;
    private long chars;
    private final LinkedHashMap<Key, Entry> map = new LinkedHashMap<>(256, 0.75f, true);

    TextCache(long maxChars) {
        this.maxChars = maxChars;
    }

    Entry get(EventId id, Field field) {
        return map.get(new Key(id, field));
    }

    void put(EventId id, Field field, Entry e) {
        int size = e.text() == null ? 0 : e.text().length();
        if (size < MIN_CHARS || size > maxChars) {
            return;
        }
        Entry old = map.put(new Key(id, field), e);
        chars += size - (old == null || old.text() == null ? 0 : old.text().length());
        var it = map.entrySet().iterator();
        while (chars > maxChars && it.hasNext()) {
            Map.Entry<Key, Entry> eldest = it.next();
            chars -= eldest.getValue().text() == null ? 0 : eldest.getValue().text().length();
            it.remove();
        }
    }

    void clear() {
        map.clear();
        chars = 0;
    }
}
