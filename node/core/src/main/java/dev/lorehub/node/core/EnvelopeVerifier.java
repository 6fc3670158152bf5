package dev.lorehub.node.core;

import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.SealedEnvelope;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the signatures of a batch of sealed events: the most expensive step of ingest, and the
 * only one that needs no database, so a driver may spread it over cores. The core itself stays
 * single-threaded and uses {@link #SEQUENTIAL}.
 */
@FunctionalInterface
public interface EnvelopeVerifier {
    /** The outcome for one envelope: exactly one of the two is non-null. */
    record Checked(SealedEnvelope.Verified verified, EnvelopeException failure) {
    }

    /** Verifies every envelope; the result is in the same order. Must be safe to call from the replica's thread. */
    List<Checked> verifyAll(List<byte[]> sealed);

    /**
     * Starts verifying, in this order, and returns one supplier per envelope that waits for its
     * outcome: a parallel verifier checks later envelopes while the caller already stores earlier
     * ones. The default verifies each envelope when its supplier is first asked.
     */
    default List<java.util.function.Supplier<Checked>> verifyLater(List<byte[]> sealed) {
        List<java.util.function.Supplier<Checked>> out = new ArrayList<>(sealed.size());
        for (byte[] s : sealed) {
            Checked[] memo = new Checked[1];
            out.add(() -> memo[0] != null ? memo[0] : (memo[0] = check(s)));
        }
        return out;
    }

    /** Verifies one envelope. */
    static Checked check(byte[] sealed) {
        try {
            return new Checked(SealedEnvelope.verifyForOpen(sealed), null);
        } catch (EnvelopeException e) {
            return new Checked(null, e);
        }
    }

    /** One envelope after another on the caller's thread. */
    EnvelopeVerifier SEQUENTIAL = sealed -> {
        List<Checked> out = new ArrayList<>(sealed.size());
        for (byte[] s : sealed) {
            out.add(check(s));
        }
        return out;
    };
}
