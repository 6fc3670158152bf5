package dev.lorehub.crypto;

/**
 * What a verified envelope reveals.
 *
 * @param header     the caller-chosen header
 * @param author     the author's device id (SHA-256 of {@code authorKey})
 * @param authorKey  the author's Ed25519 public key, carried in the envelope
 * @param plaintext  the payload; {@code null} when only the signature was verified ({@link SealedEnvelope#verify})
 */
public record OpenedEnvelope(EnvelopeHeader header, DeviceId author, byte[] authorKey, byte[] plaintext) {
}
