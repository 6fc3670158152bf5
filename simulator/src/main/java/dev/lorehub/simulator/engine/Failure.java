package dev.lorehub.simulator.engine;

/**
 * Why a run failed.
 *
 * @param kind    the class (decides the exit code)
 * @param atMs    simulated time of detection (ms since the start of the run)
 * @param message what broke, naming nodes, lores and event ids
 */
public record Failure(FailureClass kind, long atMs, String message) {
    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " at " + SimTime.format(atMs) + ": "
            + message;
    }
}
