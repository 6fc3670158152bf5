package dev.lorehub.node.dashboard;

/**
 * The dashboard's read model and its two actions (resolve a conflict, undo). The page is drawn only from
 * {@link #snapshot()}; change notifications say when to take a new one. Implemented today over
 * {@code NodeRuntime} by {@link RuntimeDashboardModel}; meant to be re-pointed at the sans-IO
 * node endpoint without touching the server or the page.
 */
public interface DashboardModel {
    /** Everything the page shows, now. */
    DashboardSnapshot snapshot();

    /**
     * Calls {@code listener} (on any thread; it must be cheap) whenever something the snapshot
     * shows may have changed.
     */
    void addListener(Runnable listener);

    /**
     * Settles a lore's conflicts.
     *
     * @throws DashboardActionException saying what is wrong (no such conflict, no matching version, not allowed)
     */
    void resolve(String lore, Resolution resolution);

    /**
     * Brings history back by new events, as {@code lorehub-node undo} does: one lore to a version
     * the activity list shows, or a realm to a time (a mass deletion's button).
     *
     * @return how many lores and relations changed
     * @throws DashboardActionException saying what is wrong (no such lore or version, not allowed)
     */
    int undo(UndoRequest request);

    /** Work the model wants done every couple of seconds (sampling counts that have no event). */
    default void tick() {
    }
}
