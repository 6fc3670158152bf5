package dev.lorehub.crypto;

import java.security.SecureRandom;

/**
 * One epoch's 256-bit realm key. Secret: {@link #toString()} never prints the key.
 *
 * @param realm the realm it belongs to
 * @param epoch epoch number, from 0
 * @param key   32 bytes
 */
public record EpochKey(RealmId realm, int epoch, byte[] key) {
    public static EpochKey random(RealmId realm, int epoch, SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }
}
