package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveredPeer;

/** A change to report to the listener. */
record PeerChange(Kind kind, DiscoveredPeer peer) {

    enum Kind { FOUND, LOST }

    static PeerChange found(DiscoveredPeer peer) {
        return new PeerChange(Kind.FOUND, peer);
    }

    static PeerChange lost(DiscoveredPeer peer) {
        return new PeerChange(Kind.LOST, peer);
    }
}
