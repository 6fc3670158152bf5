package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a remote round needs from its node: the realms and events held here, and ingest of events
 * pulled from a remote (which verifies them exactly like events from a peer: signature, authority,
 * realm boundary). Implemented over a replica by {@link ReplicaEvents}; the daemon's implementation
 * runs each call on its node thread.
 */
public interface LocalEvents {
    /** This device. */
    DeviceId self();

    /** The realms this device syncs. */
    Set<RealmId> realms();

    /** Ids of every event of a realm held here. */
    List<EventId> ids(RealmId realm);

    /** Ids of the realm's membership events (pushed first: readers need them to authorise the rest). */
    Set<EventId> membership(RealmId realm);

    /** An event's sealed bytes. */
    Optional<byte[]> sealed(EventId id);

    /** Verifies, stores and applies a batch of sealed events (one transaction). */
    Ingested ingest(List<byte[]> sealed, long now);

    /**
     * What an ingest did.
     *
     * @param stored             events newly stored
     * @param duplicates         events already held
     * @param later              events refused only for now (their realm or their author's membership is not
     *                           known yet): offered again once more membership arrives
     * @param refused            events refused for good, with reasons (bad signature, malformed ...)
     * @param membershipChanged  whether membership events were stored (what may make {@code later} acceptable)
     */
    record Ingested(int stored, int duplicates, List<byte[]> later, List<String> refused, boolean membershipChanged) {
        public Ingested {
            later = List.copyOf(later);
            refused = List.copyOf(refused);
        }
    }
}
