package dev.lorehub.node.endpoint;

import dev.lorehub.crypto.DeviceId;

/**
 * Which of two open connections between the same two devices survives. Both devices evaluate it on
 * their own and reach the same answer without talking to each other:
 * <ul>
 *   <li>Connections dialed in opposite directions (both dialed at once): keep the one dialed by the
 *       device with the lower {@link DeviceId} (unsigned byte order).</li>
 *   <li>Connections dialed in the same direction: keep the newer. The dialer only redials after it
 *       saw its previous connection die, so the older one is stale (e.g. the peer restarted and this
 *       side had not noticed yet).</li>
 * </ul>
 */
public final class TieBreak {
    private TieBreak() {
    }

    /**
     * True if {@code newer} should replace {@code existing}.
     *
     * @param self                     this device
     * @param peer                     the other device
     * @param existingInitiatedBySelf  whether this device dialed the existing connection
     * @param newerInitiatedBySelf     whether this device dialed the newer connection
     */
    public static boolean newerWins(DeviceId self, DeviceId peer, boolean existingInitiatedBySelf, boolean newerInitiatedBySelf) {
        if (existingInitiatedBySelf == newerInitiatedBySelf) {
            return true;
        }
        boolean selfIsLower = self.compareTo(peer) < 0;
        return newerInitiatedBySelf == selfIsLower;
    }

    /** The device whose dialed connection is kept when both dialed. */
    public static DeviceId preferredDialer(DeviceId self, DeviceId peer) {
        return self.compareTo(peer) < 0 ? self : peer;
    }
}
