package dev.lorehub.discovery;

import java.util.Objects;

/**
 * A configured peer address for networks that block multicast: a host name or IP literal and a port.
 *
 * @param host a host name or an IP literal (IPv6 without brackets)
 * @param port 1–65535
 */
public record StaticPeer(String host, int port) {

    /** Validates the components. */
    public StaticPeer {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.length() > 253 || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c > 126)) {
            throw new IllegalArgumentException("not a host name or IP literal: '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535 in static peer " + host + ":" + port);
        }
    }

    /**
     * Parses {@code host:port}, {@code 1.2.3.4:port} or {@code [v6 literal]:port}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static StaticPeer parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.strip();
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("static peer must look like [v6 address]:port: '" + text + "'");
            }
            host = trimmed.substring(1, close);
            port = trimmed.substring(close + 2);
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || trimmed.indexOf(':') != colon) {
                throw new IllegalArgumentException("static peer must look like host:port (IPv6 as [addr]:port): '" + text + "'");
            }
            host = trimmed.substring(0, colon);
            port = trimmed.substring(colon + 1);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("static peer port is not a number in '" + text + "'");
        }
        return new StaticPeer(host, Integer.parseInt(port));
    }

    /** {@code host:port}, with brackets around an IPv6 literal; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
