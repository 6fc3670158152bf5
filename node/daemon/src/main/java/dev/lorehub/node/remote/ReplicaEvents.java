package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.RejectReason;
import dev.lorehub.node.core.Rejection;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.core.StoredKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link LocalEvents} over a node's {@link Replica}. Every call goes through a {@link Runner}, so
 * the daemon can run it on its node thread (where the replica lives, and where events stored are
 * offered to connected peers) while the remote's network calls stay on the remote's own thread.
 */
public final class ReplicaEvents implements LocalEvents {
    /** Runs work against the replica (on whatever thread owns it) and returns its result. */
    @FunctionalInterface
    public interface Runner {
        <T> T run(Work<T> work);
    }

    /** Work on the replica. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Replica replica);
    }

    private final Runner runner;

    public ReplicaEvents(Runner runner) {
        this.runner = runner;
    }

    /** Calls the replica directly, on the caller's thread (tests, the CLI without a daemon). */
    public static ReplicaEvents direct(Replica replica) {
        return new ReplicaEvents(new Runner() {
            @Override
            public <T> T run(Work<T> work) {
                return work.run(replica);
            }
        });
    }

    @Override
    public DeviceId self() {
        return runner.run(Replica::deviceId);
    }

    @Override
    public Set<RealmId> realms() {
        return runner.run(r -> Set.copyOf(r.realms().keySet()));
    }

    @Override
    public List<EventId> ids(RealmId realm) {
        return runner.run(r -> {
            List<StoredKey> keys = r.keys(realm);
            List<EventId> out = new ArrayList<>(keys.size());
            for (StoredKey k : keys) {
                out.add(k.id());
            }
            return out;
        });
    }

    @Override
    public Set<EventId> membership(RealmId realm) {
        return runner.run(r -> r.membershipEventIds(realm));
    }

    @Override
    public Optional<byte[]> sealed(EventId id) {
        return runner.run(r -> r.sealed(id));
    }

    @Override
    public Ingested ingest(List<byte[]> sealed, long now) {
        List<byte[]> batch = List.copyOf(sealed);
        IngestResult r = runner.run(replica -> replica.ingest(batch, now));
        List<byte[]> later = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Rejection x : r.rejected()) {
            // Not a member (yet), or a realm not known (yet): the membership that allows it may still come.
            if (x.reason() == RejectReason.UNAUTHORIZED || x.reason() == RejectReason.UNKNOWN_REALM) {
                later.add(batch.get(x.index()));
            } else {
                refused.add(x.toString());
            }
        }
        boolean membership = r.stored().stream().anyMatch(StoredKey::membership);
        return new Ingested(r.stored().size(), r.duplicates(), later, refused, membership);
    }
}
