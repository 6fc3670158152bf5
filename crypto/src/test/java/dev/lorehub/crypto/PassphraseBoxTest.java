package dev.lorehub.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Passphrase boxes (backups): Argon2id's published vector, a pinned box, and every way opening must fail. */
class PassphraseBoxTest {
    /** A cheap cost for tests (the default costs 64 MiB and about a second). */
    static final PassphraseBox.Cost CHEAP = new PassphraseBox.Cost(64, 2, 1);

    // RFC 9106 section 5.3 (Argon2id, version 0x13): the exact generator and version the box uses.
    @Test
    void argon2idRfc9106() {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(fill(16, 2)).withSecret(fill(8, 3)).withAdditional(fill(12, 4)).withMemoryAsKB(32).withIterations(3)
            .withParallelism(4).build());
        byte[] tag = new byte[32];
        g.generateBytes(fill(32, 1), tag);
        assertThat(Hex.of(tag)).isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    /** Known answer for the whole box, pinned; and the composition checked with the JDK's AES-GCM directly. */
    @Test
    void knownBox() throws Exception {
        byte[] salt = Hex.of("000102030405060708090a0b0c0d0e0f");
        byte[] nonce = Hex.of("101112131415161718191a1b");
        byte[] box = PassphraseBox.seal("secret keys".getBytes(StandardCharsets.UTF_8), "correct horse".toCharArray(),
            "lorehub backup".getBytes(StandardCharsets.UTF_8), CHEAP, salt, nonce);
        assertThat(Hex.of(Arrays.copyOf(box, PassphraseBox.HEADER_LENGTH)))
            .isEqualTo("4c48504201010000004000000002" + "01" + "000102030405060708090a0b0c0d0e0f" + "101112131415161718191a1b");
        assertThat(Hex.of(box)).isEqualTo(GOLDEN);

        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt).withMemoryAsKB(64).withIterations(2).withParallelism(1).build());
        byte[] key = new byte[32];
        g.generateBytes("correct horse".getBytes(StandardCharsets.UTF_8), key);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(Arrays.copyOf(box, PassphraseBox.HEADER_LENGTH));
        c.updateAAD("lorehub backup".getBytes(StandardCharsets.UTF_8));
        byte[] plain = c.doFinal(box, PassphraseBox.HEADER_LENGTH, box.length - PassphraseBox.HEADER_LENGTH);
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("secret keys");
    }

    /** Written once by this code and checked above against the JDK's AES-GCM and BC's Argon2id separately. */
    static final String GOLDEN = "4c4850420101000000400000000201000102030405060708090a0b0c0d0e0f101112131415161718191a1b"
        + "900ed2e01008a904582b7d289694dbb762ce496332d82668eac48f";

    @Test
    void roundTripAndEveryFailure() {
        SecureRandom random = new SecureRandom();
        byte[] secret = "identity and realm keys".getBytes(StandardCharsets.UTF_8);
        byte[] aad = "header".getBytes(StandardCharsets.UTF_8);
        byte[] box = PassphraseBox.seal(secret, "long enough pass".toCharArray(), aad, CHEAP, random);
        assertThat(PassphraseBox.open(box, "long enough pass".toCharArray(), aad)).isEqualTo(secret);
        assertThat(PassphraseBox.seal(secret, "long enough pass".toCharArray(), aad, CHEAP, random)).as("fresh salt and nonce")
            .isNotEqualTo(box);

        assertThatThrownBy(() -> PassphraseBox.open(box, "long enough pasS".toCharArray(), aad))
            .isInstanceOf(CryptoException.class).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> PassphraseBox.open(box, "long enough pass".toCharArray(), "other".getBytes()))
            .isInstanceOf(CryptoException.class);
        for (int i : new int[] {5, 20, PassphraseBox.HEADER_LENGTH + 1, box.length - 1}) {
            byte[] changed = box.clone();
            changed[i] ^= 1;
            assertThatThrownBy(() -> PassphraseBox.open(changed, "long enough pass".toCharArray(), aad))
                .isInstanceOf(CryptoException.class);
        }
        byte[] greedy = box.clone();
        greedy[6] = 0x7f; // asks for 2 TiB
        assertThatThrownBy(() -> PassphraseBox.open(greedy, "long enough pass".toCharArray(), aad))
            .isInstanceOf(CryptoException.class).hasMessageContaining("unsupported Argon2id cost");
        assertThatThrownBy(() -> PassphraseBox.open(Arrays.copyOf(box, 20), "long enough pass".toCharArray(), aad))
            .isInstanceOf(CryptoException.class).hasMessageContaining("not a passphrase-protected box");
        assertThatThrownBy(() -> PassphraseBox.seal(secret, "short".toCharArray(), aad, CHEAP, random))
            .isInstanceOf(CryptoException.class).hasMessageContaining("at least 8");
    }

    private static byte[] fill(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
