package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.remote.RemoteIntegrityException.Reason;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Remote} over a {@link SegmentStore}: each writer's segments of a realm form a chain
 * (sequence numbers 1, 2, 3 ..., each naming its predecessor's hash), read from the reader's
 * position on. A segment is handed over only when it is intact, in its place and next in its
 * chain; otherwise the writer's stream stops there with a typed refusal.
 */
public final class SegmentRemote implements Remote {
    private final String name;
    private final SegmentStore store;

    public SegmentRemote(String name, SegmentStore store) {
        this.name = name;
        this.store = store;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return store.describe();
    }

    public SegmentStore store() {
        return store;
    }

    @Override
    public Set<RealmId> changed(Set<RealmId> realms, Map<RealmId, Map<String, Position>> positions) {
        store.refresh();
        return realms;
    }

    @Override
    public Pull pull(RealmId realm, Map<String, Position> positions, DeviceId self, int maxEvents) {
        List<Unit> units = new ArrayList<>();
        List<RemoteIntegrityException> refused = new ArrayList<>();
        int events = 0;
        long bytes = 0;
        for (DeviceId writer : store.writers(realm)) {
            if (writer.equals(self)) {
                continue;
            }
            String stream = RemoteSync.stream(writer);
            Position at = positions.getOrDefault(stream, Position.START);
            List<Segment.Name> names = store.list(realm, writer, at.seq(), 64);
            long expected = at.seq() + 1;
            byte[] previous = at.hash();
            for (int i = 0; i < names.size(); i++) {
                Segment.Name n = names.get(i);
                String place = SegmentStore.path(realm, writer, n);
                if (n.seq() < expected) {
                    continue;
                }
                if (i + 1 < names.size() && names.get(i + 1).seq() == n.seq()) {
                    refused.add(new RemoteIntegrityException(Reason.DUPLICATED, place, "two different segments are numbered "
                        + n.seq() + " (the other is " + names.get(i + 1) + ")"));
                    break;
                }
                if (n.seq() > expected) {
                    refused.add(new RemoteIntegrityException(Reason.MISSING, place, "segment " + expected + " of device "
                        + writer.shortForm() + " is missing before it"));
                    break;
                }
                Segment s;
                try {
                    s = Segment.read(store.read(realm, writer, n, Segment.MAX_BYTES), n, realm, writer, place);
                } catch (RemoteIntegrityException e) {
                    refused.add(e);
                    break;
                }
                if (expected == 1 ? !s.first() : previous != null && !Arrays.equals(previous, s.previous())) {
                    refused.add(new RemoteIntegrityException(Reason.MISSING, place, "it does not follow the segment "
                        + (expected - 1) + " read before (" + HexFormat.of().formatHex(s.previous(), 0, 6)
                        + "...): a segment was replaced or removed"));
                    break;
                }
                units.add(new Unit(stream, new Position(s.seq(), s.hash()), s.events(), place));
                events += s.events().size();
                bytes += s.bytes().length;
                expected++;
                previous = s.hash();
                if (events >= maxEvents || bytes >= PAGE_BYTES) {
                    return new Pull(units, refused, true);
                }
            }
            if (names.size() >= 64 && refused.isEmpty()) {
                // this writer may have more beyond what one listing returned
                return new Pull(units, refused, true);
            }
        }
        return new Pull(units, refused, false);
    }

    @Override
    public Optional<Position> lastWritten(RealmId realm, DeviceId self) {
        List<Segment.Name> names = store.list(realm, self, 0, Integer.MAX_VALUE);
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Segment.Name last = names.get(names.size() - 1);
        return Optional.of(new Position(last.seq(), HexFormat.of().parseHex(last.hashHex())));
    }

    @Override
    public void push(List<Segment> segments) {
        store.write(segments);
    }

    @Override
    public RemoteMetrics metrics() {
        return store.metrics();
    }

    @Override
    public void close() {
        store.close();
    }
}
