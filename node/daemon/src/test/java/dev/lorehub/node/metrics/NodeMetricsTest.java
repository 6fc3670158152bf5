package dev.lorehub.node.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics facade: what a driver reports comes out of /metrics in Prometheus's text format
 * (read back by a real parser), in the per-minute series and in the peer ledger.
 */
class NodeMetricsTest {
    private static final long T0 = 1_764_000_000_000L;
    private final DeviceId peer = DeviceIdentity.generate(SeededRandom.of(7)).id();
    private final RealmId realm = RealmId.random(SeededRandom.of(8));

    private NodeMetrics reported() {
        NodeMetrics m = new NodeMetrics(T0);
        m.sessionOpened(peer, T0);
        m.contact(peer, T0 + 10);
        m.reconciliationRounds(3);
        m.eventsReceived(realm, 10, 1_000, T0 + 20);
        m.eventsSent(realm, 4, 400, T0 + 30);
        m.ingested(5_000_000);
        m.syncSucceeded(peer, T0 + 40);
        m.conflicts(0, 0, 0, T0);
        m.conflicts(2, 0, 2, T0 + 50);
        m.conflicts(0, 1, 1, T0 + 60);
        m.sessionClosed(peer, T0 + 2_000, 2_000, "TIMEOUT: no progress from the peer within 30000 ms");
        m.sessionOpened(peer, T0 + 3_000);
        return m;
    }

    @Test
    void theExpositionParsesAndCarriesEveryFamily() throws Exception {
        PrometheusTextParser.assumeAvailable();
        JsonNode families = PrometheusTextParser.parse(reported().scrape());
        String p = peer.shortForm();
        assertThat(value(families, "lorehub_syncs_started_total", "peer", p)).isEqualTo(2);
        assertThat(value(families, "lorehub_syncs_succeeded_total", "peer", p)).isEqualTo(1);
        assertThat(value(families, "lorehub_syncs_failed_total", "peer", p)).isEqualTo(1);
        assertThat(value(families, "lorehub_events_received_total", "realm", realm.toString())).isEqualTo(10);
        assertThat(value(families, "lorehub_events_sent_total", "realm", realm.toString())).isEqualTo(4);
        assertThat(value(families, "lorehub_bytes_received_total", "realm", realm.toString())).isEqualTo(1_000);
        assertThat(value(families, "lorehub_bytes_sent_total", "realm", realm.toString())).isEqualTo(400);
        assertThat(value(families, "lorehub_reconciliation_rounds_total", null, null)).isEqualTo(3);
        assertThat(value(families, "lorehub_conflicts_recorded_total", null, null)).isEqualTo(2);
        assertThat(value(families, "lorehub_conflicts_resolved_total", null, null)).isEqualTo(1);
        assertThat(value(families, "lorehub_conflicts_open", null, null)).isEqualTo(1);
        assertThat(value(families, "lorehub_peers_connected", null, null)).isEqualTo(1);
        assertThat(PrometheusTextParser.family(families, "lorehub_syncs_started_total").path("type").asText())
            .isEqualTo("COUNTER");
        JsonNode latency = PrometheusTextParser.family(families, "lorehub_ingest_latency_seconds");
        assertThat(latency.path("type").asText()).isEqualTo("HISTOGRAM");
        assertThat(latency.path("metrics").get(0).path("count").asText()).isEqualTo("1");
        assertThat(latency.path("metrics").get(0).path("buckets").path("0.005").asText()).isEqualTo("1");
        JsonNode sessions = PrometheusTextParser.family(families, "lorehub_session_duration_seconds");
        assertThat(sessions.path("type").asText()).isEqualTo("HISTOGRAM");
        assertThat(sessions.path("metrics").get(0).path("sum").asDouble()).isEqualTo(2.0);
    }

    @Test
    void theLedgerAndTheSeriesFollowTheReports() {
        NodeMetrics m = reported();
        PeerLedger.Peer seen = m.peers().peer(peer).orElseThrow();
        assertThat(seen.connected()).isTrue();
        assertThat(seen.failuresInARow()).isEqualTo(1);
        assertThat(seen.lastError()).contains("TIMEOUT");
        assertThat(seen.behindSince()).as("a new session is behind until it syncs").isEqualTo(T0 + 3_000);
        m.inSync(peer, T0 + 3_500);
        assertThat(m.peers().peer(peer).orElseThrow().behindSince()).isZero();
        assertThat(m.peers().peer(peer).orElseThrow().inSyncSince()).isEqualTo(T0 + 3_500);
        assertThat(m.peers().peer(peer).orElseThrow().failuresInARow()).as("a success ends the streak").isZero();

        MinuteSeries.View v = m.series(T0 + 60_000);
        assertThat(v.total(MinuteSeries.Kind.EVENTS_IN)).isEqualTo(10);
        assertThat(v.total(MinuteSeries.Kind.BYTES_OUT)).isEqualTo(400);
        assertThat(v.total(MinuteSeries.Kind.CONFLICTS_RECORDED)).isEqualTo(2);
        assertThat(v.of(MinuteSeries.Kind.CONFLICTS_OPEN)[59]).as("a level carries into later minutes").isEqualTo(1);
        assertThat(m.conflictsLastHour(T0 + 60_000)).isEqualTo(2);
        assertThat(m.conflictsLastHour(T0 + 3_700_000)).as("older than an hour").isZero();
        assertThat(m.series(T0 + 2 * 3_600_000L).total(MinuteSeries.Kind.EVENTS_IN)).as("an hour later").isZero();
    }

    @Test
    void aSeriesSurvivesAClockStepBack() {
        MinuteSeries s = new MinuteSeries();
        s.add(MinuteSeries.Kind.EVENTS_IN, 5, T0);
        s.add(MinuteSeries.Kind.EVENTS_IN, 7, T0 - 3_600_000L);
        assertThat(s.view(T0).total(MinuteSeries.Kind.EVENTS_IN)).isEqualTo(12);
    }

    private static double value(JsonNode families, String name, String label, String labelValue) {
        JsonNode family = PrometheusTextParser.family(families, name);
        assertThat(family).as(name).isNotNull();
        for (JsonNode metric : family.path("metrics")) {
            if (label == null || metric.path("labels").path(label).asText().equals(labelValue)) {
                return metric.path("value").asDouble();
            }
        }
        throw new AssertionError(name + " has no sample with " + label + "=" + labelValue + ": " + family);
    }
}
