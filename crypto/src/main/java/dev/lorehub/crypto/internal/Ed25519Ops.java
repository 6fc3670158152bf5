package dev.lorehub.crypto.internal;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ed25519 (RFC 8032, pure) through BouncyCastle's low-level {@link Ed25519}: no key objects, no
 * copies, and signing is given the public key so it is not recomputed per signature. BC's
 * verification rejects non-canonical encodings and S &ge; L, so signatures are not malleable (an
 * event's id is the hash of its bytes; a second valid encoding would be a second event).
 *
 * <p>Verification decodes the public key once per author and thread: a small per-thread LRU map
 * holds BC's decoded {@link Ed25519.PublicPoint} (public data only). Decoding costs a field
 * exponentiation, about a tenth of a verification, and a node sees few distinct authors. The
 * decoding is BC's {@code validatePublicKeyPartialExport}, the one BC's own
 * {@code Ed25519PublicKeyParameters} uses, so acceptance is exactly that of BC's signer.
 */
public final class Ed25519Ops {
    public static final int PUBLIC_KEY_LENGTH = 32;
    public static final int SECRET_KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519Ops() {
    }

    public static byte[] publicKeyOf(byte[] seed) {
        byte[] pk = new byte[PUBLIC_KEY_LENGTH];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return pk;
    }

    public static void sign(byte[] seed, byte[] publicKey, byte[] m, int off, int len, byte[] sig, int sigOff) {
        Ed25519.sign(seed, 0, publicKey, 0, m, off, len, sig, sigOff);
    }

    private static final int CACHED_KEYS = 256;
    private static final ThreadLocal<PointCache> POINTS = ThreadLocal.withInitial(PointCache::new);

    /** False for any malformed input (wrong lengths, invalid point, non-canonical S) as well as a wrong signature. */
    public static boolean verify(byte[] publicKey, int pkOff, byte[] m, int off, int len, byte[] sig, int sigOff) {
        if (publicKey == null || m == null || sig == null
            || publicKey.length - pkOff < PUBLIC_KEY_LENGTH || sig.length - sigOff < SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519.PublicPoint point = POINTS.get().decode(publicKey, pkOff);
            return point != null && Ed25519.verify(sig, sigOff, point, m, off, len);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Decoded public keys of recent authors, least recently used evicted. Invalid keys are not cached. */
    private static final class PointCache extends LinkedHashMap<PointCache.Key, Ed25519.PublicPoint> {
        private static final long serialVersionUID = 1L;

        PointCache() {
            super(64, 0.75f, true);
        }

        Ed25519.PublicPoint decode(byte[] pk, int off) {
            Key k = new Key(Arrays.copyOfRange(pk, off, off + PUBLIC_KEY_LENGTH));
            Ed25519.PublicPoint p = get(k);
            if (p == null) {
                p = Ed25519.validatePublicKeyPartialExport(pk, off);
                if (p != null) {
                    put(k, p);
                }
            }
            return p;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Ed25519.PublicPoint> eldest) {
            return size() > CACHED_KEYS;
        }

        private record Key(byte[] bytes) {
            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && Arrays.equals(bytes, k.bytes);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(bytes);
            }
        }
    }
}
