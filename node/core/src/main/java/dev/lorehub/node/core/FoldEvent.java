package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

/**
 * One event of an entity's history as the fold sees it.
 *
 * @param id         event id
 * @param hlc        the author's HLC timestamp (from the envelope header)
 * @param author     the verified author
 * @param change     the decrypted body
 * @param authorized whether the author could write at that point (see {@link MembershipFold});
 *                   an unauthorised event keeps its place in the history but changes nothing
 */
public record FoldEvent(EventId id, long hlc, DeviceId author, EntityChange change, boolean authorized) {
    Stamp stamp() {
        return new Stamp(hlc, author, id);
    }
}
