package dev.lorehub.discovery.internal;

import java.net.InetAddress;
import java.util.List;

/**
 * A copy of what JmDNS resolved for one service instance, taken on the JmDNS thread so that nothing of
 * JmDNS's mutable state crosses to ours. Nothing in it is validated yet.
 */
record ServiceSighting(String type, String instance, int port, List<InetAddress> addresses, byte[] txt) {
}
