package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

/**
 * Where an event sits in its realm's set: the merkle key (HLC, id), whether it is a membership
 * event, and whether this device authored it just now ({@code local}: a driver offers a local
 * event to every peer, but an event received from a peer to every peer except that one).
 */
public record StoredKey(RealmId realm, long hlc, EventId id, boolean membership, boolean local) {
}
