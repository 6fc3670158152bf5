package dev.lorehub.node.core;

import dev.lorehub.crypto.RealmId;

/**
 * Where an event sits in its realm's set: the merkle key (HLC, id), plus whether it is a
 * membership event (sent first, so receivers can authorise what follows).
 */
public record StoredKey(RealmId realm, long hlc, EventId id, boolean membership) {
}
