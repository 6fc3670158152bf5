package dev.lorehub.node.core;

/**
 * An event refused at ingest.
 *
 * @param index  its position in the batch
 * @param id     its id (hash of the bytes received), or null if it could not be computed
 * @param reason why
 * @param detail a readable explanation
 */
public record Rejection(int index, EventId id, RejectReason reason, String detail) {
    @Override
    public String toString() {
        return "event #" + index + (id == null ? "" : " " + id.shortForm()) + " rejected (" + reason + "): " + detail;
    }
}
