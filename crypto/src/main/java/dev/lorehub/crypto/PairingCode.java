package dev.lorehub.crypto;

import java.security.SecureRandom;

/**
 * A one-time pairing code such as {@code 42-olive-tunnel-ember}: a public nameplate (for finding
 * the inviter on the network) followed by at least 24 secret bits as words from a list chosen for
 * typo detection. Parsing tolerates case and separator differences.
 */
public final class PairingCode {
    private PairingCode() {
        throw new UnsupportedOperationException("skeleton");
    }

    public static PairingCode generate(SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** @throws InvalidPairingCodeException naming what is wrong (unknown word, missing nameplate ...) */
    public static PairingCode parse(String text) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The public part, safe to advertise. */
    public String nameplate() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The canonical text form, e.g. {@code 42-olive-tunnel-ember}. */
    @Override
    public String toString() {
        throw new UnsupportedOperationException("skeleton");
    }
}
