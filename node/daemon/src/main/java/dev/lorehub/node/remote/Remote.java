package dev.lorehub.node.remote;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A dumb, untrusted, append-only store of sealed events per realm (DESIGN.md §10): a git branch,
 * an S3 bucket, a PostgreSQL table. It never holds a realm key; devices append immutable units
 * under their own names, so two devices pushing at once never conflict, and readers keep a
 * {@link Position} per stream so that asking for news is cheap. A remote checks only the integrity
 * of its units ({@link RemoteIntegrityException}); the events it returns are raw sealed bytes that
 * the node verifies exactly like events from a peer.
 *
 * <p>Driven by {@link RemoteSync} from one thread at a time; every method may block on the
 * network and throws {@link RemoteException} when the remote cannot be used right now.
 */
public interface Remote extends AutoCloseable {
    /** The name this remote has in the configuration. */
    String name();

    /** Where it is (URL, bucket, database), without secrets, for messages. */
    String describe();

    /**
     * Starts a round: of {@code realms}, those that may hold news beyond {@code positions}. Costs one
     * cheap request where the store allows (a git ref advertisement, one SQL query).
     */
    Set<RealmId> changed(Set<RealmId> realms, Map<RealmId, Map<String, Position>> positions);

    /** Bytes one pull reads at most, whatever the remote holds (a hostile remote cannot make a reader allocate more). */
    long PAGE_BYTES = 64L << 20;

    /**
     * Units of a realm after the positions, oldest first per stream, about {@code maxEvents} events
     * and {@link #PAGE_BYTES} at most; units of {@code self} are skipped (this device wrote them). A
     * unit that fails its integrity checks is returned in {@link Pull#refused()} and ends its stream
     * for this pull.
     */
    Pull pull(RealmId realm, Map<String, Position> positions, DeviceId self, int maxEvents);

    /**
     * The last unit this device appended to a realm here, as the remote shows it: lets a device
     * whose local record was lost continue its sequence instead of reusing numbers.
     */
    Optional<Position> lastWritten(RealmId realm, DeviceId self);

    /**
     * Appends this device's segments, all or none visible as events: a unit is never visible half
     * written. Idempotent: a segment sent again after an interrupted push changes nothing.
     */
    void push(List<Segment> segments);

    /** Requests and bytes spent so far. */
    RemoteMetrics metrics();

    @Override
    void close();

    /** What one pull found. */
    record Pull(List<Unit> units, List<RemoteIntegrityException> refused, boolean more) {
        public Pull {
            units = List.copyOf(units);
            refused = List.copyOf(refused);
        }
    }

    /**
     * One intact unit: the events it holds and the reader's position in {@code stream} once they
     * are ingested. {@code place} names it for reports.
     */
    record Unit(String stream, Position after, List<byte[]> events, String place) {
    }

    /** A remote that can tell a waiting reader about new events at once (PostgreSQL's LISTEN/NOTIFY). */
    interface Notifying {
        /**
         * Waits up to {@code timeoutMillis} for another device to append; returns the realms that
         * changed (empty after the timeout). Called from the driver's own thread.
         */
        Set<RealmId> awaitChange(long timeoutMillis);
    }
}
