package dev.lorehub.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A peer as discovery sees it: where to connect, and what it claims to be.
 *
 * <p>Nothing here is authenticated. An mDNS peer's {@link #deviceId()} is what its TXT record claims; a
 * static peer has none ({@link Optional#empty()}) until the node has run TLS with it. The node must check
 * the identity presented on the TLS connection, never this record.
 *
 * @param key             stable identity of this report: {@code "mdns:<device id>"} for mDNS peers (all the
 *                        addresses a device is seen on are merged into one report), {@code "static:<host>:<port>"}
 *                        for static peers. The same device may appear under both kinds of key.
 * @param source          how it was found
 * @param deviceId        the claimed device id (canonical text form), empty for static peers
 * @param displayName     the advertised display name, {@code ""} when unknown
 * @param addresses       addresses to try, never empty, without duplicates
 * @param port            the TCP port of its sync service
 * @param protocolVersion the advertised protocol version, empty for static peers
 */
public record DiscoveredPeer(
        String key,
        PeerSource source,
        Optional<String> deviceId,
        String displayName,
        List<InetAddress> addresses,
        int port,
        OptionalInt protocolVersion) {

    /** Validates and copies; see the record description for each component. */
    public DiscoveredPeer {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(protocolVersion, "protocolVersion");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a discovered peer needs at least one address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@link #addresses()} paired with {@link #port()}, in the same order. */
    public List<InetSocketAddress> socketAddresses() {
        return addresses.stream().map(address -> new InetSocketAddress(address, port)).toList();
    }
}
