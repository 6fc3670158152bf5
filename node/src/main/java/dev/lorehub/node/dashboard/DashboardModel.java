package dev.lorehub.node.dashboard;

/**
 * The dashboard's read model and its one action. The page is drawn only from
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

    /** Work the model wants done every couple of seconds (sampling counts that have no event). */
    default void tick() {
    }
}
