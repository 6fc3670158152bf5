package dev.lorehub.node.metrics;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.sync.SyncMessage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How far one sync session has got, per realm: what its reconciliation found missing on either
 * side, and how much of that has moved since, with the transfer rate. Fed by
 * {@link ObservedSyncStore}; read by the dashboard. Confined to the thread that drives the
 * session (the node thread); time is an argument.
 *
 * <p>The counts are those of the session's reconciliation (DESIGN.md: exactly the missing event
 * ids), so "behind by N" is exact once a realm is reconciled; events pushed live afterwards move
 * within milliseconds and are not counted as backlog.
 */
public final class SessionProgress {
    private static final long RATE_WINDOW_MILLIS = 10_000;
    private static final long SAMPLE_EVERY_MILLIS = 250;

    /**
     * One realm. The events the peer lacks are kept compactly (a sorted array of the first eight
     * bytes of each id, and which of them went out): an initial sync of 100k events costs 800 KB
     * here, not a set of 100k objects in a 96 MB heap.
     */
    private static final class Realm {
        boolean reconciled;
        long weLackTotal;
        long received;
        long[] peerLacks = new long[0];
        BitSet sent = new BitSet();
        int sentCount;

        int indexOf(EventId id) {
            int i = Arrays.binarySearch(peerLacks, prefix(id));
            return i >= 0 && !sent.get(i) ? i : -1;
        }
    }

    private static long prefix(EventId id) {
        return ByteBuffer.wrap(id.toBytes(), 0, 8).getLong();
    }

    /** One realm of the session. */
    public record RealmProgress(RealmId realm, boolean reconciled, long weLack, long peerLacks, long total, long done) {
    }

    /** The session as seen now; {@code eventsPerSecond} and {@code bytesPerSecond} over the last ten seconds. */
    public record View(DeviceId peer, long openedAt, List<RealmProgress> realms, double eventsPerSecond,
                       double bytesPerSecond, boolean everSynced) {
        /** Events still to move, both directions. */
        public long remaining() {
            return realms.stream().mapToLong(r -> r.weLack() + r.peerLacks()).sum();
        }

        /** Events to move in this session's catch-up, both directions. */
        public long total() {
            return realms.stream().mapToLong(RealmProgress::total).sum();
        }

        /** Seconds until the backlog has moved at the current rate (-1: unknown). */
        public long etaSeconds() {
            long left = remaining();
            if (left == 0) {
                return 0;
            }
            return eventsPerSecond > 0 ? (long) Math.ceil(left / eventsPerSecond) : -1;
        }
    }

    private record Sample(long at, long events, long bytes) {
    }

    private final DeviceId peer;
    private final long openedAt;
    private final Map<RealmId, Realm> realms = new LinkedHashMap<>();
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long events;
    private long bytes;
    private boolean everSynced;

    public SessionProgress(DeviceId peer, long openedAt) {
        this.peer = peer;
        this.openedAt = openedAt;
    }

    public DeviceId peer() {
        return peer;
    }

    public long openedAt() {
        return openedAt;
    }

    private Realm realm(RealmId id) {
        return realms.computeIfAbsent(id, k -> new Realm());
    }

    /** A realm's reconciliation finished: the peer lacks {@code have}, this device lacks {@code need} events. */
    void reconciled(RealmId id, List<SyncMessage.Key> have, int need) {
        Realm r = realm(id);
        r.reconciled = true;
        r.weLackTotal = need;
        r.received = 0;
        long[] ids = new long[have.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ByteBuffer.wrap(have.get(i).id(), 0, 8).getLong();
        }
        Arrays.sort(ids);
        r.peerLacks = ids;
        r.sent = new BitSet(ids.length);
        r.sentCount = 0;
    }

    /** The realm an event the peer lacks belongs to, if it is in a reconciled backlog. */
    Optional<RealmId> backlogRealm(EventId id) {
        for (Map.Entry<RealmId, Realm> e : realms.entrySet()) {
            if (e.getValue().indexOf(id) >= 0) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    void sent(RealmId id, EventId event, long size, long now) {
        Realm r = realms.get(id);
        int i = r == null ? -1 : r.indexOf(event);
        if (i >= 0) {
            r.sent.set(i);
            r.sentCount++;
        }
        moved(1, size, now);
    }

    void received(RealmId id, int count, long size, long now) {
        realm(id).received += count;
        moved(count, size, now);
    }

    void synced() {
        everSynced = true;
    }

    boolean everSynced() {
        return everSynced;
    }

    /** True once the session reached full sync at least once (a later disconnect is then no failed sync). */
    public boolean everSyncedView() {
        return everSynced;
    }

    private void moved(long count, long size, long now) {
        events += count;
        bytes += size;
        if (samples.isEmpty() || now - samples.peekLast().at() >= SAMPLE_EVERY_MILLIS) {
            samples.addLast(new Sample(now, events, bytes));
        }
        while (samples.size() > 1 && now - samples.peekFirst().at() > RATE_WINDOW_MILLIS) {
            samples.pollFirst();
        }
    }

    /** The session now. */
    public View view(long now) {
        List<RealmProgress> out = new ArrayList<>();
        for (Map.Entry<RealmId, Realm> e : realms.entrySet()) {
            Realm r = e.getValue();
            long weLack = Math.max(0, r.weLackTotal - r.received);
            long peerLacks = r.peerLacks.length - r.sentCount;
            long total = r.weLackTotal + r.peerLacks.length;
            out.add(new RealmProgress(e.getKey(), r.reconciled, weLack, peerLacks, total, total - weLack - peerLacks));
        }
        double eps = 0;
        double bps = 0;
        Sample first = samples.peekFirst();
        if (first != null && now - first.at() > 0 && now - first.at() <= RATE_WINDOW_MILLIS * 2) {
            double secs = Math.max(1.0, (now - first.at()) / 1000.0);
            eps = (events - first.events()) / secs;
            bps = (bytes - first.bytes()) / secs;
        }
        return new View(peer, openedAt, out, eps, bps, everSynced);
    }
}
