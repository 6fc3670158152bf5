package dev.lorehub.node.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bodies of stored events already decrypted and decoded, least recently used first out, bounded by the
 * sealed size of what it holds. Folding an entity reads every event of it again at each new event, so
 * without this an entity's n-th edit decrypts and decodes n events; with it, one. Sound because an event
 * id names its sealed bytes (a hash of them) and a body is a function of those bytes alone: a hit is the
 * body a decode would give, whatever happened in between.
 */
final class DecodedBodies {
    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<EventId, Sized> map = new LinkedHashMap<>(256, 0.75f, true);

    private record Sized(EventBody body, int bytes) {
    }

    /** @param maxBytes the most sealed bytes whose bodies are kept */
    DecodedBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The body of event {@code id}, or null when not kept. */
    EventBody get(EventId id) {
        Sized s = map.get(id);
        return s == null ? null : s.body();
    }

    /** Keeps {@code body}, decoded from {@code sealedBytes} bytes of event {@code id}. */
    void put(EventId id, EventBody body, int sealedBytes) {
        if (sealedBytes > maxBytes) {
            return;
        }
        Sized old = map.put(id, new Sized(body, sealedBytes));
        bytes += sealedBytes - (old == null ? 0 : old.bytes());
        var it = map.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<EventId, Sized> eldest = it.next();
            bytes -= eldest.getValue().bytes();
            it.remove();
        }
    }

    void clear() {
        map.clear();
        bytes = 0;
    }
}
