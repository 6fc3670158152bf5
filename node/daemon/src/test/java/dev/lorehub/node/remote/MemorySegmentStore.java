package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bucket in memory, for tests that run simulated days in milliseconds: segment files under the
 * same paths as in git or S3, and requests counted the way {@link S3SegmentStore} counts them (one
 * per listing, per read and per upload; preparing a round is free). It can be taken down to make
 * every request fail, as an unreachable server would.
 */
final class MemorySegmentStore implements SegmentStore {
    /** The shared contents: every device's handle on one remote sees the same bucket. */
    static final class Bucket {
        final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
        /** Every request fails while true. */
        volatile boolean down;
        /** Handles opened on this bucket (one per device and driver). */
        final AtomicInteger opened = new AtomicInteger();
    }

    private final Bucket bucket;
    private final RemoteMetrics metrics = new RemoteMetrics();

    MemorySegmentStore(Bucket bucket) {
        this.bucket = bucket;
        bucket.opened.incrementAndGet();
    }

    private void request(long up, long down) {
        metrics.request(up, down);
        if (bucket.down) {
            throw new RemoteException("Cannot reach the bucket (test: it is down)");
        }
    }

    @Override
    public String describe() {
        return "memory bucket";
    }

    @Override
    public void refresh() {
        // like S3: every listing goes to the bucket, nothing to prepare
    }

    @Override
    public List<DeviceId> writers(RealmId realm) {
        request(0, 0);
        String prefix = "realms/" + realm + "/";
        TreeSet<String> dirs = new TreeSet<>();
        for (String key : bucket.objects.keySet()) {
            if (key.startsWith(prefix)) {
                dirs.add(key.substring(prefix.length(), key.indexOf('/', prefix.length())));
            }
        }
        List<DeviceId> out = new ArrayList<>();
        for (String dir : dirs) {
            out.add(DeviceId.fromBytes(HexFormat.of().parseHex(dir)));
        }
        return out;
    }

    @Override
    public List<Segment.Name> list(RealmId realm, DeviceId writer, long afterSeq, int max) {
        request(0, 0);
        String dir = "realms/" + realm + "/" + RemoteSync.stream(writer) + "/";
        List<Segment.Name> out = new ArrayList<>();
        for (String key : bucket.objects.keySet()) {
            if (key.startsWith(dir)) {
                Segment.Name n = Segment.Name.parse(key.substring(dir.length()));
                if (n != null && n.seq() > afterSeq) {
                    out.add(n);
                }
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public byte[] read(RealmId realm, DeviceId writer, Segment.Name name, int maxBytes) {
        byte[] body = bucket.objects.get(SegmentStore.path(realm, writer, name));
        request(0, body == null ? 0 : body.length);
        if (body == null) {
            throw new RemoteIntegrityException(RemoteIntegrityException.Reason.MISSING, name.toString(), "listed but absent");
        }
        if (body.length > maxBytes) {
            throw new RemoteIntegrityException(RemoteIntegrityException.Reason.OVERSIZED, name.toString(), "too large");
        }
        return body.clone();
    }

    @Override
    public void write(List<Segment> segments) {
        for (Segment s : segments) {
            request(s.bytes().length, 0);
            bucket.objects.put(SegmentStore.path(s.realm(), s.writer(), s.name()), s.bytes().clone());
        }
    }

    @Override
    public RemoteMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
    }
}
