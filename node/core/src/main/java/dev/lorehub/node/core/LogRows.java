package dev.lorehub.node.core;

/**
 * Rows the {@link EventLog} returns that only the core reads: the store fills them from its tables
 * and the core owns their shape, so reading them needs nothing of the store. Ids are raw bytes,
 * as stored.
 */
public final class LogRows {
    private LogRows() {
    }

    /** One event in its author's chain. */
    public record ChainLink(byte[] id, long seq, byte[] prev) {
    }

    /** An event received but held back: neither in the log nor forwarded (see {@code lhsync_held}). */
    public record HeldEvent(byte[] id, byte[] realm, long hlc, byte[] author, String reason, String detail, String source,
                            byte[] sealed, long receivedAt) {
    }

    /** Two or more events of one author at one place of its chain in a realm. */
    public record ForkRow(byte[] realm, long seq, int events) {
    }

    /** A mass deletion: {@code lores} lores of a realm deleted between {@code firstAt} and {@code lastAt} (ms). */
    public record MassDeleteRow(byte[] realm, long firstAt, long lastAt, long lores, boolean undone) {
    }

    /** A readable entity event written in the previous release's format (no chain position). */
    public record LegacyRow(byte[] id, byte[] author, long hlc, int kind, String entity) {
    }
}
