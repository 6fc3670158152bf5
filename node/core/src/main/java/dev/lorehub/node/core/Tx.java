package dev.lorehub.node.core;

import java.util.ArrayList;
import java.util.List;

/** What one write transaction of the replica did, applied to caches only once it commits. */
final class Tx {
    private final long now;
    private final List<StoredKey> stored = new ArrayList<>();

    Tx(long now) {
        this.now = now;
    }

    /** The wall-clock reading the transaction runs at (milliseconds since the epoch). */
    long now() {
        return now;
    }

    void stored(StoredKey key) {
        stored.add(key);
    }

    List<StoredKey> stored() {
        return stored;
    }
}
