package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Keeps one wanted peer connected: dials its known addresses in turn, one attempt at a time, and after
 * a failed attempt or a lost connection retries after {@link Backoff exponential backoff with full jitter}.
 * Attempts never stop on their own (the backoff is valid for every retry count, and a retry is always
 * scheduled); {@link #stop()} ends them.
 *
 * <p>Discovery reports: a newly reported address is dialed at once (the peer is somewhere new). A
 * known address reported again while the dialer is backing off after failures means the peer is
 * back (a laptop woke up, the Wi-Fi returned): it is dialed at once too, but at most once per
 * {@link #REPORT_REDIAL_INTERVAL}, so a peer announced every second that still refuses us cannot
 * defeat the backoff. Reports while connected or while an attempt is in flight change nothing.
 *
 * <p>Thread-safe (its own monitor). The dial itself and scheduled retries run outside the monitor.
 */
final class PeerDialer {
    /** Most addresses remembered per peer; the oldest is dropped beyond this. */
    static final int MAX_ADDRESSES = 8;
    /**
     * Shortest time between two dials triggered by a report of a known address (5 s): quick enough
     * that a peer back from sleep reconnects within seconds of being seen, slow enough that
     * announcements (mDNS repeats them every few seconds) cost at most one failed attempt each.
     */
    static final Duration REPORT_REDIAL_INTERVAL = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(PeerDialer.class);

    /** Starts one connection attempt; the transport reports its end through {@link #dialEnded} exactly once. */
    interface Dial {
        void dial(PeerDialer dialer, InetSocketAddress address);
    }

    private final DeviceId peer;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final RetryScheduler scheduler;
    private final Duration stableAfter;
    private final LongSupplier nanoClock;
    private final Dial dial;

    private final List<InetSocketAddress> addresses = new ArrayList<>(); // most recently reported first
    private int nextAddress;
    private int retries;           // retries scheduled since the last stable connection
    private boolean connected;     // some connection to the peer (either direction) is open
    private boolean dialing;       // an attempt of ours is in flight
    private boolean stopped;
    private RetryScheduler.Cancellable timer;
    private boolean dialedOnReport;      // a report triggered an immediate dial ...
    private long lastReportDialNanos;    // ... at this nanoClock time

    /**
     * @param random      shared with other dialers; used under its own monitor
     * @param stableAfter a connection open at least this long resets the backoff when it ends
     * @param nanoClock   monotonic nanoseconds (System::nanoTime; a fake in tests), for {@link #REPORT_REDIAL_INTERVAL}
     */
    PeerDialer(DeviceId peer, Backoff backoff, RandomGenerator random, RetryScheduler scheduler, Duration stableAfter,
               LongSupplier nanoClock, Dial dial) {
        this.peer = peer;
        this.backoff = backoff;
        this.random = random;
        this.scheduler = scheduler;
        this.stableAfter = stableAfter;
        this.nanoClock = nanoClock;
        this.dial = dial;
    }

    DeviceId peer() {
        return peer;
    }

    /** Discovery (or configuration) says the peer can be reached at {@code address}. */
    synchronized void addressReported(InetSocketAddress address) {
        if (stopped) {
            return;
        }
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
        long now = nanoClock.getAsLong();
        if (known < 0) {
            dialNow(now);
            return;
        }
        // A known address again: the peer is back after failed attempts (or, defensively, nothing is scheduled).
        boolean due = !dialedOnReport || now - lastReportDialNanos >= REPORT_REDIAL_INTERVAL.toNanos();
        if (timer == null || (retries > 0 && due)) {
            nextAddress = known;
            log.debug("{} reported again at {}: dialing now", peer.shortForm(), address);
            dialNow(now);
        }
    }

    /** Dials at once because of a report; for known addresses such dials are at least {@link #REPORT_REDIAL_INTERVAL} apart. */
    private void dialNow(long now) {
        dialedOnReport = true;
        lastReportDialNanos = now;
        cancelTimer();
        timer = scheduler.schedule(Duration.ZERO, this::attempt);
    }

    /** A connection to the peer opened (dialed by either side): nothing to do until it closes. */
    synchronized void connected() {
        connected = true;
        cancelTimer();
    }

    /** The open connection to the peer closed after being open for {@code lived}. */
    synchronized void disconnected(Duration lived) {
        connected = false;
        if (lived.compareTo(stableAfter) >= 0) {
            retries = 0;
        }
        if (!dialing) {
            scheduleRetry();
        }
    }

    /** The attempt started by {@link Dial#dial} ended; {@code opened} if it became the open connection. */
    synchronized void dialEnded(boolean opened, String reason) {
        dialing = false;
        if (!opened && !connected) {
            log.debug("dial to {} failed: {}", peer.shortForm(), reason);
            scheduleRetry();
        }
    }

    /** No more attempts; a pending retry is cancelled. */
    synchronized void stop() {
        stopped = true;
        cancelTimer();
    }

    synchronized boolean stopped() {
        return stopped;
    }

    /** For tests: retries scheduled since the last stable connection. */
    synchronized int retries() {
        return retries;
    }

    private void attempt() {
        InetSocketAddress target;
        synchronized (this) {
            timer = null;
            if (stopped || connected || dialing || addresses.isEmpty()) {
                return;
            }
            dialing = true;
            target = addresses.get(nextAddress % addresses.size());
            nextAddress = (nextAddress + 1) % addresses.size();
        }
        dial.dial(this, target);
    }

    private void scheduleRetry() {
        if (stopped || connected || timer != null) {
            return;
        }
        Duration delay;
        synchronized (random) {
            delay = backoff.delay(retries, random);
        }
        if (retries < Integer.MAX_VALUE) {
            retries++;
        }
        log.debug("redialing {} in {} ms (retry {})", peer.shortForm(), delay.toMillis(), retries);
        timer = scheduler.schedule(delay, this::attempt);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
