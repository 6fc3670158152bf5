package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.endpoint.NodeEndpoint;
import dev.lorehub.node.endpoint.PeerAddress;
import dev.lorehub.node.sync.SyncSession;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's paired devices and what the endpoint knows of them: pinning a newly paired device
 * (and reporting where it can be reached), forgetting one, who is connected and where each stands.
 * The set of paired devices lives here because three parties read it: the transport admits only
 * them during TLS handshakes, discovery ignores everyone else, and auto-join counts them.
 *
 * <p>Threading: {@link #contains} and {@link #snapshot} may be called from any thread (the set is
 * concurrent); everything else runs on the node thread. Invariant: a device is in the set exactly
 * while the replica has it pinned, and the endpoint hears of every change to the set.
 */
final class SyncPeers {
    private final Set<DeviceId> paired = ConcurrentHashMap.newKeySet();
    private final DriverClock clock;
    private Replica replica;
    private NodeEndpoint endpoint;
    private NetworkDriver network;
    private DiscoveryDriver discovery;

    SyncPeers(DriverClock clock) {
        this.clock = clock;
    }

    /** Loads the devices {@code replica} has pinned (node thread, before the endpoint exists). */
    void load(Replica replica) throws Exception {
        this.replica = replica;
        for (LogRows.PeerRow p : replica.peers()) {
            paired.add(p.device());
        }
    }

    /** Wires the endpoint and the network driver, which hear of every change from now on. */
    void attach(NodeEndpoint endpoint, NetworkDriver network) {
        this.endpoint = endpoint;
        this.network = network;
    }

    /** Wires discovery (online only): a newly pinned device's discovered addresses are reported at once. */
    void attach(DiscoveryDriver discovery) {
        this.discovery = discovery;
    }

    /** The live set of paired devices (any thread reads it; only this class changes it). */
    Set<DeviceId> live() {
        return paired;
    }

    /** True if {@code device} is paired (any thread: the transport asks during TLS handshakes). */
    boolean contains(DeviceId device) {
        return paired.contains(device);
    }

    /** A copy of the paired set (any thread). */
    Set<DeviceId> snapshot() {
        return Set.copyOf(paired);
    }

    /**
     * Pins a newly paired peer and starts syncing with it; {@code address}, where it was reached
     * for pairing (a `pair --peer` address), is remembered and dialed when not null.
     */
    void pin(DeviceRecord peer, PeerAddress address) {
        replica.pinPeer(peer, clock.wall());
        paired.add(peer.id());
        endpoint.paired(peer.id(), clock.moment());
        if (address != null) {
            replica.notePeerAddress(peer.id(), address.toString(), clock.wall());
            endpoint.reported(peer.id(), address, clock.moment());
        }
        if (discovery != null) {
            discovery.reportKnown(peer.id());
        }
        network.drive();
    }

    /** Forgets a paired device: no more syncing with it; true if it was pinned. */
    boolean unpair(DeviceId peer) throws Exception {
        paired.remove(peer);
        endpoint.unpaired(peer, clock.moment());
        network.drive();
        return replica.unpinPeer(peer, clock.wall());
    }

    /** Connected peers, each with whether its session is fully synced right now. */
    Map<DeviceId, Boolean> connected() {
        Map<DeviceId, Boolean> out = new HashMap<>();
        for (SyncSession session : endpoint.sessions().values()) {
            out.put(session.peer(), session.isSynced());
        }
        return out;
    }

    /** Where every paired peer stands, per realm. */
    List<NodeEndpoint.PeerStatus> status() {
        return endpoint.status();
    }
}
