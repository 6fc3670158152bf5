package dev.lorehub.simulator.engine;

/** How a seed failed; each class has its own process exit code. */
public enum FailureClass {
    /**
     * An invariant broke: a deleted lore came back, an acknowledged edit was lost, lh's tables
     * became invalid, what lh shows disagrees with the reference model, a session between honest
     * peers ended with a protocol error, or the node core threw.
     */
    SAFETY(1),
    /** The nodes did not reach identical state within the bound after every fault was healed. */
    LIVENESS(2),
    /**
     * The same input gave different output: two nodes holding the same event set show different
     * state, or the same seed gave a different trace on a second run.
     */
    NON_DETERMINISM(3);

    private final int exitCode;

    FailureClass(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Which of two failure classes decides the exit code: safety, then non-determinism, then liveness. */
    public static FailureClass worse(FailureClass a, FailureClass b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(FailureClass c) {
        return switch (c) {
            case SAFETY -> 3;
            case NON_DETERMINISM -> 2;
            case LIVENESS -> 1;
        };
    }
}
