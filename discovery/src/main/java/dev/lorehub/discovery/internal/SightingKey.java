package dev.lorehub.discovery.internal;

import java.util.Locale;

/** One service instance as seen through one of our JmDNS instances ("links"). DNS names ignore case. */
record SightingKey(String linkId, String instance) {

    static SightingKey of(String linkId, String instance) {
        return new SightingKey(linkId, instance.toLowerCase(Locale.ROOT));
    }
}
