package dev.lorehub.node.metrics;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's metrics facade: what the sync driver reports (today {@code NodeRuntime} through
 * {@link ObservedSyncStore}; later the sans-IO node endpoint), kept three ways at once:
 * Prometheus meters for {@code /metrics} (Micrometer with its Prometheus registry), per-minute
 * series for the dashboard's charts ({@link MinuteSeries}), and what is known of each peer
 * ({@link PeerLedger}) for the dashboard and the alerts.
 *
 * <p>Every method takes {@code now} (ms since the epoch) where time matters, so a sans-IO caller
 * passes its own clock. Thread-safe: callers may report from any thread.
 *
 * <p>Meters (Prometheus names): {@code lorehub_syncs_started_total{peer}},
 * {@code lorehub_syncs_succeeded_total{peer}}, {@code lorehub_syncs_failed_total{peer}},
 * {@code lorehub_events_sent_total{realm}}, {@code lorehub_events_received_total{realm}},
 * {@code lorehub_bytes_sent_total{realm}}, {@code lorehub_bytes_received_total{realm}},
 * {@code lorehub_reconciliation_rounds_total}, {@code lorehub_conflicts_recorded_total},
 * {@code lorehub_conflicts_resolved_total}, {@code lorehub_conflicts_open},
 * {@code lorehub_session_duration_seconds}, {@code lorehub_ingest_latency_seconds},
 * {@code lorehub_peers_connected}, {@code lorehub_local_changes_pending}.
 */
public final class NodeMetrics {
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20),
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(5)};
    private static final Duration[] SESSION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(8)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MinuteSeries series = new MinuteSeries();
    private final PeerLedger ledger = new PeerLedger();
    private final AtomicInteger peersConnected = new AtomicInteger();
    private final AtomicLong conflictsOpen = new AtomicLong();
    private final AtomicLong pendingLocal = new AtomicLong();
    private final Counter rounds;
    private final Counter conflictsRecorded;
    private final Counter conflictsResolved;
    private final Timer sessionDuration;
    private final Timer ingestLatency;
    private final ArrayDeque<Long> recordedTimes = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final long startedAt;

    /** @param now when the node started (ms since the epoch) */
    public NodeMetrics(long now) {
        this.startedAt = now;
        rounds = Counter.builder("lorehub.reconciliation.rounds").description("Set-reconciliation round trips, all realms")
            .register(registry);
        conflictsRecorded = Counter.builder("lorehub.conflicts.recorded").description("Conflicts that appeared here")
            .register(registry);
        conflictsResolved = Counter.builder("lorehub.conflicts.resolved").description("Conflicts that went away (resolved here "
            + "or elsewhere)").register(registry);
        sessionDuration = Timer.builder("lorehub.session.duration").description("How long sync sessions lasted")
            .serviceLevelObjectives(SESSION_BUCKETS).register(registry);
        ingestLatency = Timer.builder("lorehub.ingest.latency").description("Time to verify, store and apply one batch of "
            + "received events").serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        Gauge.builder("lorehub.peers.connected", peersConnected, AtomicInteger::get).description("Peers with an open sync "
            + "session").register(registry);
        Gauge.builder("lorehub.conflicts.open", conflictsOpen, AtomicLong::get).description("Conflicts recorded and not "
            + "resolved").register(registry);
        Gauge.builder("lorehub.local.changes.pending", pendingLocal, AtomicLong::get).description("Rows lh wrote that are "
            + "not yet turned into events").register(registry);
    }

    // ---- what the driver reports

    /** A sync session with {@code peer} opened. */
    public void sessionOpened(DeviceId peer, long now) {
        Counter.builder("lorehub.syncs.started").description("Sync sessions opened").tag("peer", peer.shortForm())
            .register(registry).increment();
        peersConnected.incrementAndGet();
        ledger.opened(peer, now);
        changed();
    }

    /** A frame arrived from {@code peer} (cheap: no notification). */
    public void contact(DeviceId peer, long now) {
        ledger.contact(peer, now);
    }

    /** A session reached full sync for the first time: counted as a successful sync. */
    public void syncSucceeded(DeviceId peer, long now) {
        Counter.builder("lorehub.syncs.succeeded").description("Sync sessions that reached full sync").tag("peer",
            peer.shortForm()).register(registry).increment();
        inSync(peer, now);
    }

    /** Every realm shared with {@code peer} is in sync now (again). */
    public void inSync(DeviceId peer, long now) {
        ledger.inSync(peer, now);
        changed();
    }

    /** {@code peer} has something to catch up on (a reconciliation found differences, or new events are moving). */
    public void behind(DeviceId peer, long now) {
        if (ledger.peer(peer).map(p -> p.behindSince() == 0).orElse(false)) {
            ledger.behind(peer, now);
            changed();
        }
    }

    /**
     * A session with {@code peer} closed after {@code durationMillis}; {@code error} says why it
     * failed (null: it ended normally, e.g. the node or the peer shut down).
     */
    public void sessionClosed(DeviceId peer, long now, long durationMillis, String error) {
        peersConnected.decrementAndGet();
        sessionDuration.record(Math.max(0, durationMillis), TimeUnit.MILLISECONDS);
        if (error != null) {
            Counter.builder("lorehub.syncs.failed").description("Sync sessions that ended in an error").tag("peer",
                peer.shortForm()).register(registry).increment();
        }
        ledger.closed(peer, now, error);
        changed();
    }

    /** Events (and their bytes) sent to a peer in one realm. */
    public void eventsSent(RealmId realm, int events, long bytes, long now) {
        Counter.builder("lorehub.events.sent").description("Events sent to peers").tag("realm", realm.toString())
            .register(registry).increment(events);
        Counter.builder("lorehub.bytes.sent").description("Bytes of events sent to peers").tag("realm", realm.toString())
            .register(registry).increment(bytes);
        series.add(MinuteSeries.Kind.EVENTS_OUT, events, now);
        series.add(MinuteSeries.Kind.BYTES_OUT, bytes, now);
    }

    /** Events (and their bytes) received from a peer in one realm. */
    public void eventsReceived(RealmId realm, int events, long bytes, long now) {
        Counter.builder("lorehub.events.received").description("Events received from peers").tag("realm", realm.toString())
            .register(registry).increment(events);
        Counter.builder("lorehub.bytes.received").description("Bytes of events received from peers").tag("realm",
            realm.toString()).register(registry).increment(bytes);
        series.add(MinuteSeries.Kind.EVENTS_IN, events, now);
        series.add(MinuteSeries.Kind.BYTES_IN, bytes, now);
        changed();
    }

    /** A realm's reconciliation finished after {@code count} round trips. */
    public void reconciliationRounds(int count) {
        rounds.increment(count);
    }

    /** One batch of received events took {@code nanos} to ingest. */
    public void ingested(long nanos) {
        ingestLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Conflicts appeared ({@code recorded}) and went away ({@code resolved}); {@code open} are left. */
    public void conflicts(int recorded, int resolved, int open, long now) {
        if (recorded > 0) {
            conflictsRecorded.increment(recorded);
            series.add(MinuteSeries.Kind.CONFLICTS_RECORDED, recorded, now);
            synchronized (recordedTimes) {
                for (int i = 0; i < recorded; i++) {
                    recordedTimes.addLast(now);
                }
            }
        }
        if (resolved > 0) {
            conflictsResolved.increment(resolved);
        }
        series.set(MinuteSeries.Kind.CONFLICTS_OPEN, open, now);
        if (conflictsOpen.getAndSet(open) != open || recorded > 0 || resolved > 0) {
            changed();
        }
    }

    /** How many rows lh wrote that are not yet events. */
    public void pendingLocalChanges(long count) {
        pendingLocal.set(count);
    }

    // ---- what the dashboard and the alerts read

    /** When the node started. */
    public long startedAt() {
        return startedAt;
    }

    public PeerLedger peers() {
        return ledger;
    }

    public MinuteSeries.View series(long now) {
        return series.view(now);
    }

    /** Conflicts recorded within the hour before {@code now}. */
    public int conflictsLastHour(long now) {
        synchronized (recordedTimes) {
            while (!recordedTimes.isEmpty() && recordedTimes.peekFirst() < now - 3_600_000L) {
                recordedTimes.pollFirst();
            }
            return recordedTimes.size();
        }
    }

    /** Counter value for tests and status output. */
    public double count(String meter, String tagKey, String tagValue) {
        Counter c = registry.find(meter).tag(tagKey, tagValue).counter();
        return c == null ? 0 : c.count();
    }

    /** Samples recorded by a distribution (tests). */
    public long samples(String meter) {
        Timer t = registry.find(meter).timer();
        DistributionSummary s = registry.find(meter).summary();
        return t != null ? t.count() : s != null ? s.count() : 0;
    }

    /** Everything in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /** Called (on the reporting thread) after state the dashboard shows changed; keep it cheap. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    private void changed() {
        for (Runnable l : listeners) {
            l.run();
        }
    }
}
