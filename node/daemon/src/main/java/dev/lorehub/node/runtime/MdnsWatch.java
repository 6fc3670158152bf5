package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.PeerSource;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Watches whether mDNS shows any paired device, so that {@code status} can say when it has shown
 * none for a while (multicast blocked, another subnet) and point at {@code staticPeers}. Addresses
 * themselves (remembered after a dial or a {@code pair --peer}, dialed after restarts) belong to
 * the endpoint's {@link dev.lorehub.node.endpoint.PeerDialing}.
 *
 * <p>Runs on the node thread.
 */
final class MdnsWatch {
    /** How long mDNS may show none of the paired devices before {@code status} says so. */
    static final long MDNS_QUIET_MILLIS = 2 * 60_000;

    private final Supplier<Set<DeviceId>> paired;
    private final LongSupplier clock;
    private final long startedAt;
    /** When mDNS last showed a paired device (found or lost), or -1. */
    private long pairedSeenAt = -1;

    MdnsWatch(Supplier<Set<DeviceId>> paired, LongSupplier clock) {
        this.paired = paired;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
    }

    /** mDNS found or lost {@code peer}: notes when a paired device was last visible there. */
    void changed(DiscoveredPeer peer) {
        if (peer.source() == PeerSource.MDNS && peer.deviceId().map(this::isPaired).orElse(false)) {
            pairedSeenAt = clock.getAsLong();
        }
    }

    private boolean isPaired(String deviceId) {
        return paired.get().stream().anyMatch(d -> d.toString().equals(deviceId));
    }

    /**
     * What {@code status} should say about mDNS, or empty when it shows paired devices (or none are
     * paired): mDNS is off, or has shown none of the paired devices for {@link #MDNS_QUIET_MILLIS}.
     */
    Optional<String> warning(List<DiscoveredPeer> visible, boolean mdnsOn, List<String> staticPeers, String configFile) {
        Set<String> ids = new HashSet<>();
        paired.get().forEach(d -> ids.add(d.toString()));
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        boolean seen = visible.stream().anyMatch(p -> p.source() == PeerSource.MDNS && p.deviceId().map(ids::contains).orElse(false));
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
}
