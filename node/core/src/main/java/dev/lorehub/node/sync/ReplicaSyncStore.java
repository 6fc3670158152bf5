package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.merkle.FingerprintSet;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.StoredKey;

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
        return sets.computeIfAbsent(realm, r -> setOf(replica.keys(r)));
    }

    @Override
    public DeviceId self() {
        return replica.deviceId();
    }

    @Override
    public List<RealmOffer> offersFor(DeviceId peer) {
        List<RealmOffer> offers = new ArrayList<>();
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new java.util.TreeMap<>(replica.realms()).entrySet()) {
            Membership m = replica.membership(e.getKey());
            // FULL only while this device is a member itself (a removed device syncs membership only)
            if (e.getValue().joined() && m.members().containsKey(peer)
                && (m.founder().isEmpty() || m.members().containsKey(self()))) {
                offers.add(new RealmOffer(e.getKey(), e.getValue().founder()));
            }
        }
        return offers;
    }

    @Override
    public List<RealmOffer> membershipOffersFor(DeviceId peer) {
        List<RealmOffer> offers = new ArrayList<>();
        for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new java.util.TreeMap<>(replica.realms()).entrySet()) {
            if (!e.getValue().joined()) {
                continue; // an invitation: the admin that invited this device opens it
            }
            Membership m = replica.membership(e.getKey());
            boolean peerMember = m.members().containsKey(peer);
            boolean selfMember = m.members().containsKey(self());
            if ((peerMember && !selfMember) || (!peerMember && everMember(m, peer))) {
                offers.add(new RealmOffer(e.getKey(), e.getValue().founder()));
            }
        }
        return offers;
    }

    @Override
    public RealmScope scope(DeviceId peer, RealmId realm) {
        LogRows.SyncedRealmRow row = replica.realms().get(realm);
        if (row == null || !row.joined()) {
            return RealmScope.MEMBERSHIP_ONLY;
        }
        Membership m = replica.membership(realm);
        if (m.founder().isEmpty()) {
            return RealmScope.FULL; // the membership has not arrived yet: nothing to go by
        }
        return m.members().containsKey(peer) && m.members().containsKey(self()) ? RealmScope.FULL
            : RealmScope.MEMBERSHIP_ONLY;
    }

    @Override
    public boolean acceptMembershipOnly(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        LogRows.SyncedRealmRow row = replica.realms().get(realm);
        if (row == null) {
            return replica.acceptInvitation(realm, founder, peer, now);
        }
        if (!row.founder().equals(founder)) {
            return false;
        }
        Membership m = replica.membership(realm);
        return m.founder().isEmpty() || m.members().containsKey(peer) || everMember(m, peer);
    }

    /** True if an admitted membership event ever named {@code device} (as subject or author). */
    private static boolean everMember(Membership m, DeviceId device) {
        if (m.everWriter(device) || m.everAdmin(device)) {
            return true;
        }
        for (dev.lorehub.node.core.MembershipEvent e : m.events()) {
            if (device.equals(e.change().subject()) || device.equals(e.author())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Reconciliation initiateMembership(RealmId realm) {
        return MerkleReconciliation.initiator(setOf(replica.keysOfKind(realm, EntityKind.MEMBER)), reconcileConfig,
            random.nextLong());
    }

    @Override
    public Reconciliation respondMembership(RealmId realm) {
        return MerkleReconciliation.responder(setOf(replica.keysOfKind(realm, EntityKind.MEMBER)), reconcileConfig);
    }

    @Override
    public List<SyncMessage.Key> invitationEvents(DeviceId peer, RealmId realm) {
        List<SyncMessage.Key> out = new ArrayList<>();
        if (!joined(realm)) {
            return out;
        }
        Membership m = replica.membership(realm);
        if (!m.members().containsKey(peer) || !m.members().containsKey(self())) {
            return out;
        }
        for (StoredKey k : replica.keysOfKind(realm, EntityKind.REALM)) {
            out.add(new SyncMessage.Key(k.hlc(), k.id().toBytes()));
        }
        return out;
    }

    private static FingerprintSet setOf(List<StoredKey> keys) {
        long[] timestamps = new long[keys.size()];
        byte[] ids = new byte[keys.size() * EventId.LENGTH];
        for (int i = 0; i < keys.size(); i++) {
            timestamps[i] = keys.get(i).hlc();
            System.arraycopy(keys.get(i).id().toBytes(), 0, ids, i * EventId.LENGTH, EventId.LENGTH);
        }
        return FingerprintSet.build(timestamps, ids);
    }

    @Override
    public boolean accept(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        LogRows.SyncedRealmRow row = replica.realms().get(realm);
        if (row == null) {
            return replica.acceptInvitation(realm, founder, peer, now); // membership only, until the user joins it
        }
        if (!row.founder().equals(founder)) {
            return false;
        }
        Membership m = replica.membership(realm);
        return m.founder().isEmpty() || m.members().containsKey(peer);
    }

    @Override
    public boolean joined(RealmId realm) {
        LogRows.SyncedRealmRow row = replica.realms().get(realm);
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
