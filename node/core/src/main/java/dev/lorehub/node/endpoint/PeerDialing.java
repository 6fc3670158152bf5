package dev.lorehub.node.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When to dial one paired peer, and where: the reconnect policy of {@link NodeEndpoint}, sans-IO
 * (every input carries monotonic time in ms; it only says when the next dial is due).
 *
 * <p>Addresses: the most recently reported first, at most {@link #MAX_ADDRESSES}; attempts go
 * through them in turn. After a failed attempt, or when the connection is lost, the next attempt
 * waits an exponential backoff with full jitter ({@link Backoff}); a connection open for at least
 * {@code stableAfter} resets it. Attempts never stop on their own.
 *
 * <p>Discovery reports: a newly reported address is dialed at once (the peer is somewhere new). A
 * known address reported again while backing off after failures means the peer is back (a laptop
 * woke up, the Wi-Fi returned): it is dialed at once too, but at most once per
 * {@link #REPORT_REDIAL_MILLIS}, so a peer announced every second that still refuses us cannot
 * defeat the backoff. Reports while connected or while an attempt is in flight change nothing.
 *
 * <p>Not thread-safe; owned by the endpoint.
 */
final class PeerDialing {
    /** Most addresses remembered per peer; the oldest is dropped beyond this. */
    static final int MAX_ADDRESSES = 8;
    /**
     * Shortest time between two dials triggered by a report of a known address: quick enough that
     * a peer back from sleep reconnects within seconds of being seen, slow enough that repeated
     * announcements cost at most one failed attempt each.
     */
    static final long REPORT_REDIAL_MILLIS = 5_000;

    private final Backoff backoff;
    private final long stableAfterMillis;
    private final List<PeerAddress> addresses = new ArrayList<>(); // most recently reported first
    private int nextAddress;
    private int retries;            // retries scheduled since the last stable connection
    private boolean connected;
    private boolean dialing;
    private long connectedSince;
    private long dueAt = Long.MAX_VALUE; // when the next attempt may start (MAX: none scheduled)
    private long lastReportDial = Long.MIN_VALUE / 2;

    PeerDialing(Backoff backoff, long stableAfterMillis) {
        this.backoff = backoff;
        this.stableAfterMillis = stableAfterMillis;
    }

    /** The peer can be reached at {@code address} (discovery, configuration, pairing). */
    void reported(PeerAddress address, long now) {
        int known = addresses.indexOf(address);
        if (known < 0) {
            addresses.add(0, address);
            if (addresses.size() > MAX_ADDRESSES) {
                addresses.remove(addresses.size() - 1);
            }
            nextAddress = 0;
        }
        if (connected || dialing) {
            return;
        }
        if (known < 0) {
            dueAt = now;
            lastReportDial = now;
            return;
        }
        boolean due = now - lastReportDial >= REPORT_REDIAL_MILLIS;
        if (dueAt == Long.MAX_VALUE || (retries > 0 && due)) {
            nextAddress = known;
            dueAt = now;
            lastReportDial = now;
        }
    }

    /** When an attempt is due (monotonic ms), or {@link Long#MAX_VALUE} for none. */
    long dueAt() {
        return connected || dialing || addresses.isEmpty() ? Long.MAX_VALUE : dueAt;
    }

    /** Starts the due attempt: the address to dial. Call only when {@link #dueAt()} has passed. */
    PeerAddress start() {
        dialing = true;
        dueAt = Long.MAX_VALUE;
        PeerAddress target = addresses.get(nextAddress % addresses.size());
        nextAddress = (nextAddress + 1) % addresses.size();
        return target;
    }

    /** The attempt ended without a connection. */
    void failed(long now, RandomGenerator random) {
        dialing = false;
        if (!connected) {
            scheduleRetry(now, random);
        }
    }

    /** A connection to the peer opened (dialed by either side). */
    void connected(long now) {
        dialing = false;
        if (!connected) {
            connected = true;
            connectedSince = now;
        }
        dueAt = Long.MAX_VALUE;
    }

    /** The peer's connection closed. */
    void disconnected(long now, RandomGenerator random) {
        if (!connected) {
            return;
        }
        connected = false;
        if (now - connectedSince >= stableAfterMillis) {
            retries = 0;
        }
        if (!dialing) {
            scheduleRetry(now, random);
        }
    }

    /** The node itself came back (restart, wake, network change): dial at once with a fresh backoff. */
    void reset(long now) {
        retries = 0;
        if (!connected && !dialing) {
            dueAt = now;
        }
    }

    boolean connected() {
        return connected;
    }

    /** Retries scheduled since the last stable connection. */
    int retries() {
        return retries;
    }

    List<PeerAddress> addresses() {
        return List.copyOf(addresses);
    }

    private void scheduleRetry(long now, RandomGenerator random) {
        long delay = backoff.delay(retries, random).toMillis();
        if (retries < Integer.MAX_VALUE) {
            retries++;
        }
        dueAt = now + delay;
    }
}
