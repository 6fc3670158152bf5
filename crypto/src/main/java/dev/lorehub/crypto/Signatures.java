package dev.lorehub.crypto;

/** Ed25519 verification for callers that hold only a public key. */
public final class Signatures {
    private Signatures() {
    }

    /** True if {@code signature} is a valid Ed25519 signature by {@code publicKey} over {@code message}; false on any malformed input. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        throw new UnsupportedOperationException("skeleton");
    }
}
