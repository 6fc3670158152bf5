package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

/**
 * A verified membership event as the fold sees it.
 *
 * @param id     event id
 * @param hlc    the author's HLC timestamp
 * @param author verified author
 * @param change the body
 */
public record MembershipEvent(EventId id, long hlc, DeviceId author, MembershipChange change) {
}
