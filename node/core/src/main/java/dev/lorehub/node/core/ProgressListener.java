package dev.lorehub.node.core;

/**
 * Told how far a long replica operation has got (sharing a realm of many lores, applying a joined
 * realm's events), so a CLI can draw a progress bar. Called on the thread running the operation,
 * between its short transactions; it must be cheap.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Ignores progress. */
    ProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param phase what is being done, in a few words ("adopting lores")
     * @param done  items done so far in this phase
     * @param total items in this phase (0 or less: unknown)
     */
    void progress(String phase, long done, long total);
}
