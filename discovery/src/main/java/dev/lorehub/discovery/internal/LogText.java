package dev.lorehub.discovery.internal;

/** Makes network-supplied text safe to log: quoted, control characters escaped, length bounded. */
final class LogText {

    static final int MAX_CHARS = 80;

    private LogText() {
    }

    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < text.length() && i < MAX_CHARS; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\'') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (text.length() > MAX_CHARS) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
