package dev.lorehub.discovery.internal;

/** A received record that we ignore; the message says why, for a debug log line. */
final class RejectedRecord extends Exception {

    RejectedRecord(String reason) {
        super(reason, null, false, false);
    }
}
