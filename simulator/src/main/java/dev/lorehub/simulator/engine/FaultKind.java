package dev.lorehub.simulator.engine;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One kind of fault. The network model is TCP-faithful (see {@code README} notes in the
 * simulator): a sync session always sees an ordered, duplicate-free stream, as it would over TCP
 * and TLS, and network faults show up the way they do under TCP.
 */
public enum FaultKind {
    /** Variable latency: uniform or long-tailed instead of a fixed LAN delay. */
    JITTER,
    /** Packet loss: retransmission delays (RTO, doubling) with head-of-line blocking on the connection. */
    LOSS,
    /** Connection resets: a connection dies mid-stream, in-flight frames are lost, the dialer reconnects and resyncs. */
    RESETS,
    /** Duplicate connections: both devices dial at once; both sessions run until the tie-break closes one. */
    DUPLICATES,
    /** Reordering: latency drawn per frame, so frames on different connections overtake each other. */
    REORDER,
    /** Partitions: isolate one, split in halves, one-way links, flapping links, random cuts. */
    PARTITIONS,
    /** Process crash and restart from the durable files (sessions and in-flight frames are lost). */
    CRASHES,
    /** The user stops the node and starts it again later (sessions end normally); lh keeps writing meanwhile. */
    RESTARTS,
    /** Laptop sleep: the node freezes, its peers hear nothing, its timers fire late on wake. */
    PAUSES,
    /** Clock skew, drift and jumps of each node's wall clock, and one step of an hour mid-session. */
    CLOCKS,
    /**
     * One device turns attacker: a member (writer or admin) that is removed and then forges what it
     * can — backdated events under old keys and old membership, events of another realm, far-future
     * stamps, junk membership events from a stranger key, oversized and malformed frames, events
     * beyond its credit — through its own connections.
     */
    ADVERSARIAL;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a comma-separated list of kinds (e.g. {@code crashes,clocks}); empty text is the empty set. */
    public static Set<FaultKind> parseList(String text) {
        EnumSet<FaultKind> out = EnumSet.noneOf(FaultKind.class);
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(valueOf(p.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fault kind '" + p + "': use one of "
                    + String.join(", ", java.util.Arrays.stream(values()).map(FaultKind::cliName).toList()));
            }
        }
        return out;
    }
}
