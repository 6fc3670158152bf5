package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.PeerSource;
import dev.lorehub.node.store.EventStore;
import dev.lorehub.node.transport.PeerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps paired devices reachable where mDNS cannot find them (multicast blocked, another subnet):
 * the address a device was last reached at, by a connection this node dialed, or announced by it
 * while pairing ({@code pair CODE --peer host:port}), is stored with the peer
 * ({@code lhsync_peers.last_address}) and dialed again whenever the node starts. It also watches
 * whether mDNS sees any paired device, so that {@code status} can say when it has seen none for a
 * while and point at {@code staticPeers}.
 *
 * <p>Runs on the node thread, like everything that touches the replica.
 */
final class PeerAddresses {
    /** How long mDNS may see none of the paired devices before {@code status} says so. */
    static final long MDNS_QUIET_MILLIS = 2 * 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(PeerAddresses.class);

    private final NodeRuntime runtime;
    private final long startedAt;
    /** When mDNS last showed a paired device (found or lost), or -1. */
    private long pairedSeenAt = -1;

    PeerAddresses(NodeRuntime runtime) {
        this.runtime = runtime;
        this.startedAt = runtime.now();
    }

    /** Dials every paired device at its remembered address (node start). */
    void dialRemembered() {
        for (EventStore.PeerRow p : runtime.replica().peers()) {
            parse(p.lastAddress()).ifPresent(a -> runtime.transport().connectTo(DeviceId.fromBytes(p.device()), a));
        }
    }

    /**
     * A paired connection opened. If this node dialed it, the address it dialed reached that very
     * device (TLS proved it): remember it. An inbound connection's source port says nothing about
     * where the peer listens, so it is not remembered.
     */
    void opened(PeerConnection connection) {
        if (connection.initiator() && connection.remote() instanceof InetSocketAddress address) {
            remember(connection.peer(), address);
        }
    }

    /**
     * Remembers where {@code peer} listens and dials it there now (after pairing: the address the
     * peer announced on the pairing connection).
     */
    void learned(DeviceId peer, InetSocketAddress address) {
        remember(peer, address);
        runtime.transport().connectTo(peer, address);
    }

    private void remember(DeviceId peer, InetSocketAddress address) {
        String text = format(address);
        try {
            Optional<EventStore.PeerRow> row = runtime.replica().peers().stream()
                .filter(p -> Arrays.equals(p.device(), peer.toBytes())).findFirst();
            if (row.isEmpty() || text.equals(row.get().lastAddress())) {
                return;
            }
            runtime.replica().database().runInTransaction(c -> runtime.replica().events().touchPeer(peer.toBytes(), text, null));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not remember the address of {} ({}): {}", peer.shortForm(), text, e.getMessage());
        }
    }

    /** mDNS found or lost {@code peer}: notes when a paired device was last visible there. */
    void mdnsChanged(DiscoveredPeer peer) {
        if (peer.source() == PeerSource.MDNS && peer.deviceId().map(this::isPaired).orElse(false)) {
            pairedSeenAt = runtime.now();
        }
    }

    private boolean isPaired(String deviceId) {
        return runtime.replica().peers().stream()
            .anyMatch(p -> DeviceId.fromBytes(p.device()).toString().equals(deviceId));
    }

    /**
     * What {@code status} should say about mDNS, or empty when it finds paired devices (or none are
     * paired): mDNS is off, or has shown none of the paired devices for {@link #MDNS_QUIET_MILLIS}.
     */
    Optional<String> mdnsWarning(List<DiscoveredPeer> visible, boolean mdnsOn, List<String> staticPeers, String configFile) {
        Set<String> paired = new HashSet<>();
        runtime.replica().peers().forEach(p -> paired.add(DeviceId.fromBytes(p.device()).toString()));
        if (paired.isEmpty()) {
            return Optional.empty();
        }
        long now = runtime.now();
        boolean seen = visible.stream().anyMatch(p -> p.source() == PeerSource.MDNS
            && p.deviceId().map(paired::contains).orElse(false));
        if (seen) {
            pairedSeenAt = now;
        }
        return warning(mdnsOn, seen, now - Math.max(startedAt, pairedSeenAt), staticPeers, configFile);
    }

    /** The rule and its words, apart from the node (tests give it times directly). */
    static Optional<String> warning(boolean mdnsOn, boolean pairedVisible, long quietMillis, List<String> staticPeers,
                                    String configFile) {
        String statics = staticPeers.isEmpty()
            ? "add your other devices' addresses to \"staticPeers\" in " + configFile + " (e.g. \"staticPeers\": "
                + "[\"192.168.1.20:7465\"]); devices paired with --peer are dialed at their remembered address"
            : "\"staticPeers\" in " + configFile + " lists " + String.join(", ", staticPeers) + "; check that those "
                + "addresses and ports are right and reachable";
        if (!mdnsOn) {
            return Optional.of("mDNS is off (\"mdns\": [] in " + configFile + "), so no device is found on the network: "
                + statics + ".");
        }
        if (pairedVisible || quietMillis < MDNS_QUIET_MILLIS) {
            return Optional.empty();
        }
        return Optional.of("mDNS has found none of your paired devices for " + minutes(quietMillis) + " (is multicast "
            + "blocked on this network, or are they on another one?): " + statics + ".");
    }

    private static String minutes(long millis) {
        long m = millis / 60_000;
        return m < 120 ? m + " min" : (m / 60) + " h";
    }

    /** {@code host:port}, IPv6 in brackets. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** A remembered address, or empty if absent or unreadable. Never resolves names: only literals are stored. */
    static Optional<InetSocketAddress> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = text.substring(0, colon).replaceAll("^\\[|]$", "");
            if (port < 1 || port > 65535 || !host.matches("[0-9a-fA-F:.%]+")) {
                return Optional.empty();
            }
            return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (NumberFormatException | UnknownHostException e) {
            return Optional.empty();
        }
    }
}
