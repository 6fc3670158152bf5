package dev.lorehub.crypto.internal;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import java.security.KeyStore;
import java.security.Provider;

/**
 * A {@link KeyManagerFactory} that hands out one ready-made key manager, for APIs (Netty's
 * {@code SslContextBuilder}) that take a factory. No key store, no password, no PBE of the key.
 * {@code init} is accepted and ignored: the factory is initialised by construction.
 */
public final class FixedKeyManagerFactory extends KeyManagerFactory {
    private static final Provider PROVIDER = new Provider("LoreHubSyncFixedKeyManager", "1.0",
        "Serves the device's own TLS certificate") {
        private static final long serialVersionUID = 1L;
    };

    public FixedKeyManagerFactory(KeyManager keyManager) {
        super(new Spi(keyManager), PROVIDER, "LoreHubFixed");
    }

    private static final class Spi extends KeyManagerFactorySpi {
        private final KeyManager keyManager;

        Spi(KeyManager keyManager) {
            this.keyManager = keyManager;
        }

        @Override
        protected void engineInit(KeyStore ks, char[] password) {
            // Already initialised.
        }

        @Override
        protected void engineInit(ManagerFactoryParameters spec) {
            // Already initialised.
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return new KeyManager[] {keyManager};
        }
    }
}
