package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.LocalNode;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The names we publish: DNS-SD instance names (what browsers show) and the mDNS host name of each JmDNS
 * instance. All fit one DNS label (63 bytes).
 */
final class InstanceNames {

    static final int MAX_LABEL_BYTES = 63;

    private InstanceNames() {
    }

    /**
     * {@code "<display name> (<short id>)"} on our first link, {@code "<display name> (<short id>) #<n>"} on the
     * n-th: each JmDNS instance is a separate responder, and two responders of one device on the same LAN
     * publishing one name with different SRV targets make JmDNS's conflict handling flip between them. The
     * display name is shortened to fit; dots and backslashes become {@code -} and control characters spaces
     * (DNS-SD allows them, but JmDNS splits names at dots).
     */
    static String node(LocalNode node, int ordinal) {
        String suffix = " (" + node.shortId() + ")" + linkSuffix(ordinal);
        String name = LoreHubTxt.Utf8.printable(node.displayName()).replace('.', '-').replace('\\', '-');
        int room = MAX_LABEL_BYTES - suffix.length();
        name = LoreHubTxt.Utf8.truncate(name, room).strip();
        return (name.isEmpty() ? "LoreHub" : name) + suffix;
    }

    /** {@code "pairing <nameplate> (<short id>)"} (plus {@code " #<n>"} as for {@link #node}): at most 62 bytes. */
    static String pairing(String nameplate, LocalNode node, int ordinal) {
        return "pairing " + nameplate + " (" + node.shortId() + ")" + linkSuffix(ordinal);
    }

    private static String linkSuffix(int ordinal) {
        if (ordinal < 0 || ordinal > 8) {
            throw new IllegalArgumentException("link ordinal must be 0-8: " + ordinal);
        }
        return ordinal == 0 ? "" : " #" + (ordinal + 1);
    }

    /**
     * The mDNS host name (without {@code .local.}) for {@code node} on {@code address}:
     * {@code lorehub-<short id>-<address tag>}. One per address, so two of our JmDNS instances never claim
     * the same host name.
     */
    static String host(LocalNode node, InetAddress address) {
        String tag;
        if (address instanceof Inet4Address) {
            tag = address.getHostAddress().replace('.', '-');
        } else {
            CRC32 crc = new CRC32();
            crc.update(address.getAddress());
            tag = String.format(Locale.ROOT, "%08x", crc.getValue());
        }
        return "lorehub-" + node.shortId().toLowerCase(Locale.ROOT) + "-" + tag;
    }
}
