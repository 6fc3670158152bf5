package dev.lorehub.crypto.internal;

import dev.lorehub.crypto.UnpairedDeviceException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Trusts a peer (client or server) only if it presents exactly one certificate, that certificate's
 * identity binding verifies, and the device id it is bound to passes {@code accept}. There are no
 * certificate authorities and no host names: the device id is the name (Syncthing's model).
 * Validity dates are not checked, as pinning is by key.
 *
 * <p>Extends {@link X509ExtendedTrustManager} so that the JDK uses it as is, instead of wrapping it
 * with host name and CA-path checks that do not apply to pinned self-signed certificates.
 *
 * @param <I> the device id type (kept generic so this class need not see the public API)
 */
public final class PinningTrustManager<I> extends X509ExtendedTrustManager {
    private final Function<X509Certificate, I> bindingCheck;
    private final Predicate<I> accept;

    /**
     * @param bindingCheck returns the device a certificate is bound to; throws a RuntimeException whose message says why not
     * @param accept       which devices to let in
     */
    public PinningTrustManager(Function<X509Certificate, I> bindingCheck, Predicate<I> accept) {
        this.bindingCheck = bindingCheck;
        this.accept = accept;
    }

    private void check(X509Certificate[] chain, String side) throws CertificateException {
        if (chain == null || chain.length != 1) {
            throw new CertificateException(side + " presented " + (chain == null ? "no" : chain.length)
                + " certificates; a LoreHub device presents exactly one self-signed certificate");
        }
        I id;
        try {
            id = bindingCheck.apply(chain[0]);
        } catch (RuntimeException e) {
            throw new CertificateException(side + " certificate is not bound to a LoreHub device identity: " + e.getMessage(), e);
        }
        if (!accept.test(id)) {
            throw new UnpairedDeviceException(side + " is device " + id + ", which is not paired with this device");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, "client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, "server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, "client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, "server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, "client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, "server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
