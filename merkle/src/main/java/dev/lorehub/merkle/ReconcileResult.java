package dev.lorehub.merkle;

import java.util.List;

/**
 * The outcome of a finished reconciliation, as seen from one side.
 *
 * @param have keys this side holds that the peer lacks (ascending): offer or send these events
 * @param need keys the peer holds that this side lacks (ascending): fetch these events
 * @param rounds number of rounds (initiator messages) the session took
 * @param messagesSent messages this side sent
 * @param messagesReceived messages this side received
 * @param bytesSent bytes this side sent
 * @param bytesReceived bytes this side received
 */
public record ReconcileResult(List<EventKey> have, List<EventKey> need, int rounds, int messagesSent,
                              int messagesReceived, long bytesSent, long bytesReceived) {

    public ReconcileResult {
        have = List.copyOf(have);
        need = List.copyOf(need);
    }
}
