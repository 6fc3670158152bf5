package dev.lorehub.discovery;

import dev.lorehub.discovery.internal.JmDnsDiscovery;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Finds LoreHub peers on the local network and announces this node.
 *
 * <h2>Life cycle</h2>
 * {@link #create} → {@link #start()} → … → {@link #close()} (= {@link #stop()}). One-shot: a closed discovery
 * cannot be restarted. {@code close()} sends mDNS goodbyes (peers hear {@code peerLost} within about
 * two seconds), stops every thread this module or JmDNS created for it, and returns within a few seconds.
 *
 * <h2>Timing</h2>
 * Two nodes started together find each other in about 0.9 s (RFC 6762 probing: a random 0–250 ms, three
 * probes 250 ms apart, then the first announcement); a node started next to a running one finds it in about
 * 0.3 s (it answers our first query). A peer that vanishes without goodbye is reported lost once its records
 * expire: within its record TTL (10 s by default, see the package description) plus about a second.
 *
 * <h2>Threads</h2>
 * JmDNS callbacks are only copied and handed to one bounded discovery thread, which validates records and
 * calls the {@link DiscoveryListener}; blocking work (TCP probes of static peers, goodbyes) runs on a small
 * bounded pool. All methods are thread-safe.
 */
public interface Discovery extends AutoCloseable {

    /** A new, not yet started discovery for {@code config}, reporting to {@code listener}. */
    static Discovery create(DiscoveryConfig config, DiscoveryListener listener) {
        return new JmDnsDiscovery(config, listener);
    }

    /**
     * Binds mDNS to every configured address (skipping, with a warning, any that is not on a local
     * interface), announces this node, starts browsing, and starts probing static peers.
     *
     * @throws IllegalStateException if already started or closed
     */
    void start();

    /**
     * Makes mDNS run on exactly {@code addresses}: closes (with goodbye) the instances whose address left the
     * set, reporting peers seen only there as lost, and opens and announces on new ones. Blocks until done
     * (under a second per removed address). Before {@link #start()} it replaces the configured addresses.
     */
    void updateAddresses(Collection<? extends InetAddress> addresses);

    /** Local addresses mDNS currently runs on. */
    List<InetAddress> boundAddresses();

    /**
     * Starts advertising {@code nameplate} — the public part of an open pairing code, never the secret —
     * on every bound address, until the returned handle is closed.
     *
     * @param nameplate 1–32 ASCII letters, digits or {@code -}; matched without regard to case
     * @throws IllegalStateException if not started, or closed
     */
    PairingAdvertisement advertisePairing(String nameplate);

    /**
     * Like {@link #advertisePairing(String)}, but pointing joiners at {@code port} instead of the
     * node's own port: the inviter accepts pairing connections on a listener of their own.
     *
     * @param port 1–65535
     */
    PairingAdvertisement advertisePairing(String nameplate, int port);

    /**
     * Looks for devices advertising {@code nameplate}. Completes soon after the first match (waiting up to
     * 300 ms more to collect other advertisers of the same nameplate), or with an empty list when
     * {@code timeout} passes. Our own advertisements are never returned. Cancelled if discovery closes first.
     * The future completes on the discovery thread: do real work with the {@code *Async} variants.
     */
    CompletableFuture<List<PairingCandidate>> lookupPairing(String nameplate, Duration timeout);

    /** The peers currently found (the latest {@code peerFound} for each key not followed by {@code peerLost}). */
    List<DiscoveredPeer> peers();

    /** Same as {@link #close()}. */
    void stop();

    /** Stops everything; see the class description. Idempotent. */
    @Override
    void close();
}
