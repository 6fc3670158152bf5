package dev.lorehub.node.dashboard;

import java.util.List;

/**
 * Everything the dashboard shows, at one instant: the read model behind the page, sent to the
 * browser as JSON on every change. Times are ms since the epoch (0: never or unknown).
 *
 * @param generatedAt when this snapshot was taken
 * @param device      this device
 * @param peers       paired devices and the sync state with each
 * @param realms      synced realms, their members and roles
 * @param activity    the newest entries of the audit log
 * @param conflicts   recorded conflicts with every version
 * @param unsynced    this device's writes that have not reached every peer yet
 * @param charts      per-minute counts for the charts
 * @param alerts      what {@code status --check} reports now
 * @param massDeletions many lores deleted together and not undone, newest first (what {@code status} flags)
 */
public record DashboardSnapshot(long generatedAt, Device device, List<Peer> peers, List<Realm> realms,
                                List<Activity> activity, List<ConflictView> conflicts, Unsynced unsynced, Charts charts,
                                List<Alert> alerts, List<MassDeletionView> massDeletions) {

    /** This device. */
    public record Device(String id, String shortId, String name, String dataDir, String syncAddress, long startedAt) {
    }

    /**
     * A paired device.
     *
     * @param state      "in sync", "syncing", "connecting", "offline" or "never seen"
     * @param lastSync   when a full sync with it last completed (persisted across restarts)
     * @param realms     per shared realm: in sync, or behind by how many events each way
     * @param transfer   the catch-up in progress (null when offline)
     */
    public record Peer(String id, String shortId, String name, boolean online, String state, long pairedAt, long lastContact,
                       long lastSync, long inSyncSince, long behindSince, String lastError, long lastErrorAt,
                       int failuresInARow, List<PeerRealm> realms, Transfer transfer) {
    }

    /**
     * One realm shared with a peer.
     *
     * @param state     "in sync", "behind", "reconciling", "waiting" (not open in the session yet) or "offline"
     * @param weLack    events this device still lacks from the peer
     * @param peerLacks events of this device the peer still lacks
     */
    public record PeerRealm(String realm, String name, String state, long weLack, long peerLacks) {
    }

    /** A catch-up: events moved of the total found missing, the rate over the last seconds, the time left (-1: unknown). */
    public record Transfer(long done, long total, double eventsPerSecond, double bytesPerSecond, long etaSeconds) {
    }

    /** A synced realm. */
    public record Realm(String id, String name, String path, String role, long events, List<Member> members) {
    }

    public record Member(String device, String shortId, String name, String role, boolean self) {
    }

    /**
     * One audit-log entry: who changed what, from which device.
     *
     * @param event the event's id: the version {@code undo LORE --to VERSION} (and the page's button) brings back
     * @param lore  the lore it changed, or null (a relation, the realm, membership, or unreadable here)
     */
    public record Activity(long at, String author, String authorName, boolean self, String realm, String realmName,
                           String what, String event, String lore) {
    }

    /**
     * Many lores deleted together (e.g. by lh's replace-mode import), not undone yet.
     *
     * @param undoTo the time the realm is brought back to by the page's button (just before the deletion)
     */
    public record MassDeletionView(String realm, String realmName, long at, long lores, long stillDeleted, long undoTo,
                                   String command) {
    }

    /** A recorded conflict of one lore field. */
    public record ConflictView(String lore, String realm, String realmName, String field, String type, String shownNow,
                               List<Version> versions, boolean canResolve) {
    }

    /** One concurrent version. */
    public record Version(String event, String author, String authorName, boolean mine, String at, String value,
                          boolean deleted) {
    }

    /**
     * This device's writes not yet everywhere.
     *
     * @param pendingCapture rows lh wrote that are not yet events
     * @param awaitingPeers  events of this device that connected peers still lack
     * @param offlinePeers   paired peers offline now: what they lack is known when they reconnect
     */
    public record Unsynced(long pendingCapture, long awaitingPeers, int offlinePeers) {
    }

    /** The last 60 minutes, oldest first; {@code startMinute} in minutes since the epoch. */
    public record Charts(long startMinute, long[] eventsIn, long[] eventsOut, long[] bytesIn, long[] bytesOut,
                         long[] conflictsRecorded, long[] conflictsOpen) {
    }
}
