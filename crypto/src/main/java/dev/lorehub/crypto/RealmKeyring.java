package dev.lorehub.crypto;

import java.security.SecureRandom;
import java.util.Optional;

/**
 * The keys of one realm: epochs numbered from 0, the current (newest) one for writing, older ones
 * kept for reading. Immutable: rotation returns a new keyring.
 */
public final class RealmKeyring {
    private RealmKeyring() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A new realm: fresh random id and epoch 0. */
    public static RealmKeyring create(SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A keyring holding exactly these epoch keys (all of one realm, distinct epochs, at least one). */
    public static RealmKeyring of(Iterable<EpochKey> keys) {
        throw new UnsupportedOperationException("skeleton");
    }

    public RealmId realmId() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The newest epoch's key, used for writing. */
    public EpochKey current() {
        throw new UnsupportedOperationException("skeleton");
    }

    public Optional<EpochKey> epoch(int epoch) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** All epoch keys, oldest first. */
    public java.util.List<EpochKey> epochs() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A keyring with one more epoch (current + 1) holding a fresh random key. */
    public RealmKeyring rotate(SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A keyring with {@code key} added (e.g. received from an admin); replaces nothing. */
    public RealmKeyring with(EpochKey key) {
        throw new UnsupportedOperationException("skeleton");
    }
}
