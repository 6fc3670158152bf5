package dev.lorehub.simulator.engine;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one run.
 *
 * @param config              the scenario
 * @param faultPlan           the fault parameters drawn for it
 * @param failure             why it failed, or null
 * @param healAtMs            when every fault was healed (simulated ms)
 * @param convergenceMs       time from the heal to identical state everywhere, or -1
 * @param simulatedMs         simulated time covered
 * @param framesSent          sync frames sent, over all connections
 * @param bytesSent           bytes of those frames
 * @param edits               acknowledged local edits (lore and relation events written by captures)
 * @param opsPerformed        lh operations the workload performed
 * @param opsSkipped          operations skipped (device down, asleep, not a writer, nothing to do)
 * @param partitionEdits      edits made while a partition was in force (with at least one peer on the author's side)
 * @param partitionReached    of those, edits that reached every member on the author's side within the availability window
 * @param traceHash           SHA-256 of the run's trace
 * @param events              distinct events in the run
 * @param connections         connections opened
 * @param resets              connections reset by the network
 * @param closeReasons        sessions ended, by who ended them and why
 * @param crashes             process crashes
 * @param pauses              sleeps
 * @param partitionEpisodes   partition episodes
 * @param clockJumps          clock steps
 * @param divergence          (simulated ms, number of distinct event sets among the nodes) at every change
 * @param partitions          partition intervals, for the picture
 * @param downtimes           crash and sleep intervals, for the picture
 * @param oracleCheckedFields fields the reference model checked on each node
 * @param oracleSkippedFields fields it could not decide
 * @param oracleSkippedEntities entities it could not decide
 * @param counters            named counts: session timeouts (and how many followed a fault), stops, hour steps,
 *                            edits made while the node was stopped, dials, the attacker's attempts and refusals ...
 */
public record SimResult(SimConfig config, String faultPlan, Failure failure, long healAtMs, long convergenceMs,
                        long simulatedMs, long framesSent, long bytesSent, long edits, long opsPerformed, long opsSkipped,
                        long partitionEdits, long partitionReached, String traceHash, long events, int connections,
                        int resets, Map<String, Integer> closeReasons, int crashes, int pauses, int partitionEpisodes,
                        int clockJumps, List<long[]> divergence, List<Interval> partitions, List<Interval> downtimes,
                        int oracleCheckedFields, int oracleSkippedFields, int oracleSkippedEntities,
                        Map<String, Long> counters) {

    /** A named count, 0 if never counted. */
    public long count(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** A span of simulated time with a label (a partition's kind, a node's crash or sleep). */
    public record Interval(long startMs, long endMs, String label) {
    }

    public boolean passed() {
        return failure == null;
    }

    public long seed() {
        return config.seed();
    }
}
