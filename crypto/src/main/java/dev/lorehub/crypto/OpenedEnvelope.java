package dev.lorehub.crypto;

import java.util.Arrays;

/**
 * What a verified envelope reveals. The arrays are fresh copies owned by the caller. Equality is
 * by content.
 *
 * @param header     the caller-chosen header
 * @param author     the author's device id (SHA-256 of {@code authorKey})
 * @param authorKey  the author's Ed25519 public key, carried in the envelope
 * @param plaintext  the payload; {@code null} when only the signature was verified ({@link SealedEnvelope#verify})
 *                   or nothing was verified ({@link SealedEnvelope#peek})
 */
public record OpenedEnvelope(EnvelopeHeader header, DeviceId author, byte[] authorKey, byte[] plaintext) {
    @Override
    public boolean equals(Object o) {
        return o instanceof OpenedEnvelope e && header.equals(e.header) && author.equals(e.author)
            && Arrays.equals(authorKey, e.authorKey) && Arrays.equals(plaintext, e.plaintext);
    }

    @Override
    public int hashCode() {
        return header.hashCode() * 31 + author.hashCode();
    }

    @Override
    public String toString() {
        return "OpenedEnvelope[header=" + header + ", author=" + author + ", plaintext="
            + (plaintext == null ? "(not opened)" : plaintext.length + " bytes") + "]";
    }
}
