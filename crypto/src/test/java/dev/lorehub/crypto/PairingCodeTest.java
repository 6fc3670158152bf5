package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.WordList;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PairingCodeTest {
    @Test
    void wordListIsBuiltForTypoDetection() {
        List<String> words = WordList.all();
        assertThat(words).hasSize(256).doesNotHaveDuplicates();
        Set<String> prefixes = new HashSet<>();
        for (String w : words) {
            assertThat(w).matches("[a-z]{4,8}");
            assertThat(prefixes.add(w.substring(0, 3))).as("first three letters of %s are unique", w).isTrue();
        }
        for (int i = 0; i < words.size(); i++) {
            for (int j = i + 1; j < words.size(); j++) {
                assertThat(WordList.editDistance(words.get(i), words.get(j)))
                    .as("%s vs %s", words.get(i), words.get(j)).isGreaterThanOrEqualTo(3);
            }
        }
    }

    @Test
    void everySingleTypoOfEveryWordIsCaughtAndCorrectable() {
        for (String w : WordList.all()) {
            for (String typo : singleEdits(w)) {
                if (typo.equals(w)) {
                    continue;
                }
                assertThat(WordList.indexOf(typo)).as("%s -> %s", w, typo).isNegative();
                assertThat(WordList.suggestion(typo)).isEqualTo(w);
            }
        }
    }

    private static List<String> singleEdits(String w) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i <= w.length(); i++) {
            for (char c = 'a'; c <= 'z'; c++) {
                out.add(w.substring(0, i) + c + w.substring(i)); // insertion
                if (i < w.length()) {
                    out.add(w.substring(0, i) + c + w.substring(i + 1)); // substitution
                }
            }
            if (i < w.length()) {
                out.add(w.substring(0, i) + w.substring(i + 1)); // deletion
            }
            if (i + 1 < w.length()) {
                out.add(w.substring(0, i) + w.charAt(i + 1) + w.charAt(i) + w.substring(i + 2)); // swap
            }
        }
        return out;
    }

    @Test
    void generateAndParseRoundTrip() {
        SecureRandom random = SeededRandom.of(71);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            PairingCode code = PairingCode.generate(random);
            String text = code.toString();
            assertThat(text).matches("[1-9][0-9]{0,2}(-[a-z]{4,8}){3}");
            assertThat(PairingCode.parse(text)).isEqualTo(code);
            assertThat(code.nameplate()).isEqualTo(text.substring(0, text.indexOf('-')));
            seen.add(text);
        }
        assertThat(seen.size()).isGreaterThan(1990);
        assertThat(PairingCode.SECRET_BITS).isGreaterThanOrEqualTo(24);
    }

    @Test
    void parseToleratesCaseAndSeparators() {
        PairingCode code = PairingCode.parse("42-olive-tunnel-ember");
        assertThat(code.toString()).isEqualTo("42-olive-tunnel-ember");
        for (String variant : List.of("42 olive tunnel ember", " 42_OLIVE.Tunnel,ember ", "042-olive-tunnel-ember",
            "42olive tunnel ember", "42 -- olive\ttunnel  ember")) {
            assertThat(PairingCode.parse(variant)).as(variant).isEqualTo(code);
        }
    }

    @Test
    void parseErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> PairingCode.parse("olive-tunnel-ember")).isInstanceOf(InvalidPairingCodeException.class)
            .hasMessageContaining("starts with its number");
        assertThatThrownBy(() -> PairingCode.parse("42-olive-tunnel")).isInstanceOf(InvalidPairingCodeException.class)
            .hasMessageContaining("3 words").hasMessageContaining("got 2");
        assertThatThrownBy(() -> PairingCode.parse("42-olive-tunel-ember")).isInstanceOf(InvalidPairingCodeException.class)
            .hasMessageContaining("\"tunel\"").hasMessageContaining("did you mean \"tunnel\"");
        assertThatThrownBy(() -> PairingCode.parse("42-olive-xyzzy-ember")).isInstanceOf(InvalidPairingCodeException.class)
            .hasMessageContaining("\"xyzzy\"");
        assertThatThrownBy(() -> PairingCode.parse("0-olive-tunnel-ember")).isInstanceOf(InvalidPairingCodeException.class)
            .hasMessageContaining("1 to 999");
        assertThatThrownBy(() -> PairingCode.parse("1000-olive-tunnel-ember")).isInstanceOf(InvalidPairingCodeException.class);
        assertThatThrownBy(() -> PairingCode.parse("  ")).isInstanceOf(InvalidPairingCodeException.class);
        assertThatThrownBy(() -> PairingCode.parse(null)).isInstanceOf(InvalidPairingCodeException.class);
    }
}
