package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.DeviceIdText;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceIdTest {
    private static final String ALPHABET = DeviceIdText.ALPHABET;

    private static DeviceId randomId(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return DeviceId.fromBytes(b);
    }

    @Test
    void textFormIsEightGroupsOfSevenAndRoundTrips() {
        SecureRandom random = SeededRandom.of(1);
        for (int i = 0; i < 1000; i++) {
            DeviceId id = randomId(random);
            String text = id.toString();
            assertThat(text).matches("([A-Z2-7]{7}-){7}[A-Z2-7]{7}");
            assertThat(DeviceId.parse(text)).isEqualTo(id);
            assertThat(id.shortForm()).isEqualTo(text.substring(0, 7));
        }
    }

    @Test
    void goldenTextOfTheRfc8032TestKey() {
        // Device id of RFC 8032 TEST 1's public key; pins the text format (base32, Luhn mod 32, grouping).
        DeviceId id = DeviceId.ofPublicKey(Hex.of("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        assertThat(Hex.of(id.toBytes())).isEqualTo("21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9");
        assertThat(id.toString()).isEqualTo(GOLDEN_TEXT);
    }

    // Cross-checked with an independent implementation (Python: hashlib.sha256, base64.b32encode, Luhn mod 32).
    static final String GOLDEN_TEXT = "EH7DDX5-BKSRGCD-YTL7BKA-I36SE44-NXX3KLN-K7ELKS2-YQ57PI7-4XEG4QI";

    @Test
    void parseToleratesCaseSeparatorsAndLookalikes() {
        DeviceId id = randomId(SeededRandom.of(2));
        String text = id.toString();
        String bare = text.replace("-", "");
        assertThat(DeviceId.parse(text.toLowerCase(Locale.ROOT))).isEqualTo(id);
        assertThat(DeviceId.parse(bare)).isEqualTo(id);
        assertThat(DeviceId.parse(" " + text.replace("-", " ") + "\n")).isEqualTo(id);
        assertThat(DeviceId.parse(text.replace("-", "_"))).isEqualTo(id);
        String lookalikes = bare.replace('O', '0').replace('I', '1').replace('B', '8');
        assertThat(DeviceId.parse(lookalikes)).isEqualTo(id);
    }

    @Test
    void parseErrorsNameTheProblem() {
        DeviceId id = randomId(SeededRandom.of(3));
        assertThatThrownBy(() -> DeviceId.parse(id.shortForm()))
            .isInstanceOf(InvalidDeviceIdException.class).hasMessageContaining("56").hasMessageContaining("short form");
        assertThatThrownBy(() -> DeviceId.parse(id.toString() + "A"))
            .isInstanceOf(InvalidDeviceIdException.class).hasMessageContaining("got 57");
        assertThatThrownBy(() -> DeviceId.parse(id.toString().replaceFirst(".$", "9")))
            .isInstanceOf(InvalidDeviceIdException.class).hasMessageContaining("'9'");
        char[] c = id.toString().toCharArray();
        c[2] = c[2] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> DeviceId.parse(new String(c)))
            .isInstanceOf(InvalidDeviceIdException.class).hasMessageContaining("typo").hasMessageContaining("check character 1");
        assertThatThrownBy(() -> DeviceId.parse(null)).isInstanceOf(InvalidDeviceIdException.class);
    }

    /**
     * Every single-character substitution in 10,000 random ids is detected: 10,000 ids × 56
     * positions × 31 other characters. Checked through the allocation-free check-character test
     * that {@link DeviceId#parse} uses (17 million parses with exceptions would take minutes);
     * {@link #parseRejectsSubstitutions} shows parse itself rejects them.
     */
    @Test
    void checkCharactersCatchEverySingleSubstitutionIn10000Ids() {
        SecureRandom random = SeededRandom.of(4);
        long checked = 0;
        for (int n = 0; n < 10_000; n++) {
            StringBuilder full = new StringBuilder(DeviceIdText.encode(randomId(random).toBytes()));
            assertThat(DeviceIdText.checksOk(full)).isTrue();
            for (int pos = 0; pos < full.length(); pos++) {
                char original = full.charAt(pos);
                for (int a = 0; a < ALPHABET.length(); a++) {
                    char other = ALPHABET.charAt(a);
                    if (other == original) {
                        continue;
                    }
                    full.setCharAt(pos, other);
                    if (DeviceIdText.checksOk(full)) {
                        throw new AssertionError("substitution at " + pos + " not detected in " + full);
                    }
                    checked++;
                }
                full.setCharAt(pos, original);
            }
        }
        assertThat(checked).isEqualTo(10_000L * 56 * 31);
    }

    @Test
    void parseRejectsSubstitutions() {
        SecureRandom random = SeededRandom.of(5);
        for (int n = 0; n < 200; n++) {
            String text = randomId(random).toString();
            for (int pos = 0; pos < text.length(); pos++) {
                if (text.charAt(pos) == '-') {
                    continue;
                }
                char[] c = text.toCharArray();
                char other = ALPHABET.charAt(random.nextInt(32));
                if (other == c[pos]) {
                    continue;
                }
                c[pos] = other;
                assertThatThrownBy(() -> DeviceId.parse(new String(c))).isInstanceOf(InvalidDeviceIdException.class);
            }
        }
    }

    @Test
    void adjacentSwapsAreMostlyCaught() {
        SecureRandom random = SeededRandom.of(6);
        int swaps = 0;
        int caught = 0;
        for (int n = 0; n < 1000; n++) {
            StringBuilder full = new StringBuilder(DeviceIdText.encode(randomId(random).toBytes()));
            for (int pos = 0; pos + 1 < full.length(); pos++) {
                char a = full.charAt(pos);
                char b = full.charAt(pos + 1);
                if (a == b) {
                    continue;
                }
                full.setCharAt(pos, b);
                full.setCharAt(pos + 1, a);
                swaps++;
                if (!DeviceIdText.checksOk(full)) {
                    caught++;
                }
                full.setCharAt(pos, a);
                full.setCharAt(pos + 1, b);
            }
        }
        assertThat((double) caught / swaps).isGreaterThan(0.9);
    }

    @Test
    void matchesPrefix() {
        DeviceId id = randomId(SeededRandom.of(7));
        String text = id.toString();
        assertThat(id.matchesPrefix(id.shortForm())).isTrue();
        assertThat(id.matchesPrefix(id.shortForm().toLowerCase(Locale.ROOT))).isTrue();
        assertThat(id.matchesPrefix(text.substring(0, 12))).isTrue();
        assertThat(id.matchesPrefix(text)).isTrue();
        assertThat(id.matchesPrefix(text.substring(0, 6))).isFalse();
        assertThat(id.matchesPrefix("")).isFalse();
        assertThat(id.matchesPrefix(null)).isFalse();
        assertThat(id.matchesPrefix(text + "A")).isFalse();
        char[] c = id.shortForm().toCharArray();
        c[0] = c[0] == 'A' ? 'B' : 'A';
        assertThat(id.matchesPrefix(new String(c))).isFalse();
    }

    @Test
    void bytesEqualityAndUnsignedOrder() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80;
        DeviceId a = DeviceId.fromBytes(low);
        DeviceId b = DeviceId.fromBytes(high);
        assertThat(a.compareTo(b)).isNegative();
        assertThat(a).isEqualTo(DeviceId.fromBytes(new byte[32])).hasSameHashCodeAs(DeviceId.fromBytes(new byte[32]));
        low[0] = 1; // fromBytes copied
        assertThat(a.toBytes()[0]).isZero();
        assertThatThrownBy(() -> DeviceId.fromBytes(new byte[31])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31");
        assertThatThrownBy(() -> DeviceId.ofPublicKey(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        List<DeviceId> ids = new ArrayList<>(List.of(b, a));
        ids.sort(null);
        assertThat(ids).containsExactly(a, b);
    }
}
