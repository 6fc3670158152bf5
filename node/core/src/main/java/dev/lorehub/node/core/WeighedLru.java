package dev.lorehub.node.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cache bounded by the total weight of what it holds (bytes, characters: the caller's measure), least
 * recently used first out. The replica's caches of text bases ({@link TextCache}) and of decoded event
 * bodies are both this, and so is the store's cache of recently stored events; a miss only means reading
 * from the log again. Not thread-safe.
 */
public final class WeighedLru<K, V> {
    private record Weighed<V>(V value, long weight) {
    }

    private final long maxWeight;
    private long weight;
    private final LinkedHashMap<K, Weighed<V>> map = new LinkedHashMap<>(256, 0.75f, true);

    /** @param maxWeight the most total weight kept */
    public WeighedLru(long maxWeight) {
        this.maxWeight = maxWeight;
    }

    /** The value kept under {@code key} (now the most recently used), or null. */
    public V get(K key) {
        Weighed<V> w = map.get(key);
        return w == null ? null : w.value();
    }

    /** Keeps {@code value} under {@code key}, evicting the least recently used beyond the bound; a value heavier than the bound is not kept. */
    public void put(K key, V value, long valueWeight) {
        if (valueWeight > maxWeight) {
            return;
        }
        Weighed<V> old = map.put(key, new Weighed<>(value, valueWeight));
        weight += valueWeight - (old == null ? 0 : old.weight());
        var it = map.entrySet().iterator();
        while (weight > maxWeight && it.hasNext()) {
            Map.Entry<K, Weighed<V>> eldest = it.next();
            weight -= eldest.getValue().weight();
            it.remove();
        }
    }

    /** Forgets what is kept under {@code key}, if anything. */
    public void remove(K key) {
        Weighed<V> old = map.remove(key);
        if (old != null) {
            weight -= old.weight();
        }
    }

    /** Forgets everything. */
    public void clear() {
        map.clear();
        weight = 0;
    }
}
