package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.merkle.FingerprintSet;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.store.EventStore;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link SyncStore} of a real node: its {@link Replica}, plus one reconciliation set per realm
 * kept in memory and updated as events are stored (built once from the log, then incrementally).
 * Shared by all of a node's sessions; like them, driven from one thread.
 */
public final class ReplicaSyncStore implements SyncStore {
    private final Replica replica;
    private final ReconcileConfig reconcileConfig;
    private final SecureRandom random;
    private final Map<RealmId, FingerprintSet> sets = new HashMap<>();

    public ReplicaSyncStore(Replica replica, ReconcileConfig reconcileConfig, SecureRandom random) {
        this.replica = replica;
        this.reconcileConfig = reconcileConfig;
        this.random = random;
        replica.addListener(this::stored);
    }

    private void stored(List<StoredKey> keys) {
        for (StoredKey k : keys) {
            FingerprintSet set = sets.get(k.realm());
            if (set != null) {
                set.add(k.hlc(), k.id().toBytes());
            }
        }
    }

    /** The realm's reconciliation set (built from the log the first time). */
    public FingerprintSet set(RealmId realm) {
        return sets.computeIfAbsent(realm, r -> {
            List<StoredKey> keys = replica.keys(r);
            long[] timestamps = new long[keys.size()];
            byte[] ids = new byte[keys.size() * EventId.LENGTH];
            for (int i = 0; i < keys.size(); i++) {
                timestamps[i] = keys.get(i).hlc();
                System.arraycopy(keys.get(i).id().toBytes(), 0, ids, i * EventId.LENGTH, EventId.LENGTH);
            }
            return FingerprintSet.build(timestamps, ids);
        });
    }

    @Override
    public DeviceId self() {
        return replica.deviceId();
    }

    @Override
    public List<RealmOffer> offersFor(DeviceId peer) {
        List<RealmOffer> offers = new ArrayList<>();
        for (Map.Entry<RealmId, EventStore.RealmRow> e : new java.util.TreeMap<>(replica.realms()).entrySet()) {
            if (e.getValue().joined() && replica.membership(e.getKey()).members().containsKey(peer)) {
                offers.add(new RealmOffer(e.getKey(), DeviceId.fromBytes(e.getValue().founder())));
            }
        }
        return offers;
    }

    @Override
    public boolean accept(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        EventStore.RealmRow row = replica.realms().get(realm);
        if (row == null) {
            return replica.acceptInvitation(realm, founder, peer, now); // membership only, until the user joins it
        }
        if (!DeviceId.fromBytes(row.founder()).equals(founder)) {
            return false;
        }
        Membership m = replica.membership(realm);
        return m.founder().isEmpty() || m.members().containsKey(peer);
    }

    @Override
    public boolean joined(RealmId realm) {
        EventStore.RealmRow row = replica.realms().get(realm);
        return row != null && row.joined();
    }

    @Override
    public Reconciliation initiate(RealmId realm) {
        return MerkleReconciliation.initiator(set(realm), reconcileConfig, random.nextLong());
    }

    @Override
    public Reconciliation respond(RealmId realm) {
        return MerkleReconciliation.responder(set(realm), reconcileConfig);
    }

    @Override
    public java.util.Set<EventId> membershipEvents(RealmId realm) {
        return replica.membershipEventIds(realm);
    }

    @Override
    public boolean has(EventId id) {
        return replica.has(id);
    }

    @Override
    public Optional<byte[]> sealed(EventId id) {
        return replica.sealed(id);
    }

    @Override
    public Optional<byte[]> sealed(RealmId realm, EventId id) {
        return replica.sealed(realm, id);
    }

    @Override
    public IngestResult ingest(DeviceId peer, List<byte[]> events, long now) {
        return replica.ingest(events, now, peer.toString());
    }

    @Override
    public void synced(DeviceId peer, long now) {
        replica.notePeerSynced(peer, now);
    }
}
