package dev.lorehub.node.core;

import java.util.Locale;

/**
 * Normalises git remote URLs so that one project's remote matches across devices however it
 * was cloned: {@code git@github.com:Ann/api.git}, {@code https://ann@github.com/Ann/api},
 * {@code ssh://git@github.com:22/Ann/api.git} all become {@code github.com/ann/api}.
 */
public final class GitRemotes {
    private GitRemotes() {
    }

    /** The normalised form, or null for null or blank input. */
    public static String normalize(String remote) {
        if (remote == null || remote.isBlank()) {
            return null;
        }
        String s = remote.trim();
        s = s.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", ""); // scheme
        s = s.replaceFirst("^[^@/]+@", "");                      // user
        int colon = s.indexOf(':');
        int slash = s.indexOf('/');
        if (colon >= 0 && (slash < 0 || colon < slash)) {
            String rest = s.substring(colon + 1);
            rest = rest.replaceFirst("^\\d+/", "");               // a port
            s = s.substring(0, colon) + "/" + rest;               // scp-like host:path
        }
        s = s.replaceAll("/+$", "").replaceFirst("\\.git$", "").replaceAll("/+", "/");
        return s.toLowerCase(Locale.ROOT);
    }
}
