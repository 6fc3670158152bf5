package dev.lorehub.node.core;

/**
 * How a {@link Replica} runs.
 *
 * @param verifier       checks signatures of incoming batches (a driver may spread this over cores)
 * @param fold           turns an entity's events into its state; always {@link FoldPolicy#STANDARD} outside tests
 * @param wire           how this device writes event bodies (compression, text deltas); every form is read whatever
 *                       this says. {@link EventCodec.Options#DEFAULT} outside benchmarks that compare with
 *                       {@link EventCodec.Options#PLAIN}
 * @param ticker         monotonic nanoseconds, to size write transactions by elapsed time ({@link TransactionBudget});
 *                       null: fixed sizes (the simulator and tests, whose transactions must not depend on the machine)
 * @param installCapture whether opening installs (or repairs) change capture; false only for a look that must
 *                       change nothing lh relies on ({@code lorehub-node doctor} without {@code --repair})
 */
public record ReplicaOptions(EnvelopeVerifier verifier, FoldPolicy fold, EventCodec.Options wire,
                             java.util.function.LongSupplier ticker, boolean installCapture) {
    /** Sequential verification, the standard merge, compact bodies, capture installed. */
    public static final ReplicaOptions DEFAULT = new ReplicaOptions(EnvelopeVerifier.SEQUENTIAL, FoldPolicy.STANDARD);

    public ReplicaOptions(EnvelopeVerifier verifier, FoldPolicy fold) {
        this(verifier, fold, EventCodec.Options.DEFAULT, null, true);
    }

    public ReplicaOptions(EnvelopeVerifier verifier, FoldPolicy fold, EventCodec.Options wire) {
        this(verifier, fold, wire, null, true);
    }

    public ReplicaOptions {
        java.util.Objects.requireNonNull(wire, "wire");
    }

    public ReplicaOptions withVerifier(EnvelopeVerifier v) {
        return new ReplicaOptions(v, fold, wire, ticker, installCapture);
    }

    public ReplicaOptions withFold(FoldPolicy f) {
        return new ReplicaOptions(verifier, f, wire, ticker, installCapture);
    }

    public ReplicaOptions withWire(EventCodec.Options w) {
        return new ReplicaOptions(verifier, fold, w, ticker, installCapture);
    }

    /** These options with write transactions sized by elapsed time on {@code t} (monotonic ns). */
    public ReplicaOptions withTicker(java.util.function.LongSupplier t) {
        return new ReplicaOptions(verifier, fold, wire, t, installCapture);
    }

    /** Opening leaves change capture as it is (installed, missing or outdated). */
    public ReplicaOptions withoutInstallingCapture() {
        return new ReplicaOptions(verifier, fold, wire, ticker, false);
    }
}
