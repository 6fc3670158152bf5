package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.Session;

import java.util.Optional;

/**
 * The side that answers a reconciliation. Sans-IO: it only turns messages into messages.
 *
 * <pre>{@code
 * Responder res = new Responder(set, config);
 * while (!res.isDone()) {
 *     Optional<byte[]> reply = res.onMessage(transport.receive());
 *     reply.ifPresent(transport::send);             // deliver it even if res.isDone() is now true
 *     if (reply.isEmpty()) break;                   // finished, nothing to send
 * }
 * ReconcileResult r = res.result();
 * }</pre>
 *
 * <p>Every returned reply must be delivered; when {@link #isDone()} is true after a reply was
 * returned, that reply was the last message of the session and no further message will arrive.
 * The responder takes the session salt from the initiator's first message; of its own
 * configuration it uses the limits and the splitting policy. Like the initiator it works on a
 * snapshot taken in the constructor, so the caller may keep modifying the set and the result may
 * be slightly stale. Every input either advances the session or throws a
 * {@link ReconciliationException}, after which the session is failed. Not thread-safe.
 */
public final class Responder {

    private final Session session;

    public Responder(FingerprintSet set, ReconcileConfig config) {
        this.session = new Session(Session.Role.RESPONDER, set.snapshot().tree(), config, 0L);
    }

    /**
     * Processes the initiator's message.
     *
     * @return the reply, or empty when there is nothing to send and the session is finished
     * @throws ReconciliationException for any malformed, oversized, inconsistent or excess input
     */
    public Optional<byte[]> onMessage(byte[] message) {
        return session.onMessage(message);
    }

    /** Whether the session finished successfully; {@link #result()} is then available. */
    public boolean isDone() {
        return session.isDone();
    }

    /**
     * The verified result.
     *
     * @throws IllegalStateException if the session has not finished
     */
    public ReconcileResult result() {
        if (!session.isDone()) {
            throw new IllegalStateException("the session has not finished");
        }
        return new ReconcileResult(session.have(), session.need(), session.rounds(), session.messagesSent(),
            session.messagesReceived(), session.bytesSent(), session.bytesReceived());
    }

    /** Rounds so far: messages received from the initiator. */
    public int rounds() {
        return session.rounds();
    }

    public long bytesSent() {
        return session.bytesSent();
    }

    public long bytesReceived() {
        return session.bytesReceived();
    }
}
