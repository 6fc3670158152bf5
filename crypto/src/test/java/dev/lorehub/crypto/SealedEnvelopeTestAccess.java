package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Sha256;

import java.util.Arrays;

/** Rebuilds what an envelope's author signs, from the documented layout (to forge re-signed envelopes in tests). */
final class SealedEnvelopeTestAccess {
    private SealedEnvelopeTestAccess() {
    }

    static byte[] signedMessage(byte[] envelope) {
        int bodyLength = envelope.length - SealedEnvelope.OVERHEAD_SIGNED_ONLY;
        return Bytes.concat(Bytes.ascii("lorehub-envelope-v1\0"), Arrays.copyOf(envelope, SealedEnvelope.HEADER_LENGTH),
            Sha256.hash(envelope, SealedEnvelope.HEADER_LENGTH, bodyLength));
    }
}
