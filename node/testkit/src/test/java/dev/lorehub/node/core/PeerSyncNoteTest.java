package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session reports "synced" after every exchange. The first report per peer is committed at once
 * (it ends a restore's wait and marks the peer synced since the upgrade); later ones only move
 * {@code last_sync_at} and ride, with the peers' status rows, on the first write transaction of the
 * endpoint's next status period (or on a status write of its own when a period had none) instead of
 * a transaction each. What was noted but not committed is lost by a crash, as
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
        assertThat(a.replica.peers().get(0).lastSyncAt()).as("status shows what the node knows").isEqualTo(now + 2000);
        a.replica.captureLocalChanges(now + 2500); // any write transaction of the node, here one that captures nothing
        assertThat(lastSyncAt(a)).as("until the endpoint's status period begins").isEqualTo(now + 1000);

        a.replica.peerStatusDue(java.util.List.of());
        a.replica.captureLocalChanges(now + 3000);
        assertThat(lastSyncAt(a)).as("written with the period's first transaction").isEqualTo(now + 2000);

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

    @Test
    void peerStatusRowsRideWithTheNextTransactionAndAreLostOnlyIfNoneCameBeforeACrash() throws Exception {
        TestNode a = node("a", 1);
        TestNode b = node("b", 2);
        a.replica.pinPeer(DeviceRecord.create(b.identity, "b"), now);
        dev.lorehub.crypto.RealmId realm = dev.lorehub.crypto.RealmId.fromBytes(new byte[16]);

        a.replica.notePeerStatus(java.util.List.of(status(b, realm, 5, now + 1000)));
        a.replica.captureLocalChanges(now + 1500); // any write transaction of the node
        assertThat(a.replica.peerStatuses()).as("noted, not written before a status period begins").isEmpty();
        assertThat(a.replica.hasUnwrittenStatus()).isTrue();

        a.replica.peerStatusDue(java.util.List.of(status(b, realm, 3, now + 2000)));
        assertThat(a.replica.peerStatuses()).as("handed over, not written yet").isEmpty();
        a.replica.captureLocalChanges(now + 3000);
        assertThat(a.replica.peerStatuses()).as("the latest row, written with the period's first transaction")
            .extracting(LogRows.PeerStatusRow::theyLack).containsExactly(3L);
        assertThat(a.replica.hasUnwrittenStatus()).isFalse();

        a.replica.peerStatusDue(java.util.List.of(status(b, realm, 2, now + 3500)));
        a.replica.peerStatusDue(java.util.List.of()); // a whole period without a write transaction
        assertThat(a.replica.peerStatuses()).as("written on its own after a period").extracting(LogRows.PeerStatusRow::theyLack)
            .containsExactly(2L);

        a.replica.peerStatusDue(java.util.List.of(status(b, realm, 1, now + 4000)));
        a.replica.faults(step -> {
            if (step.equals("commit")) {
                throw new IllegalStateException("the disk failed at the commit");
            }
        });
        try {
            a.replica.captureLocalChanges(now + 5000);
        } catch (RuntimeException expected) {
            // rolled back, and the noted row with it
        }
        a.replica.faults(step -> { });
        assertThat(a.replica.hasUnwrittenStatus()).as("kept for a later transaction").isTrue();
        a.replica.recordPeerStatus(java.util.List.of()); // the endpoint's write at shutdown
        assertThat(a.replica.peerStatuses()).extracting(LogRows.PeerStatusRow::theyLack).containsExactly(1L);

        a.replica.notePeerStatus(java.util.List.of(status(b, realm, 0, now + 6000)));
        a.close(); // a crash before any transaction carried it
        a.open();
        assertThat(a.replica.peerStatuses()).as("lost with the process, as anything uncommitted")
            .extracting(LogRows.PeerStatusRow::theyLack).containsExactly(1L);
    }

    private static LogRows.PeerStatusRow status(TestNode peer, dev.lorehub.crypto.RealmId realm, long theyLack, long at) {
        return new LogRows.PeerStatusRow(peer.id(), realm, at, theyLack, 0, 0, at, null, at);
    }

    /** What the database says (the replica's own answer adds what it noted and has not written). */
    private long lastSyncAt(TestNode n) throws Exception {
        return Long.parseLong(n.lh.queryString("SELECT last_sync_at FROM lhsync_peers"));
    }
}
