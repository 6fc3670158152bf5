package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.InvalidDeviceIdException;
import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.DiscoveryListener;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.discovery.StaticPeer;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Discovery wiring: starts mDNS (on the configured addresses, {@code auto} meaning every up,
 * multicast-capable IPv4 interface) and the configured static peers, and turns what they find into
 * endpoint inputs: a paired device's addresses are reported for it, a static peer's address is
 * offered as one to try; unpaired devices are ignored. {@link MdnsWatch} hears every change, so
 * {@code status} can tell when mDNS shows no paired device.
 *
 * <p>Threading: JmDNS's threads call the {@link DiscoveryListener}, which only hands the work to
 * the {@link NodeThread}; {@link #reportKnown} runs on the node thread. Invariant: the endpoint
 * hears of a discovered peer only on the node thread, and always followed by a
 * {@link NetworkDriver#drive}.
 */
final class DiscoveryDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryDriver.class);

    private final Discovery discovery;
    private final NodeEndpoint endpoint;
    private final NetworkDriver network;
    private final NodeThread thread;
    private final DriverClock clock;
    private final MdnsWatch mdns;
    private final Set<DeviceId> paired;

    private DiscoveryDriver(DiscoveryConfig config, NodeEndpoint endpoint, NetworkDriver network, NodeThread thread,
                            DriverClock clock, MdnsWatch mdns, Set<DeviceId> paired) {
        this.endpoint = endpoint;
        this.network = network;
        this.thread = thread;
        this.clock = clock;
        this.mdns = mdns;
        this.paired = paired;
        this.discovery = Discovery.create(config, new Listener()); // it calls back only once started
    }

    /**
     * Announces {@code self} and starts browsing.
     *
     * @param paired the live set of paired devices (read on the node thread)
     * @throws NodeException when a static peer in the configuration is not {@code host:port}
     */
    static DiscoveryDriver start(LocalNode self, NodeConfig config, NodeHome home, NodeEndpoint endpoint,
                                 NetworkDriver network, NodeThread thread, DriverClock clock, MdnsWatch mdns,
                                 Set<DeviceId> paired) throws SocketException, UnknownHostException {
        List<InetAddress> mdnsAddresses = mdnsAddresses(config);
        List<StaticPeer> statics = new ArrayList<>();
        for (String s : config.staticPeers()) {
            try {
                statics.add(StaticPeer.parse(s));
            } catch (IllegalArgumentException e) {
                throw new NodeException(home.config() + ": static peer \"" + s + "\" is not host:port: " + e.getMessage(),
                    NodeException.Reason.CONFIG);
            }
        }
        int version = self.protocolVersion();
        DiscoveryConfig discoveryConfig = DiscoveryConfig.builder(self).mdnsAddresses(mdnsAddresses)
            .staticPeers(statics).deviceIdValidator(DiscoveryDriver::isDeviceId)
            .acceptedProtocolVersions(version, version).build();
        DiscoveryDriver driver = new DiscoveryDriver(discoveryConfig, endpoint, network, thread, clock, mdns, paired);
        driver.discovery.start();
        return driver;
    }

    /** The discovery service itself (pairing advertises and looks up codes through it; status reads it). */
    Discovery discovery() {
        return discovery;
    }

    /** Reports every address discovery currently shows for {@code peer} to the endpoint (node thread). */
    void reportKnown(DeviceId peer) {
        for (DiscoveredPeer p : discovery.peers()) {
            if (p.deviceId().map(peer.toString()::equals).orElse(false)) {
                for (InetAddress a : p.addresses()) {
                    endpoint.reported(peer, new PeerAddress(a.getHostAddress(), p.port()), clock.moment());
                }
            }
        }
    }

    /** JmDNS's and the static peers' callbacks: each hands its work to the node thread. */
    private final class Listener implements DiscoveryListener {
        @Override
        public void peerFound(DiscoveredPeer peer) {
            found(peer);
        }

        @Override
        public void peerLost(DiscoveredPeer peer) {
            lost(peer);
        }
    }

    private void found(DiscoveredPeer peer) {
        thread.later(() -> {
            mdns.changed(peer);
            if (peer.deviceId().isPresent()) {
                DeviceId id = DeviceId.parse(peer.deviceId().get());
                if (!paired.contains(id)) {
                    LOG.debug("Saw unpaired device {} ({})", id.shortForm(), peer.displayName());
                    return;
                }
                for (InetAddress a : peer.addresses()) {
                    endpoint.reported(id, new PeerAddress(a.getHostAddress(), peer.port()), clock.moment());
                }
            } else {
                for (InetAddress a : peer.addresses()) {
                    endpoint.staticAddress(new PeerAddress(a.getHostAddress(), peer.port()), clock.moment());
                }
            }
            network.drive();
        });
    }

    private void lost(DiscoveredPeer peer) {
        thread.later(() -> mdns.changed(peer));
        LOG.debug("Peer {} left the network", peer.key());
    }

    /** Says goodbye on mDNS and stops browsing. */
    @Override
    public void close() {
        discovery.close();
    }

    private static List<InetAddress> mdnsAddresses(NodeConfig config) throws SocketException, UnknownHostException {
        List<InetAddress> out = new ArrayList<>();
        for (String a : config.mdns()) {
            if (a.equalsIgnoreCase("auto")) {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (ni.isUp() && !ni.isLoopback() && ni.supportsMulticast()) {
                        for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
                            if (ia instanceof Inet4Address) {
                                out.add(ia);
                            }
                        }
                    }
                }
            } else {
                out.add(InetAddress.getByName(a));
            }
        }
        return out;
    }

    private static boolean isDeviceId(String text) {
        try {
            DeviceId.parse(text);
            return true;
        } catch (InvalidDeviceIdException e) {
            return false;
        }
    }
}
