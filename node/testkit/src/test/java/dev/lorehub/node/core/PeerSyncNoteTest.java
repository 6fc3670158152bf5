package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session reports "synced" after every exchange. The first report per peer is committed at once
 * (it ends a restore's wait and marks the peer synced since the upgrade); later ones only move
 * {@code last_sync_at} and ride on the node's next write transaction (or the endpoint's status
 * write) instead of a transaction each. What was noted but not committed is lost by a crash, as
 * anything uncommitted is; nothing else is.
 */
class PeerSyncNoteTest extends NodesFixture {

    @Test
    void laterSyncsAreWrittenWithTheNextTransaction() throws Exception {
        TestNode a = node("a", 1);
        TestNode b = node("b", 2);
        a.replica.pinPeer(DeviceRecord.create(b.identity, "b"), now);

        a.replica.notePeerSynced(b.id(), now + 1000);
        assertThat(lastSyncAt(a)).as("the first sync is committed at once").isEqualTo(now + 1000);

        a.replica.notePeerSynced(b.id(), now + 2000);
        assertThat(lastSyncAt(a)).as("a later one waits").isEqualTo(now + 1000);

        a.replica.captureLocalChanges(now + 3000); // any write transaction of the node, here one that captures nothing
        assertThat(lastSyncAt(a)).as("written with the next transaction").isEqualTo(now + 2000);

        a.replica.notePeerSynced(b.id(), now + 4000);
        a.replica.recordPeerStatus(java.util.List.of()); // the endpoint's status write, when nothing else wrote
        assertThat(lastSyncAt(a)).isEqualTo(now + 4000);

        a.replica.notePeerSynced(b.id(), now + 5000);
        a.close(); // a crash: the noted sync was never committed
        a.open();
        assertThat(lastSyncAt(a)).as("lost with the process, as anything uncommitted").isEqualTo(now + 4000);
        a.replica.notePeerSynced(b.id(), now + 6000);
        assertThat(lastSyncAt(a)).as("the first sync of a new process is committed at once").isEqualTo(now + 6000);
    }

    @Test
    void aSyncAfterARestoreInThisProcessStillEndsItsWait() throws Exception {
        TestNode a = node("a", 1);
        TestNode b = node("b", 2);
        a.replica.pinPeer(DeviceRecord.create(b.identity, "b"), now);
        a.replica.notePeerSynced(b.id(), now + 1000);

        a.replica.restoreState(new Replica.Snapshot(java.util.List.of(), a.replica.peers(), java.util.Map.of(), 0),
            now - 60_000, now + 2000);
        assertThat(a.replica.restoredAwaitingPeers()).contains(now - 60_000);
        a.replica.notePeerSynced(b.id(), now + 3000);
        assertThat(a.replica.restoredAwaitingPeers()).as("a peer synced since the restore").isEmpty();
    }

    private long lastSyncAt(TestNode n) {
        return n.replica.peers().get(0).lastSyncAt();
    }
}
