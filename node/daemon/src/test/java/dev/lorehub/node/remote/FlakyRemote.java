package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A remote whose next push fails, before or after the store took it (a lost response), for crash tests. */
final class FlakyRemote implements Remote {
    enum Fail { NONE, BEFORE_PUSH, AFTER_PUSH, EVERYTHING }

    private final Remote inner;
    Fail fail = Fail.NONE;

    FlakyRemote(Remote inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public Set<RealmId> changed(Set<RealmId> realms, Map<RealmId, Map<String, Position>> positions) {
        if (fail == Fail.EVERYTHING) {
            throw new RemoteException("connection refused (test)");
        }
        return inner.changed(realms, positions);
    }

    @Override
    public Pull pull(RealmId realm, Map<String, Position> positions, DeviceId self, int maxEvents) {
        return inner.pull(realm, positions, self, maxEvents);
    }

    @Override
    public Optional<Position> lastWritten(RealmId realm, DeviceId self) {
        return inner.lastWritten(realm, self);
    }

    @Override
    public void push(List<Segment> segments) {
        if (fail == Fail.BEFORE_PUSH) {
            fail = Fail.NONE;
            throw new RemoteException("connection reset before the upload (test)");
        }
        inner.push(segments);
        if (fail == Fail.AFTER_PUSH) {
            fail = Fail.NONE;
            throw new RemoteException("connection reset before the reply (test)");
        }
    }

    @Override
    public RemoteMetrics metrics() {
        return inner.metrics();
    }

    @Override
    public void close() {
        inner.close();
    }
}
