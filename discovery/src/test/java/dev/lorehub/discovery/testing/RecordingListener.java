package dev.lorehub.discovery.testing;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.DiscoveryListener;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that remembers every event, for assertions from the test thread. */
public final class RecordingListener implements DiscoveryListener {

    public record Event(boolean found, DiscoveredPeer peer) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void peerFound(DiscoveredPeer peer) {
        events.add(new Event(true, peer));
    }

    @Override
    public void peerLost(DiscoveredPeer peer) {
        events.add(new Event(false, peer));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The latest found report for {@code deviceId}, if it was ever found. */
    public Optional<DiscoveredPeer> found(String deviceId) {
        DiscoveredPeer last = null;
        for (Event event : events) {
            if (event.found() && event.peer().deviceId().filter(deviceId::equals).isPresent()) {
                last = event.peer();
            }
        }
        return Optional.ofNullable(last);
    }

    public boolean lost(String deviceId) {
        return events.stream().anyMatch(e -> !e.found() && e.peer().deviceId().filter(deviceId::equals).isPresent());
    }

    /** True if {@code deviceId} was ever reported at all (found or lost). */
    public boolean mentions(String deviceId) {
        return events.stream().anyMatch(e -> e.peer().deviceId().filter(deviceId::equals).isPresent());
    }

    public List<DiscoveredPeer> foundWithKey(String key) {
        return events.stream().filter(e -> e.found() && e.peer().key().equals(key)).map(Event::peer).toList();
    }

    public boolean lostKey(String key) {
        return events.stream().anyMatch(e -> !e.found() && e.peer().key().equals(key));
    }
}
