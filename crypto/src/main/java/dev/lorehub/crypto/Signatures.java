package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.Ed25519Ops;

/** Ed25519 (RFC 8032) verification for callers that hold only a public key. */
public final class Signatures {
    private Signatures() {
    }

    /**
     * True if {@code signature} is a valid Ed25519 signature by {@code publicKey} over
     * {@code message}; false on any malformed input (null, wrong lengths, a public key that is not a
     * curve point, a non-canonical signature).
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || message == null || signature == null
            || publicKey.length != Ed25519Ops.PUBLIC_KEY_LENGTH || signature.length != Ed25519Ops.SIGNATURE_LENGTH) {
            return false;
        }
        return Ed25519Ops.verify(publicKey, 0, message, 0, message.length, signature, 0);
    }
}
