package dev.lorehub.crypto;

import java.util.Objects;

/**
 * The part of a sealed envelope a caller chooses; it travels in clear, is authenticated as AAD,
 * and is covered by the author's signature. See {@link SealedEnvelope} for where each field sits.
 *
 * @param realm     realm the event belongs to (not null)
 * @param epoch     key epoch it is encrypted under, &ge; 0 (for unencrypted envelopes: the epoch in force, informational)
 * @param timestamp the author's hybrid logical clock value (lets a relay order events it cannot read); opaque here
 * @param encrypted false for signed-only envelopes (membership events a relay must be able to read)
 */
public record EnvelopeHeader(RealmId realm, int epoch, long timestamp, boolean encrypted) {
    public EnvelopeHeader {
        Objects.requireNonNull(realm, "realm");
        if (epoch < 0) {
            throw new IllegalArgumentException("epochs are numbered from 0, got " + epoch);
        }
    }
}
