package dev.lorehub.crypto.internal;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A key manager with exactly one certificate and key, offered on the client and the server side
 * whenever the TLS engine asks for that key type ({@code EdDSA} for an Ed25519 key). The peer's
 * list of acceptable issuers is ignored: our certificates are self-signed and pinned by device id.
 */
public final class FixedKeyManager extends X509ExtendedKeyManager {
    public static final String ALIAS = "lorehub-device";

    private final X509Certificate certificate;
    private final PrivateKey key;

    public FixedKeyManager(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    private boolean matches(String keyType) {
        if (keyType == null) {
            return false;
        }
        String alg = key.getAlgorithm(); // "EdDSA" from the JDK's SunEC
        return keyType.equalsIgnoreCase(alg) || keyType.equalsIgnoreCase("Ed25519") && alg.equalsIgnoreCase("EdDSA");
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes != null) {
            for (String t : keyTypes) {
                if (matches(t)) {
                    return ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matches(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return matches(keyType) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {certificate} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
