package dev.lorehub.discovery;

/** How a peer was found. */
public enum PeerSource {
    /** Announced itself over mDNS/DNS-SD on one of our configured addresses; its device id is a claim. */
    MDNS,
    /** A configured {@code host:port} that accepted a TCP connection; its device id is unknown until TLS. */
    STATIC
}
