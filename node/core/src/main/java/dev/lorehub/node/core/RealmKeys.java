package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import java.util.Optional;

/**
 * The port through which the core holds realm keys: one keyring (every epoch key it holds) per
 * realm. The core owns this contract; the store implements it over the owner-only key file
 * ({@code dev.lorehub.node.store.KeyFile}). Keys never go to the event log.
 */
public interface RealmKeys {

    /** The keyring of a realm, if this device holds any of its keys. */
    Optional<RealmKeyring> keyring(RealmId realm);

    /** Stores (replaces) a realm's keyring durably before returning. */
    void put(RealmKeyring keyring);
}
