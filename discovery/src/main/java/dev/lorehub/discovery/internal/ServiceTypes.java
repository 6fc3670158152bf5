package dev.lorehub.discovery.internal;

import java.util.Locale;

/** The two DNS-SD service types LoreHub uses. */
final class ServiceTypes {

    /** A running node: SRV port = sync service, TXT = {@link LoreHubTxt} node keys. */
    static final String NODE = "_lorehub._tcp.local.";

    /** An open pairing code's public nameplate: SRV port = the node's service, TXT = nameplate keys. */
    static final String PAIRING = "_lorehub-pair._tcp.local.";

    private ServiceTypes() {
    }

    static boolean isNode(String type) {
        return type != null && NODE.equals(type.toLowerCase(Locale.ROOT));
    }

    static boolean isPairing(String type) {
        return type != null && PAIRING.equals(type.toLowerCase(Locale.ROOT));
    }
}
