package dev.lorehub.crypto;

import java.security.cert.CertificateException;

/**
 * A TLS peer presented a valid device certificate, but its device is not one this side accepts
 * (not paired). Thrown by the trust manager of {@link TlsIdentity}, so it is a
 * {@link CertificateException} as JSSE requires, not a {@link CryptoException}; the transport finds
 * it by type in the handshake failure's causes to report an unpaired device apart from other TLS
 * failures.
 */
public final class UnpairedDeviceException extends CertificateException {
    private static final long serialVersionUID = 1L;

    public UnpairedDeviceException(String message) {
        super(message);
    }
}
