package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.sync.Reconciliation;
import dev.lorehub.node.sync.SyncStore;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node's {@link SyncStore}, passed through unchanged, noting which stored events came from a
 * peer: everything else the replica reports stored was written on this device (an ingest first
 * captures pending local changes in the same transaction), and so is an acknowledged local edit
 * that the driver must offer to every session.
 */
final class ObservedStore implements SyncStore {
    private final SyncStore delegate;
    private final Set<EventId> foreign;

    ObservedStore(SyncStore delegate, Set<EventId> foreign) {
        this.delegate = delegate;
        this.foreign = foreign;
    }

    @Override
    public DeviceId self() {
        return delegate.self();
    }

    @Override
    public List<RealmOffer> offersFor(DeviceId peer) {
        return delegate.offersFor(peer);
    }

    @Override
    public boolean accept(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        return delegate.accept(peer, realm, founder, now);
    }

    @Override
    public boolean joined(RealmId realm) {
        return delegate.joined(realm);
    }

    @Override
    public Reconciliation initiate(RealmId realm) {
        return delegate.initiate(realm);
    }

    @Override
    public Reconciliation respond(RealmId realm) {
        return delegate.respond(realm);
    }

    @Override
    public java.util.Set<EventId> membershipEvents(RealmId realm) {
        return delegate.membershipEvents(realm);
    }

    @Override
    public boolean has(EventId id) {
        return delegate.has(id);
    }

    @Override
    public Optional<byte[]> sealed(EventId id) {
        return delegate.sealed(id);
    }

    @Override
    public IngestResult ingest(DeviceId peer, List<byte[]> events, long now) {
        IngestResult r = delegate.ingest(peer, events, now);
        for (StoredKey k : r.stored()) {
            foreign.add(k.id());
        }
        return r;
    }

    @Override
    public void synced(DeviceId peer, long now) {
        delegate.synced(peer, now);
    }
}
