package dev.lorehub.discovery.internal;

/**
 * Counters of what discovery ignored, for tests and diagnostics.
 *
 * @param ownRecords      our own announcements seen echoed back (ignored)
 * @param rejectedRecords received records that failed validation (ignored with a debug log)
 * @param droppedEvents   JmDNS events dropped because the hand-off queue was full
 */
public record DiscoveryStats(long ownRecords, long rejectedRecords, long droppedEvents) {
}
