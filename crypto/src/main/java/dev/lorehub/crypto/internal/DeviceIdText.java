package dev.lorehub.crypto.internal;

import java.util.Arrays;
/**
 * The text form of a device id (see {@code DeviceId} for the user-facing contract).
 *
 * <p>32 bytes are written as 52 characters of RFC 4648 base32 ({@code A-Z2-7}, no padding; the
 * last character carries 1 data bit and 4 zero bits). The 52 characters are cut into 4 blocks of
 * 13 and each block is followed by one Luhn mod 32 check character over that block: 56
 * characters, shown as 8 groups of 7 joined by {@code -}. Luhn mod N changes the weighted sum by a
 * non-zero amount for any single-character substitution (the doubling map is a permutation of
 * 0..31), so every single mistyped character is detected, as are most adjacent swaps.
 */
public final class DeviceIdText {
    public static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    public static final int DATA_CHARS = 52;
    public static final int BLOCK = 13;
    public static final int BLOCKS = 4;
    public static final int FULL_CHARS = DATA_CHARS + BLOCKS; // 56
    public static final int GROUP = 7;
    public static final int SHORT_CHARS = GROUP;

    private static final int[] VALUE = new int[128];

    static {
        Arrays.fill(VALUE, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUE[ALPHABET.charAt(i)] = i;
        }
    }

    private DeviceIdText() {
    }

    /** The 56 characters without separators. */
    public static String encode(byte[] id) {
        char[] data = base32(id);
        StringBuilder sb = new StringBuilder(FULL_CHARS);
        for (int b = 0; b < BLOCKS; b++) {
            sb.append(data, b * BLOCK, BLOCK);
            sb.append(luhnCheck(data, b * BLOCK, BLOCK));
        }
        return sb.toString();
    }

    /** {@code XXXXXXX-XXXXXXX-...}: the 56 characters in groups of 7. */
    public static String format(String full) {
        StringBuilder sb = new StringBuilder(FULL_CHARS + FULL_CHARS / GROUP);
        for (int i = 0; i < full.length(); i += GROUP) {
            if (i > 0) {
                sb.append('-');
            }
            sb.append(full, i, Math.min(full.length(), i + GROUP));
        }
        return sb.toString();
    }

    /**
     * Upper-cases, drops separators (whitespace, {@code - _ . :}) and maps the characters base32
     * leaves out onto the letters people mean by them ({@code 0→O}, {@code 1→I}, {@code 8→B}).
     *
     * @return the normalised characters, or {@code null} with {@code problem[0]} set when a character is not allowed
     */
    public static String normalize(String text, String[] problem) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '-' || c == '_' || c == '.' || c == ':') {
                continue;
            }
            char u = Character.toUpperCase(c);
            if (u == '0') {
                u = 'O';
            } else if (u == '1') {
                u = 'I';
            } else if (u == '8') {
                u = 'B';
            }
            if (u >= 128 || VALUE[u] < 0) {
                problem[0] = "character '" + c + "' at position " + (i + 1) + " is not used in device ids (letters A-Z and digits 2-7)";
                return null;
            }
            sb.append(u);
        }
        return sb.toString();
    }

    /** True if the 56 normalised characters have all four check characters right. Allocation-free. */
    public static boolean checksOk(CharSequence full) {
        return full.length() == FULL_CHARS && firstBadBlock(full) < 0;
    }

    /** Index (0..3) of the first block whose check character is wrong, or -1. */
    public static int firstBadBlock(CharSequence full) {
        for (int b = 0; b < BLOCKS; b++) {
            int start = b * (BLOCK + 1);
            if (luhnCheck(full, start, BLOCK) != full.charAt(start + BLOCK)) {
                return b;
            }
        }
        return -1;
    }

    /** The 52 data characters of a full (56-character, normalised) form. */
    public static String dataChars(CharSequence full) {
        StringBuilder sb = new StringBuilder(DATA_CHARS);
        for (int b = 0; b < BLOCKS; b++) {
            int start = b * (BLOCK + 1);
            sb.append(full, start, start + BLOCK);
        }
        return sb.toString();
    }

    /**
     * Decodes 52 base32 characters to 32 bytes.
     *
     * @return the bytes, or {@code null} when the unused low bits of the last character are not zero
     */
    public static byte[] decodeData(CharSequence data) {
        byte[] out = new byte[32];
        int buffer = 0;
        int bits = 0;
        int at = 0;
        for (int i = 0; i < DATA_CHARS; i++) {
            buffer = (buffer << 5) | VALUE[data.charAt(i)];
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[at++] = (byte) (buffer >>> bits);
                buffer &= (1 << bits) - 1;
            }
        }
        return buffer == 0 ? out : null; // 4 leftover bits must be zero: one text per id
    }

    private static char[] base32(byte[] in) {
        char[] out = new char[DATA_CHARS];
        int buffer = 0;
        int bits = 0;
        int at = 0;
        for (byte b : in) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[at++] = ALPHABET.charAt((buffer >>> bits) & 31);
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0) {
            out[at++] = ALPHABET.charAt((buffer << (5 - bits)) & 31);
        }
        return out;
    }

    /** Luhn mod 32 check character over {@code s[from, from+len)} (the standard Luhn mod N algorithm). */
    static char luhnCheck(char[] s, int from, int len) {
        return luhnCheck(java.nio.CharBuffer.wrap(s), from, len);
    }

    static char luhnCheck(CharSequence s, int from, int len) {
        int factor = 2;
        int sum = 0;
        for (int i = from + len - 1; i >= from; i--) {
            int addend = factor * VALUE[s.charAt(i)];
            factor = factor == 2 ? 1 : 2;
            sum += addend / 32 + addend % 32;
        }
        return ALPHABET.charAt((32 - sum % 32) % 32);
    }
}
