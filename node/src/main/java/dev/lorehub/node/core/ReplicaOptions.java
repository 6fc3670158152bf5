package dev.lorehub.node.core;

/**
 * How a {@link Replica} runs.
 *
 * @param verifier checks signatures of incoming batches (a driver may spread this over cores)
 * @param fold     turns an entity's events into its state; always {@link FoldPolicy#STANDARD} outside tests
 */
public record ReplicaOptions(EnvelopeVerifier verifier, FoldPolicy fold) {
    /** Sequential verification, the standard merge. */
    public static final ReplicaOptions DEFAULT = new ReplicaOptions(EnvelopeVerifier.SEQUENTIAL, FoldPolicy.STANDARD);

    public ReplicaOptions withVerifier(EnvelopeVerifier v) {
        return new ReplicaOptions(v, fold);
    }

    public ReplicaOptions withFold(FoldPolicy f) {
        return new ReplicaOptions(verifier, f);
    }
}
