package dev.lorehub.crypto;

/**
 * The part of a sealed envelope a caller chooses; it travels in clear, is authenticated as AAD,
 * and is covered by the author's signature.
 *
 * @param realm     realm the event belongs to
 * @param epoch     key epoch it is encrypted under (for unencrypted envelopes: the epoch in force, informational)
 * @param timestamp the author's hybrid logical clock value (lets a relay order events it cannot read)
 * @param encrypted false for signed-only envelopes (membership events a relay must be able to read)
 */
public record EnvelopeHeader(RealmId realm, int epoch, long timestamp, boolean encrypted) {
}
