package dev.lorehub.merkle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Drives an initiator and a responder against each other in memory, recording every message. */
public final class Exchange {

    public final Initiator initiator;
    public final Responder responder;
    /** Messages in order: initiator, responder, initiator, ... */
    public final List<byte[]> messages = new ArrayList<>();

    public Exchange(FingerprintSet a, FingerprintSet b, ReconcileConfig ca, ReconcileConfig cb, long salt) {
        initiator = new Initiator(a, ca, salt);
        responder = new Responder(b, cb);
    }

    /** Runs to completion (at most {@code maxMessages} messages) and returns this. */
    public Exchange run(int maxMessages) {
        byte[] msg = initiator.start();
        messages.add(msg);
        while (messages.size() < maxMessages) {
            Optional<byte[]> reply = responder.onMessage(msg);
            if (reply.isEmpty()) {
                break;
            }
            messages.add(reply.get());
            Optional<byte[]> next = initiator.onMessage(reply.get());
            if (next.isEmpty()) {
                break;
            }
            msg = next.get();
            messages.add(msg);
        }
        return this;
    }

    public static Exchange run(FingerprintSet a, FingerprintSet b, ReconcileConfig cfg) {
        return new Exchange(a, b, cfg, cfg, 42L).run(100_000);
    }

    public long totalBytes() {
        return messages.stream().mapToLong(m -> m.length).sum();
    }
}
