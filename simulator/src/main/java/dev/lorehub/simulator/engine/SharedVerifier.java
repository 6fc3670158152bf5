package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.CryptoException;
import dev.lorehub.node.core.ByteChecks;
import dev.lorehub.node.core.EnvelopeVerifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Signature checks shared by every node of one run: each distinct envelope is verified once, the
 * first time any node ingests it, and the outcome is reused by the others.
 *
 * <p>Honest because verifying a signed envelope is a pure function of its bytes (Ed25519
 * verification is deterministic; {@link EnvelopeVerifier#check} has no other input), and the
 * outcome ({@code SealedEnvelope.Verified}, or the failure) is immutable: a node gets exactly what
 * its own check would have returned. Keyed by the whole byte string, so a forged or altered
 * envelope is a different key and is checked on its own ({@link ByteChecks}). This is the simulator's counterpart of
 * the daemon's parallel verifier ({@link EnvelopeVerifier} is the injection point for both): it
 * removes the most expensive step of ingest repeated on every node, not a check.
 */
final class SharedVerifier implements EnvelopeVerifier {
    /** More distinct envelopes than a run of 50 nodes for a simulated hour stores. */
    private static final int MAX_KEPT = 1 << 20;

    private final ByteChecks<Checked> outcomes = new ByteChecks<>(MAX_KEPT, EnvelopeVerifier::check);

    @Override
    public List<Checked> verifyAll(List<byte[]> sealed) {
        List<Checked> out = new ArrayList<>(sealed.size());
        for (byte[] s : sealed) {
            out.add(check(s));
        }
        return out;
    }

    @Override
    public List<java.util.function.Supplier<Checked>> verifyLater(List<byte[]> sealed) {
        List<java.util.function.Supplier<Checked>> out = new ArrayList<>(sealed.size());
        for (byte[] s : sealed) {
            Checked[] memo = new Checked[1];
            out.add(() -> memo[0] != null ? memo[0] : (memo[0] = check(s)));
        }
        return out;
    }

    /** {@link EnvelopeVerifier#check}, which reports a refused envelope in its outcome rather than by throwing. */
    private Checked check(byte[] sealed) {
        ByteChecks.Checked<Checked> outcome = outcomes.check(sealed);
        if (outcome.problem() != null) { // not a refusal (those are in the outcome): what the check itself threw
            throw new CryptoException(outcome.problem());
        }
        return outcome.value();
    }
}
