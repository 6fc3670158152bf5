package dev.lorehub.node.dashboard;

import dev.lorehub.node.runtime.NodeConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which alerts hold, from what is known of each peer and the conflict rate, against the
 * thresholds in node.json's {@code alerts} block. Pure: time is an argument.
 */
public final class AlertRules {
    private AlertRules() {
    }

    /**
     * What is known of one peer.
     *
     * @param online           a sync session is open
     * @param behindSince      connected but not in sync since then (0: in sync, or offline)
     * @param unreachableSince offline since then (0: online)
     * @param failuresInARow   failed sessions since the last success
     */
    public record PeerHealth(String shortId, String name, boolean online, long behindSince, long unreachableSince,
                             int failuresInARow, String lastError) {
    }

    /** The alerts that hold at {@code now}, most urgent first. */
    public static List<Alert> evaluate(NodeConfig.Alerts limits, List<PeerHealth> peers, int conflictsLastHour, long now) {
        List<Alert> out = new ArrayList<>();
        for (PeerHealth p : peers) {
            String who = "peer " + p.name() + " (" + p.shortId() + ")";
            if (p.failuresInARow() >= limits.failedSyncs()) {
                out.add(new Alert("sync-failing", p.shortId(), p.failuresInARow() + " sync sessions with " + who
                    + " failed in a row (alerts.failedSyncs = " + limits.failedSyncs() + "); last error: " + p.lastError()));
            }
            if (p.online() && p.behindSince() > 0 && now - p.behindSince() >= limits.behindMinutes() * 60_000L) {
                out.add(new Alert("peer-behind", p.shortId(), who + " has been connected but not in sync for "
                    + duration(now - p.behindSince()) + " (alerts.behindMinutes = " + limits.behindMinutes()
                    + "); see `lorehub-node dashboard`"));
            }
            if (!p.online() && p.unreachableSince() > 0 && now - p.unreachableSince() >= limits.unreachableMinutes() * 60_000L) {
                out.add(new Alert("peer-unreachable", p.shortId(), who + " has not been reached for "
                    + duration(now - p.unreachableSince()) + " (alerts.unreachableMinutes = " + limits.unreachableMinutes()
                    + ")" + (p.lastError() == null ? "" : "; last error: " + p.lastError())));
            }
        }
        if (conflictsLastHour > limits.conflictsPerHour()) {
            out.add(new Alert("conflict-rate", null, conflictsLastHour + " conflicts recorded in the last hour (alerts."
                + "conflictsPerHour = " + limits.conflictsPerHour() + "); see `lorehub-node conflicts`"));
        }
        return out;
    }

    /** "42 min", "26 h", "3 d". */
    static String duration(long millis) {
        long minutes = millis / 60_000;
        if (minutes < 120) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours < 72 ? hours + " h" : hours / 24 + " d";
    }
}
