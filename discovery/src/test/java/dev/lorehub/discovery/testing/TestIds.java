package dev.lorehub.discovery.testing;

import java.security.SecureRandom;

/** Device ids that pass the basic syntax check and never repeat across tests or runs. */
public final class TestIds {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestIds() {
    }

    /** A 32-character base32-looking id grouped like {@code XXXXXXXX-XXXXXXXX-...}. */
    public static String deviceId() {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if (i > 0 && i % 8 == 0) {
                id.append('-');
            }
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    /** The first group of {@code deviceId}, as the short form. */
    public static String shortId(String deviceId) {
        return deviceId.substring(0, 8);
    }
}
