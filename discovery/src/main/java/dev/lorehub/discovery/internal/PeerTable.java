package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.PeerSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * mDNS sightings merged into one report per device id. A device may be seen through several of our links
 * and under several instance names; its report lists every address (newest sighting first) and takes port,
 * version and name from the newest sighting. Changes come back as {@link PeerChange}s: a report whose
 * content changed is found again, a device whose last sighting went is lost.
 *
 * <p>Not thread-safe: lives on the discovery thread. Bounded: beyond {@link #MAX_SIGHTINGS} new sightings
 * are refused, so a flood of hostile records cannot grow it without limit.
 */
final class PeerTable {

    static final int MAX_SIGHTINGS = 1024;
    static final int MAX_ADDRESSES_PER_PEER = 16;

    private record Sighting(NodeAdvert advert, List<InetAddress> addresses, int port, long sequence) {
    }

    private final Map<SightingKey, Sighting> sightings = new HashMap<>();
    private final Map<String, DiscoveredPeer> reported = new LinkedHashMap<>();
    private long sequence;

    /** Records (or replaces) what {@code key} advertises; false (and no change) if the table is full. */
    boolean put(SightingKey key, NodeAdvert advert, List<InetAddress> addresses, int port, List<PeerChange> changes) {
        if (!sightings.containsKey(key) && sightings.size() >= MAX_SIGHTINGS) {
            return false;
        }
        Sighting previous = sightings.put(key, new Sighting(advert, List.copyOf(addresses), port, ++sequence));
        Set<String> touched = new LinkedHashSet<>();
        touched.add(advert.deviceId());
        if (previous != null) {
            touched.add(previous.advert().deviceId());
        }
        refresh(touched, changes);
        return true;
    }

    /** Forgets {@code key}'s sighting, if any. */
    void remove(SightingKey key, List<PeerChange> changes) {
        Sighting previous = sightings.remove(key);
        if (previous != null) {
            refresh(Set.of(previous.advert().deviceId()), changes);
        }
    }

    /** Forgets everything seen through {@code linkId}. */
    void removeLink(String linkId, List<PeerChange> changes) {
        Set<String> touched = new LinkedHashSet<>();
        sightings.entrySet().removeIf(entry -> {
            if (entry.getKey().linkId().equals(linkId)) {
                touched.add(entry.getValue().advert().deviceId());
                return true;
            }
            return false;
        });
        refresh(touched, changes);
    }

    /** Current reports, in order of first report. */
    List<DiscoveredPeer> peers() {
        return List.copyOf(reported.values());
    }

    private void refresh(Set<String> deviceIds, List<PeerChange> changes) {
        for (String deviceId : deviceIds) {
            Optional<DiscoveredPeer> now = merge(deviceId);
            DiscoveredPeer before = reported.get(deviceId);
            if (now.isEmpty()) {
                if (before != null) {
                    reported.remove(deviceId);
                    changes.add(PeerChange.lost(before));
                }
            } else if (!now.get().equals(before)) {
                reported.put(deviceId, now.get());
                changes.add(PeerChange.found(now.get()));
            }
        }
    }

    private Optional<DiscoveredPeer> merge(String deviceId) {
        List<Sighting> mine = new ArrayList<>();
        for (Sighting sighting : sightings.values()) {
            if (sighting.advert().deviceId().equals(deviceId)) {
                mine.add(sighting);
            }
        }
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        mine.sort(Comparator.comparingLong(Sighting::sequence).reversed());
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (Sighting sighting : mine) {
            for (InetAddress address : sighting.addresses()) {
                if (addresses.size() < MAX_ADDRESSES_PER_PEER) {
                    addresses.add(address);
                }
            }
        }
        Sighting newest = mine.get(0);
        return Optional.of(new DiscoveredPeer(
                "mdns:" + deviceId,
                PeerSource.MDNS,
                Optional.of(deviceId),
                newest.advert().displayName(),
                List.copyOf(addresses),
                newest.port(),
                OptionalInt.of(newest.advert().protocolVersion())));
    }
}
