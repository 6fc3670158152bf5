package dev.lorehub.crypto.internal;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;

/**
 * AES-256-GCM through the JDK's {@code AES/GCM/NoPadding}, which HotSpot accelerates with AES-NI,
 * CLMUL and (on AVX-512 machines) VAES intrinsics. One {@link Cipher} per thread because
 * {@code Cipher.getInstance} is a provider lookup. 128-bit tags, 96-bit IVs.
 */
public final class Gcm {
    public static final int KEY_LENGTH = 32;
    public static final int IV_LENGTH = 12;
    public static final int TAG_LENGTH = 16;

    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Gcm::newCipher);

    private Gcm() {
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM/NoPadding", e);
        }
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out} at {@code outOff} (ciphertext then the
     * 16-byte tag). The JDK refuses to encrypt twice in a row under the same key and IV on one
     * Cipher object; our keys and IVs are fresh per message, so the only way to get there is to seal
     * the very same inputs again (deterministic tests, {@code SeededRandom}), which produces the
     * very same output. For that case a fresh Cipher is used.
     */
    public static void encrypt(byte[] key, int keyOff, byte[] iv, int ivOff, byte[] aad, int aadOff, int aadLen,
                               byte[] in, int inOff, int len, byte[] out, int outOff) {
        SecretKeySpec k = new SecretKeySpec(key, keyOff, KEY_LENGTH, "AES");
        GCMParameterSpec p = new GCMParameterSpec(TAG_LENGTH * 8, iv, ivOff, IV_LENGTH);
        Cipher c = CIPHER.get();
        try {
            try {
                c.init(Cipher.ENCRYPT_MODE, k, p);
            } catch (InvalidAlgorithmParameterException sameKeyAndIvAsLastTime) {
                c = newCipher();
                CIPHER.set(c);
                c.init(Cipher.ENCRYPT_MODE, k, p);
            }
            if (aadLen > 0) {
                c.updateAAD(aad, aadOff, aadLen);
            }
            c.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts and authenticates {@code in[inOff, inOff+len)} (ciphertext then tag) into a new array.
     *
     * @return the plaintext, or {@code null} when the tag does not verify (the caller names the reason)
     */
    public static byte[] decrypt(byte[] key, int keyOff, byte[] iv, int ivOff, byte[] aad, int aadOff, int aadLen,
                                 byte[] in, int inOff, int len) {
        if (len < TAG_LENGTH) {
            return null;
        }
        Cipher c = CIPHER.get();
        try {
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, keyOff, KEY_LENGTH, "AES"),
                new GCMParameterSpec(TAG_LENGTH * 8, iv, ivOff, IV_LENGTH));
            if (aadLen > 0) {
                c.updateAAD(aad, aadOff, aadLen);
            }
            byte[] out = new byte[len - TAG_LENGTH];
            c.doFinal(in, inOff, len, out, 0);
            return out;
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed unexpectedly", e);
        }
    }
}
