package dev.lorehub.node.metrics;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.sync.Reconciliation;
import dev.lorehub.node.sync.SyncMessage;
import dev.lorehub.node.sync.SyncStore;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A {@link SyncStore} that reports what one session does to {@link NodeMetrics} and its
 * {@link SessionProgress}, and otherwise passes every call through. The driver gives each
 * session its own (one line where the session is made), so the sync core stays unaware of
 * metrics: what a reconciliation found, events sent and received per realm with their bytes,
 * ingest latency, full sync reached.
 */
public final class ObservedSyncStore implements SyncStore {
    /** An event offered again after a pause for credit is sent once: remember the last few counted. */
    private static final int RECENT = 64;

    private final SyncStore inner;
    private final NodeMetrics metrics;
    private final SessionProgress progress;
    private final LongSupplier clock;
    private final LongSupplier nanos;
    private final ArrayDeque<EventId> recent = new ArrayDeque<>();
    private final Set<EventId> recentSet = new HashSet<>();

    /**
     * @param clock wall time in ms (for the ledger and the per-minute series)
     * @param nanos a monotonic clock in ns (for ingest latency)
     */
    public ObservedSyncStore(SyncStore inner, NodeMetrics metrics, SessionProgress progress, LongSupplier clock,
                             LongSupplier nanos) {
        this.inner = inner;
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
        this.nanos = nanos;
    }

    public SessionProgress progress() {
        return progress;
    }

    @Override
    public DeviceId self() {
        return inner.self();
    }

    @Override
    public List<RealmOffer> offersFor(DeviceId peer) {
        return inner.offersFor(peer);
    }

    @Override
    public boolean accept(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        return inner.accept(peer, realm, founder, now);
    }

    @Override
    public boolean joined(RealmId realm) {
        return inner.joined(realm);
    }

    @Override
    public Reconciliation initiate(RealmId realm) {
        return new Watched(realm, inner.initiate(realm));
    }

    @Override
    public Reconciliation respond(RealmId realm) {
        return new Watched(realm, inner.respond(realm));
    }

    @Override
    public List<RealmOffer> membershipOffersFor(DeviceId peer) {
        return inner.membershipOffersFor(peer);
    }

    @Override
    public dev.lorehub.node.sync.RealmScope scope(DeviceId peer, RealmId realm) {
        return inner.scope(peer, realm);
    }

    @Override
    public boolean acceptMembershipOnly(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        return inner.acceptMembershipOnly(peer, realm, founder, now);
    }

    @Override
    public Reconciliation initiateMembership(RealmId realm) {
        return new Watched(realm, inner.initiateMembership(realm));
    }

    @Override
    public Reconciliation respondMembership(RealmId realm) {
        return new Watched(realm, inner.respondMembership(realm));
    }

    @Override
    public List<dev.lorehub.node.sync.SyncMessage.Key> invitationEvents(DeviceId peer, RealmId realm) {
        return inner.invitationEvents(peer, realm);
    }

    @Override
    public Set<EventId> membershipEvents(RealmId realm) {
        return inner.membershipEvents(realm);
    }

    @Override
    public boolean has(EventId id) {
        return inner.has(id);
    }

    @Override
    public Optional<byte[]> sealed(EventId id) {
        Optional<byte[]> sealed = inner.sealed(id);
        if (sealed.isPresent() && recentSet.add(id)) {
            recent.addLast(id);
            if (recent.size() > RECENT) {
                recentSet.remove(recent.pollFirst());
            }
            Optional<RealmId> realm = progress.backlogRealm(id).or(() -> realmOf(sealed.get()));
            long now = clock.getAsLong();
            if (realm.isPresent()) {
                metrics.eventsSent(realm.get(), 1, sealed.get().length, now);
                progress.sent(realm.get(), id, sealed.get().length, now);
            }
        }
        return sealed;
    }

    @Override
    public IngestResult ingest(DeviceId peer, List<byte[]> events, long now) {
        long started = nanos.getAsLong();
        IngestResult result = inner.ingest(peer, events, now);
        metrics.ingested(nanos.getAsLong() - started);
        // a session sends one realm per Events message: the first envelope names it
        Optional<RealmId> realm = events.isEmpty() ? Optional.empty() : realmOf(events.get(0));
        if (realm.isPresent()) {
            long bytes = 0;
            for (byte[] e : events) {
                bytes += e.length;
            }
            long wall = clock.getAsLong();
            metrics.eventsReceived(realm.get(), events.size(), bytes, wall);
            progress.received(realm.get(), events.size(), bytes, wall);
        }
        return result;
    }

    @Override
    public void synced(DeviceId peer, long now) {
        inner.synced(peer, now);
        long wall = clock.getAsLong();
        if (!progress.everSynced()) {
            progress.synced();
            metrics.syncSucceeded(peer, wall);
        } else {
            metrics.inSync(peer, wall);
        }
    }

    private static Optional<RealmId> realmOf(byte[] sealed) {
        try {
            return Optional.of(SealedEnvelope.peek(sealed).header().realm());
        } catch (EnvelopeException | IllegalArgumentException e) {
            return Optional.empty(); // the ingest refuses it and says why; nothing to count
        }
    }

    /** Passes a realm's reconciliation through and reports its outcome once. */
    private final class Watched implements Reconciliation {
        private final RealmId realm;
        private final Reconciliation inner;
        private boolean reported;

        Watched(RealmId realm, Reconciliation inner) {
            this.realm = realm;
            this.inner = inner;
        }

        @Override
        public byte[] start() {
            return inner.start();
        }

        @Override
        public Optional<byte[]> onMessage(byte[] message) {
            Optional<byte[]> reply = inner.onMessage(message);
            isDone();
            return reply;
        }

        @Override
        public boolean isDone() {
            boolean done = inner.isDone();
            if (done && !reported) {
                reported = true;
                List<SyncMessage.Key> have = inner.have();
                int need = inner.need().size();
                progress.reconciled(realm, have, need);
                metrics.reconciliationRounds(inner.rounds());
                if (!have.isEmpty() || need > 0) {
                    metrics.behind(progress.peer(), clock.getAsLong());
                }
            }
            return done;
        }

        @Override
        public List<SyncMessage.Key> have() {
            return inner.have();
        }

        @Override
        public List<SyncMessage.Key> need() {
            return inner.need();
        }

        @Override
        public int rounds() {
            return inner.rounds();
        }
    }
}
