package dev.lorehub.node.runtime;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.sync.SyncSession;

import java.util.Collection;

/**
 * The one-line account of a node's sync state that tests and the demo print when something does
 * not converge: pending capture, digest, events per realm, and each session's state and counters.
 *
 * <p>Threading: reads the replica and the sessions, so it runs on the node thread.
 */
final class NodeDescription {
    private NodeDescription() {
    }

    static String of(String displayName, DeviceId id, Replica replica, Collection<SyncSession> sessions) throws Exception {
        StringBuilder sb = new StringBuilder(displayName + " " + id.shortForm() + ": pending capture "
            + replica.hasPendingCapture() + ", digest " + replica.digest().substring(0, 12));
        for (var e : replica.realms().entrySet()) {
            sb.append(", realm ").append(e.getKey().toString(), 0, 8).append(" mapped to ").append(e.getValue().localRealmId())
                .append(" events ").append(replica.events().count(e.getKey()));
        }
        for (SyncSession session : sessions) {
            sb.append("; session with ").append(session.peer().shortForm()).append(session.isSynced() ? " synced" : " busy")
                .append(' ').append(session.realms().size()).append(" realm(s) ").append(session.stats());
        }
        return sb.toString();
    }
}
