package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.PairingCandidate;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairing advertisements currently visible, by the link and instance they were seen on. Not thread-safe:
 * lives on the discovery thread. Bounded like {@link PeerTable}.
 */
final class PairingBoard {

    static final int MAX_ADVERTS = 256;
    static final int MAX_ADDRESSES_PER_ADVERT = 16;

    private record Advert(String instance, PairingAdvert advert, List<InetAddress> addresses, int port) {
    }

    private final Map<SightingKey, Advert> adverts = new LinkedHashMap<>();

    /** Records what {@code key} advertises; false if the board is full. */
    boolean put(SightingKey key, String instance, PairingAdvert advert, List<InetAddress> addresses, int port) {
        if (!adverts.containsKey(key) && adverts.size() >= MAX_ADVERTS) {
            return false;
        }
        List<InetAddress> kept = addresses.size() > MAX_ADDRESSES_PER_ADVERT ? addresses.subList(0, MAX_ADDRESSES_PER_ADVERT) : addresses;
        adverts.put(key, new Advert(instance, advert, List.copyOf(kept), port));
        return true;
    }

    void remove(SightingKey key) {
        adverts.remove(key);
    }

    void removeLink(String linkId) {
        adverts.keySet().removeIf(key -> key.linkId().equals(linkId));
    }

    /** Every address of every advertiser of the normalised {@code nameplate}, without duplicates. */
    List<PairingCandidate> candidates(String nameplate) {
        List<PairingCandidate> out = new ArrayList<>();
        for (Advert advert : adverts.values()) {
            if (!advert.advert().nameplate().equals(nameplate)) {
                continue;
            }
            for (InetAddress address : advert.addresses()) {
                PairingCandidate candidate = new PairingCandidate(nameplate, advert.instance(),
                        new InetSocketAddress(address, advert.port()), advert.advert().protocolVersion());
                if (!out.contains(candidate)) {
                    out.add(candidate);
                }
            }
        }
        return out;
    }
}
