package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.List;

/**
 * A place that keeps immutable, content-addressed segment files under
 * {@code realms/<realm hex>/<writer device hex>/<Segment.Name>}: a git branch or an S3 prefix. It
 * knows nothing of their contents; {@link SegmentRemote} checks them. Every method may block on the
 * network and throws {@link RemoteException} when the store cannot be used.
 */
public interface SegmentStore extends AutoCloseable {
    /** Where it is, without secrets. */
    String describe();

    /** Starts a round (git: fetch the branch if its tip moved; one request when it did not). */
    void refresh();

    /** Writers that have segments of a realm (directory names that are not device ids are ignored). */
    List<DeviceId> writers(RealmId realm);

    /**
     * Names of a writer's segments with a sequence number above {@code afterSeq}, in order, at most
     * about {@code max} (a store may return more). Names that do not parse are ignored.
     */
    List<Segment.Name> list(RealmId realm, DeviceId writer, long afterSeq, int max);

    /**
     * The bytes of a segment; a body above {@code maxBytes} is refused before it is read whole
     * ({@link RemoteIntegrityException.Reason#OVERSIZED}).
     */
    byte[] read(RealmId realm, DeviceId writer, Segment.Name name, int maxBytes);

    /** Creates segment files (each written whole or not at all as far as readers can tell; rewriting one is harmless). */
    void write(List<Segment> segments);

    /** Requests and bytes spent. */
    RemoteMetrics metrics();

    /** The path of a segment inside the store. */
    static String path(RealmId realm, DeviceId writer, Segment.Name name) {
        return "realms/" + realm + "/" + RemoteSync.stream(writer) + "/" + name;
    }

    @Override
    void close();
}
