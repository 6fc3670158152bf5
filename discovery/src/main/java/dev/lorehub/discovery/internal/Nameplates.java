package dev.lorehub.discovery.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Syntax of the public nameplate of a pairing code: 1–32 ASCII letters, digits or {@code -}, any case. */
final class Nameplates {

    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9-]{1,32}");

    private Nameplates() {
    }

    static boolean isValid(String nameplate) {
        return nameplate != null && SYNTAX.matcher(nameplate).matches();
    }

    /** The form compared and advertised: lower case. */
    static String normalize(String nameplate) {
        if (!isValid(nameplate)) {
            throw new IllegalArgumentException("a nameplate is 1-32 ASCII letters, digits or '-': '" + nameplate + "'");
        }
        return nameplate.toLowerCase(Locale.ROOT);
    }
}
