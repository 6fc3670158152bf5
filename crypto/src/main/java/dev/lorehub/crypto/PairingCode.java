package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.WordList;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A one-time pairing code such as {@code 42-olive-tunnel-ember}: a public nameplate (for finding
 * the inviter on the network) followed by at least 24 secret bits as words from a list chosen for
 * typo detection. Parsing tolerates case and separator differences.
 *
 * <p><b>Format.</b> The nameplate is a decimal number 1..999 (written without leading zeros);
 * then {@value #WORDS} words, each one of 256 (8 bits), so 24 secret bits. The nameplate may be
 * advertised; the secret is the words. The whole canonical text is the password of the pairing
 * PAKE, so a wrong nameplate fails like a wrong word. Because the handshake burns a code after one
 * failed attempt, an attacker has one guess in 2^24.
 *
 * <p><b>Word list.</b> Written for this project: any two words are at least 3 edits apart and
 * differ in their first three letters, so one typo never yields another valid word. {@link #parse}
 * rejects it (suggesting the word it is one edit away from) before any pairing attempt is spent.
 *
 * <p><b>Parsing</b> lower-cases, treats any run of non-alphanumeric characters as a separator, and
 * also splits a nameplate glued to the first word ({@code 42olive}). Leading zeros in the
 * nameplate are ignored. Expiry is the driver's business (it knows the time): see
 * {@link PairingHandshake}.
 *
 * <p>Immutable; equality by canonical text.
 */
public final class PairingCode {
    /** Number of secret words. */
    public static final int WORDS = 3;
    /** Secret bits in a code. */
    public static final int SECRET_BITS = WORDS * 8;
    /** Largest nameplate. */
    public static final int MAX_NAMEPLATE = 999;

    private final int nameplate;
    private final int[] words;

    private PairingCode(int nameplate, int[] words) {
        this.nameplate = nameplate;
        this.words = words;
    }

    public static PairingCode generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        int nameplate = 1 + random.nextInt(MAX_NAMEPLATE);
        int[] w = new int[WORDS];
        for (int i = 0; i < WORDS; i++) {
            w[i] = random.nextInt(WordList.size());
        }
        return new PairingCode(nameplate, w);
    }

    /** @throws InvalidPairingCodeException naming what is wrong (unknown word, missing nameplate ...) */
    public static PairingCode parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidPairingCodeException("no pairing code given; it looks like 42-olive-tunnel-ember");
        }
        List<String> tokens = tokens(text.toLowerCase(Locale.ROOT));
        if (tokens.isEmpty() || !tokens.get(0).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidPairingCodeException("a pairing code starts with its number, e.g. 42-olive-tunnel-ember; got \"" + text.strip() + "\"");
        }
        String digits = tokens.get(0).replaceFirst("^0+(?=.)", "");
        int nameplate = digits.length() > 3 ? -1 : Integer.parseInt(digits);
        if (nameplate < 1 || nameplate > MAX_NAMEPLATE) {
            throw new InvalidPairingCodeException("the number of a pairing code is 1 to " + MAX_NAMEPLATE + ", got " + tokens.get(0));
        }
        List<String> wordTokens = tokens.subList(1, tokens.size());
        if (wordTokens.size() != WORDS) {
            throw new InvalidPairingCodeException("a pairing code has " + WORDS + " words after its number, got " + wordTokens.size());
        }
        int[] w = new int[WORDS];
        for (int i = 0; i < WORDS; i++) {
            String t = wordTokens.get(i);
            int idx = WordList.indexOf(t);
            if (idx < 0) {
                String suggestion = WordList.suggestion(t);
                throw new InvalidPairingCodeException("\"" + t + "\" (word " + (i + 1) + ") is not a pairing word"
                    + (suggestion != null ? "; did you mean \"" + suggestion + "\"?" : "; check the code shown on the other device"));
            }
            w[i] = idx;
        }
        return new PairingCode(nameplate, w);
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean letter = c >= 'a' && c <= 'z';
            if (!digit && !letter) {
                flush(cur, out);
                continue;
            }
            // Split a nameplate glued to the first word ("42olive"), and nothing else.
            if (letter && out.isEmpty() && cur.length() > 0 && Character.isDigit(cur.charAt(cur.length() - 1))) {
                flush(cur, out);
            }
            cur.append(c);
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (cur.length() > 0) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    /** The public part, safe to advertise: the number, e.g. {@code "42"}. */
    public String nameplate() {
        return Integer.toString(nameplate);
    }

    /** The canonical text form, e.g. {@code 42-olive-tunnel-ember}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(nameplate);
        for (int w : words) {
            sb.append('-').append(WordList.word(w));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairingCode p && nameplate == p.nameplate && Arrays.equals(words, p.words);
    }

    @Override
    public int hashCode() {
        return nameplate * 31 + Arrays.hashCode(words);
    }
}
