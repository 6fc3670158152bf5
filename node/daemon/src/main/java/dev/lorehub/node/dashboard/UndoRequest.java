package dev.lorehub.node.dashboard;

/** What the dashboard's undo buttons ask for (the same as `lorehub-node undo`). */
public sealed interface UndoRequest {
    /** One lore back to its state right after {@code version} (an event id or a unique prefix of one). */
    record LoreVersion(String lore, String version) implements UndoRequest {
    }

    /** Every lore and relation of a realm back to its state at {@code toMillis}. */
    record RealmTime(String realm, long toMillis) implements UndoRequest {
    }
}
