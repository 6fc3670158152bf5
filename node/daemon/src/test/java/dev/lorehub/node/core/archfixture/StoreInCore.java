package dev.lorehub.node.core.archfixture;

import dev.lorehub.node.core.NodeStorage;
import dev.lorehub.node.store.LoreHubDatabase;
import dev.lorehub.node.store.SqliteStorage;

/**
 * A deliberately bad core class for {@code CorePortsArchitectureTest}: it builds its storage from the
 * store's SQLite classes, as {@code Replica.open} did before the composition root moved to the store.
 * It lives in test sources, inside the core's package tree, so that the very rule that guards the
 * production core must reject it. Never used elsewhere.
 */
public final class StoreInCore {

    private StoreInCore() {
    }

    /** A core method that names the store's implementation instead of taking the port. */
    public static NodeStorage storageOf(LoreHubDatabase db) {
        return new SqliteStorage(db);
    }
}
