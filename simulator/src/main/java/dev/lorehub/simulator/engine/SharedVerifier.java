package dev.lorehub.simulator.engine;

import dev.lorehub.node.core.EnvelopeVerifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signature checks shared by every node of one run: each distinct envelope is verified once, the
 * first time any node ingests it, and the outcome is reused by the others.
 *
 * <p>Honest because verifying a signed envelope is a pure function of its bytes (Ed25519
 * verification is deterministic; {@link EnvelopeVerifier#check} has no other input), and the
 * outcome ({@code SealedEnvelope.Verified}, or the failure) is immutable: a node gets exactly what
 * its own check would have returned. Keyed by the whole byte string, so a forged or altered
 * envelope is a different key and is checked on its own. This is the simulator's counterpart of
 * the daemon's parallel verifier ({@link EnvelopeVerifier} is the injection point for both): it
 * removes the most expensive step of ingest repeated on every node, not a check.
 */
final class SharedVerifier implements EnvelopeVerifier {
    private final Map<Key, Checked> outcomes = new HashMap<>();

    /** A byte string as a map key (content equality). */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

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

    private Checked check(byte[] sealed) {
        Checked known = outcomes.get(new Key(sealed));
        if (known == null) {
            byte[] copy = sealed.clone();
            known = EnvelopeVerifier.check(copy);
            outcomes.put(new Key(copy), known);
        }
        return known;
    }
}
