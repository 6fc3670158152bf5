package dev.lorehub.node.store;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SecretStore;
import dev.lorehub.node.core.RealmKeys;
import java.util.Optional;

/** The core's {@link RealmKeys} on the owner-only key file ({@link SecretStore}). */
public final class KeyFile implements RealmKeys {
    private final SecretStore secrets;

    public KeyFile(SecretStore secrets) {
        this.secrets = secrets;
    }

    @Override
    public Optional<RealmKeyring> keyring(RealmId realm) {
        return secrets.keyring(realm);
    }

    @Override
    public void put(RealmKeyring keyring) {
        secrets.put(keyring);
    }
}
