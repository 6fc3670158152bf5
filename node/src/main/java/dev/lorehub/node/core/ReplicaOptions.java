package dev.lorehub.node.core;

/**
 * How a {@link Replica} runs.
 *
 * @param verifier       checks signatures of incoming batches (a driver may spread this over cores)
 * @param fold           turns an entity's events into its state; always {@link FoldPolicy#STANDARD} outside tests
 * @param installCapture whether opening installs (or repairs) change capture; false only for a look that must
 *                       change nothing lh relies on ({@code lorehub-node doctor} without {@code --repair})
 */
public record ReplicaOptions(EnvelopeVerifier verifier, FoldPolicy fold, boolean installCapture) {
    /** Sequential verification, the standard merge. */
    public static final ReplicaOptions DEFAULT = new ReplicaOptions(EnvelopeVerifier.SEQUENTIAL, FoldPolicy.STANDARD, true);

    public ReplicaOptions withVerifier(EnvelopeVerifier v) {
        return new ReplicaOptions(v, fold, installCapture);
    }

    public ReplicaOptions withFold(FoldPolicy f) {
        return new ReplicaOptions(verifier, f, installCapture);
    }

    /** Opening leaves change capture as it is (installed, missing or outdated). */
    public ReplicaOptions withoutInstallingCapture() {
        return new ReplicaOptions(verifier, fold, false);
    }
}
