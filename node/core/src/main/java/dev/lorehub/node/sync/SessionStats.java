package dev.lorehub.node.sync;

/**
 * Counters of one session, for benchmarks, the simulator and status output.
 *
 * @param framesSent       frames queued for the peer
 * @param framesReceived   frames received
 * @param bytesSent        bytes of frames queued
 * @param bytesReceived    bytes of frames received
 * @param eventsSent       events sent
 * @param eventsReceived   events received (including duplicates and rejects)
 * @param eventsStored     events newly stored from this peer
 * @param reconcileRounds  reconciliation round trips, summed over realms
 */
public record SessionStats(long framesSent, long framesReceived, long bytesSent, long bytesReceived, long eventsSent,
                           long eventsReceived, long eventsStored, long reconcileRounds) {
}
