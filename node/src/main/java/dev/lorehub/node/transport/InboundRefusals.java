package dev.lorehub.node.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Logs inbound connections that were refused before they opened without letting strangers flood
 * the log: each refusal is one DEBUG line; at WARN, the first refusal after a quiet minute is one
 * line (with its address and reason), and further refusals are counted and summarised in at most
 * one line per {@link #SUMMARY_INTERVAL}, e.g. "Refused 10 inbound connections in the last minute:
 * 8 not TLS, 2 from an unpaired device". Reasons are {@linkplain FailureText#forLog shortened} and
 * never carry the peer's bytes. Thread-safe.
 */
final class InboundRefusals {
    /** At most one WARN line per minute: enough to notice a misconfigured peer or a scan, never a flood. */
    static final Duration SUMMARY_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(InboundRefusals.class);

    /** Why an inbound connection was refused, in the words of the summary. */
    enum Kind {
        NOT_TLS("not TLS"),
        UNPAIRED("from an unpaired device"),
        TLS_FAILED("TLS failed"),
        CLOSED("closed by the other side during the handshake"),
        TIMED_OUT("handshake timed out"),
        TOO_MANY("too many handshakes at once"),
        REFUSED("refused after TLS");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    /** Runs the summary later (the transport's event loops). */
    interface Scheduler {
        void schedule(Duration delay, Runnable task);
    }

    private final String self;
    private final Scheduler scheduler;
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private boolean windowOpen;

    /** @param self this device's short id, prefixed to every line */
    InboundRefusals(String self, Scheduler scheduler) {
        this.self = self;
        this.scheduler = scheduler;
    }

    /** An inbound connection from {@code remote} was refused before it opened. */
    void refused(Kind kind, SocketAddress remote, String reason) {
        String shortReason = FailureText.forLog(reason);
        log.debug("{} refused an inbound connection from {}: {}", self, remote, shortReason);
        boolean first;
        synchronized (this) {
            first = !windowOpen;
            if (first) {
                windowOpen = true;
            } else {
                counts.merge(kind, 1, Integer::sum);
            }
        }
        if (first) {
            log.warn("{} refused an inbound connection from {}: {} (further refusals are summarised once a minute)", self,
                remote, shortReason);
            scheduler.schedule(SUMMARY_INTERVAL, this::summarise);
        }
    }

    /**
     * Logs the counts of the window that just ended, if any, and opens the next window; with nothing
     * to report the window closes, so the next refusal is logged at once again.
     */
    void summarise() {
        String line;
        synchronized (this) {
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            if (total == 0) {
                windowOpen = false;
                return;
            }
            StringJoiner kinds = new StringJoiner(", ");
            counts.forEach((k, n) -> kinds.add(n + " " + k.words));
            line = "refused " + total + " inbound connection" + (total == 1 ? "" : "s") + " in the last minute: " + kinds;
            counts.clear();
        }
        log.warn("{} {}", self, line);
        scheduler.schedule(SUMMARY_INTERVAL, this::summarise);
    }
}
