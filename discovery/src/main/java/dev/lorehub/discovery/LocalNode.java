package dev.lorehub.discovery;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What this node announces about itself.
 *
 * @param deviceId        the full device id in its canonical text form (checked by
 *                        {@link DiscoveryConfig.Builder#deviceIdValidator})
 * @param shortId         the short form shown to people; goes into the instance name. 1–16 ASCII letters,
 *                        digits or {@code -}
 * @param displayName     a human-readable name such as {@code "Ada's laptop"}; not blank. Dots, backslashes
 *                        and control characters are replaced in the instance name (JmDNS cannot carry them
 *                        reliably) and it is shortened to fit one DNS label
 * @param port            the TCP port of the sync service, 1–65535
 * @param protocolVersion the sync protocol version spoken on that port, 0–999999
 */
public record LocalNode(String deviceId, String shortId, String displayName, int port, int protocolVersion) {

    private static final Pattern SHORT_ID = Pattern.compile("[A-Za-z0-9-]{1,16}");

    /** Validates the components; see the record description. */
    public LocalNode {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(shortId, "shortId");
        Objects.requireNonNull(displayName, "displayName");
        if (!SHORT_ID.matcher(shortId).matches()) {
            throw new IllegalArgumentException("shortId must be 1-16 ASCII letters, digits or '-': " + shortId);
        }
        if (displayName.isBlank()) {
            throw new IllegalArgumentException("displayName must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        if (protocolVersion < 0 || protocolVersion > 999_999) {
            throw new IllegalArgumentException("protocolVersion must be 0-999999: " + protocolVersion);
        }
    }
}
