package dev.lorehub.crypto;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Realm keyrings on disk, in one file readable only by its owner, rewritten atomically on every
 * change (write to a temporary file, fsync, rename) so a crash never leaves a torn file.
 */
public final class SecretStore {
    private SecretStore() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Opens the store at {@code file}, creating an empty one if it does not exist. {@link KeyFileException} when unreadable, too open, or corrupted. */
    public static SecretStore open(Path file) {
        throw new UnsupportedOperationException("skeleton");
    }

    public Optional<RealmKeyring> keyring(RealmId realm) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** All keyrings, ordered by realm id. */
    public List<RealmKeyring> keyrings() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Stores (or replaces) a keyring and persists before returning. */
    public void put(RealmKeyring keyring) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Removes a realm's keyring and persists. */
    public void remove(RealmId realm) {
        throw new UnsupportedOperationException("skeleton");
    }
}
