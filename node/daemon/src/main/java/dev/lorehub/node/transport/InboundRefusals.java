package dev.lorehub.node.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Logs inbound connections that were refused before they opened without letting strangers flood
 * the log. Each refusal is one DEBUG line. At WARN, per minute: the first refusal from each of at
 * most {@link #SOURCES_PER_MINUTE} source addresses, with its reason (so a device refused by name,
 * e.g. one just unpaired, stays visible), and one summary line counting all the others by kind,
 * e.g. "refused 998 inbound connections in the last minute: 990 not TLS, 8 from an unpaired device".
 * That is at most four lines a minute however many connections arrive. Reasons are
 * {@linkplain FailureText#forLog shortened} and never carry the peer's bytes. Thread-safe.
 */
final class InboundRefusals {
    /** How often the summary line may be written: often enough to notice a scan, never a flood. */
    static final Duration SUMMARY_INTERVAL = Duration.ofMinutes(1);
    /** Source addresses whose first refusal in a minute gets its own line (an attacker has many; a LAN has few peers). */
    static final int SOURCES_PER_MINUTE = 3;

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
    private final Set<InetAddress> loggedThisMinute = new HashSet<>();
    private boolean summaryScheduled;

    /** @param self this device's short id, prefixed to every line */
    InboundRefusals(String self, Scheduler scheduler) {
        this.self = self;
        this.scheduler = scheduler;
    }

    /** A {@code mode} connection from {@code remote} was refused before it opened, for {@code reason}. */
    void refused(Kind kind, SocketAddress remote, TransportMode mode, String reason) {
        String line = mode + " connection from " + remote + " did not open: " + FailureText.forLog(reason);
        log.debug("{} {}", self, line);
        InetAddress source = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        boolean ownLine;
        boolean schedule;
        synchronized (this) {
            ownLine = !loggedThisMinute.contains(source) && loggedThisMinute.size() < SOURCES_PER_MINUTE;
            if (ownLine) {
                loggedThisMinute.add(source);
            } else {
                counts.merge(kind, 1, Integer::sum);
            }
            schedule = !summaryScheduled;
            summaryScheduled = true;
        }
        if (ownLine) {
            log.warn("{} {} (further refusals from there are counted in a summary once a minute)", self, line);
        }
        if (schedule) {
            scheduler.schedule(SUMMARY_INTERVAL, this::summarise);
        }
    }

    /**
     * Ends the minute: logs the count of the refusals that got no line of their own, if any, and
     * starts the next minute; with nothing to report it stops until the next refusal.
     */
    void summarise() {
        String line;
        synchronized (this) {
            loggedThisMinute.clear();
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            if (total == 0) {
                summaryScheduled = false;
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
