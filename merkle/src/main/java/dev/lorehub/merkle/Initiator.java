package dev.lorehub.merkle;

import dev.lorehub.merkle.internal.Session;

import java.util.Optional;

/**
 * The side that opens a reconciliation. Sans-IO: it only turns messages into messages.
 *
 * <pre>{@code
 * Initiator ini = new Initiator(set, config, salt);
 * byte[] out = ini.start();
 * while (true) {
 *     transport.send(out);
 *     if (ini.isDone()) break;                      // that was the last message: no reply will come
 *     Optional<byte[]> next = ini.onMessage(transport.receive());
 *     if (next.isEmpty()) break;                    // finished, nothing more to send
 *     out = next.get();
 * }
 * ReconcileResult r = ini.result();                 // r.need(): fetch these; r.have(): offer these
 * }</pre>
 *
 * <p>Every message this class returns must be delivered. A returned message either expects a reply
 * or, when {@link #isDone()} is already true, is the last one of the session (the responder needs
 * it to finish, but will not answer). When {@code onMessage} returns empty the session is finished.
 *
 * <p>The session works on a snapshot of the set taken in the constructor ({@code O(1)}): the caller
 * may keep modifying the set (events arriving from other peers), and the result describes the set
 * as it was at construction. It may therefore be slightly stale: re-check {@code need} against the
 * live set before fetching, and expect a later session to pick up what changed meanwhile.
 *
 * <p>Every input from the peer either advances the session or throws a
 * {@link ReconciliationException}; after an exception the session is failed. Not thread-safe.
 */
public final class Initiator {

    private final Session session;

    /** An initiator with salt 0. */
    public Initiator(FingerprintSet set, ReconcileConfig config) {
        this(set, config, 0L);
    }

    /**
     * @param salt mixed into every fingerprint of the session. Pass a fresh random value per session
     *     (from the caller's random source) so that a fingerprint collision, accidental or crafted,
     *     does not repeat when the session is retried; 0 is fine for tests.
     */
    public Initiator(FingerprintSet set, ReconcileConfig config, long salt) {
        this.session = new Session(Session.Role.INITIATOR, set.snapshot().tree(), config, salt);
    }

    /** The first message. Call exactly once. */
    public byte[] start() {
        return session.start();
    }

    /**
     * Processes the responder's message.
     *
     * @return the next message to send, or empty when the session is finished
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

    /** Rounds so far: messages sent by this initiator. */
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
