package dev.lorehub.node.metrics;

import dev.lorehub.node.sync.SessionStats;

/**
 * One open sync session as the driver sees it now: its progress, whether it is fully synced at
 * this moment, and its counters.
 */
public record SessionSnapshot(SessionProgress.View progress, boolean synced, SessionStats stats) {
}
