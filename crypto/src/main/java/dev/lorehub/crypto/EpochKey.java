package dev.lorehub.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * One epoch's 256-bit realm key. Secret: {@link #toString()} never prints the key. The array is
 * copied in and out, so an {@code EpochKey} cannot be changed after construction.
 *
 * @param realm the realm it belongs to (not null)
 * @param epoch epoch number, from 0
 * @param key   32 bytes
 */
public record EpochKey(RealmId realm, int epoch, byte[] key) {
    /** Key length in bytes. */
    public static final int LENGTH = 32;

    public EpochKey {
        Objects.requireNonNull(realm, "realm");
        if (epoch < 0) {
            throw new IllegalArgumentException("epochs are numbered from 0, got " + epoch);
        }
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("an epoch key is " + LENGTH + " bytes, got " + (key == null ? "null" : key.length));
        }
        key = key.clone();
    }

    public static EpochKey random(RealmId realm, int epoch, SecureRandom random) {
        byte[] k = new byte[LENGTH];
        random.nextBytes(k);
        return new EpochKey(realm, epoch, k);
    }

    /** A copy of the key bytes. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochKey e && realm.equals(e.realm) && epoch == e.epoch && MessageDigest.isEqual(key, e.key);
    }

    @Override
    public int hashCode() {
        return realm.hashCode() * 31 + epoch; // not derived from the secret
    }

    @Override
    public String toString() {
        return "EpochKey[realm=" + realm + ", epoch=" + epoch + ", key=(secret)]";
    }
}
