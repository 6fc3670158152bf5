package dev.lorehub.discovery;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A device that advertises the nameplate being looked up, at one of its addresses.
 *
 * <p>Not authenticated: anyone on the network can advertise any nameplate. The pairing handshake itself
 * proves knowledge of the code. Several candidates may share an {@link #advertiser()} (one per address);
 * several advertisers for one nameplate mean a collision the user should hear about.
 *
 * @param nameplate       the nameplate, as advertised
 * @param advertiser      the DNS-SD instance name of the advertisement (groups one device's addresses)
 * @param address         where to connect for the pairing handshake
 * @param protocolVersion the advertised protocol version
 */
public record PairingCandidate(String nameplate, String advertiser, InetSocketAddress address, int protocolVersion) {

    /** Checks that no component is null. */
    public PairingCandidate {
        Objects.requireNonNull(nameplate, "nameplate");
        Objects.requireNonNull(advertiser, "advertiser");
        Objects.requireNonNull(address, "address");
    }
}
