package dev.lorehub.node.dashboard;

/**
 * A problem {@code status --check} exits non-zero for, and the dashboard shows.
 *
 * @param code    stable name: peer-behind, peer-unreachable, conflict-rate, sync-failing
 * @param peer    the peer concerned (short id), or null
 * @param message one line for a person: what is wrong, the threshold, what to look at
 */
public record Alert(String code, String peer, String message) {
}
