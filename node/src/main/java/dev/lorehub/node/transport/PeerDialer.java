package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Keeps one wanted peer connected: dials its known addresses in turn, one attempt at a time, and after
 * a failed attempt or a lost connection retries after {@link Backoff exponential backoff with full jitter}.
 * Attempts never stop on their own; {@link #stop()} ends them. A newly reported address is dialed
 * at once (discovery found the peer somewhere new); a re-reported known one changes nothing, so
 * periodic discovery announcements cannot defeat the backoff.
 *
 * <p>Thread-safe (its own monitor). The dial itself and scheduled retries run outside the monitor.
 */
final class PeerDialer {
    /** Most addresses remembered per peer; the oldest is dropped beyond this. */
    static final int MAX_ADDRESSES = 8;

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
    private final Dial dial;

    private final List<InetSocketAddress> addresses = new ArrayList<>(); // most recently reported first
    private int nextAddress;
    private int retries;           // retries scheduled since the last stable connection
    private boolean connected;     // some connection to the peer (either direction) is open
    private boolean dialing;       // an attempt of ours is in flight
    private boolean stopped;
    private RetryScheduler.Cancellable timer;

    /**
     * @param random      shared with other dialers; used under its own monitor
     * @param stableAfter a connection open at least this long resets the backoff when it ends
     */
    PeerDialer(DeviceId peer, Backoff backoff, RandomGenerator random, RetryScheduler scheduler, Duration stableAfter, Dial dial) {
        this.peer = peer;
        this.backoff = backoff;
        this.random = random;
        this.scheduler = scheduler;
        this.stableAfter = stableAfter;
        this.dial = dial;
    }

    DeviceId peer() {
        return peer;
    }

    /** Discovery (or configuration) says the peer can be reached at {@code address}. */
    synchronized void addressReported(InetSocketAddress address) {
        if (stopped || addresses.contains(address)) {
            return;
        }
        addresses.add(0, address);
        if (addresses.size() > MAX_ADDRESSES) {
            addresses.remove(addresses.size() - 1);
        }
        nextAddress = 0;
        if (!connected && !dialing) {
            cancelTimer();
            timer = scheduler.schedule(Duration.ZERO, this::attempt);
        }
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
        retries = Math.min(retries + 1, 62);
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
