package dev.lorehub.node.sync;

import java.util.List;
import java.util.Optional;

/**
 * One side of a realm's set reconciliation (the merkle module's initiator or responder), as the
 * session drives it. The messages are opaque bytes carried in {@link SyncMessage.RealmOpen} and
 * {@link SyncMessage.Reconcile}.
 */
public interface Reconciliation {
    /** The first message; only for the side that speaks first. */
    byte[] start();

    /**
     * Feeds the peer's message and returns the reply, or empty when this side has nothing more to
     * say. Throws {@link ReconciliationFailedException} on a malformed or hostile message.
     */
    Optional<byte[]> onMessage(byte[] message);

    /** True once this side knows the full difference. */
    boolean isDone();

    /** Keys this side holds that the peer lacks (valid once done). */
    List<SyncMessage.Key> have();

    /** Keys this side lacks (valid once done). */
    List<SyncMessage.Key> need();

    /** Round trips so far (one message each way). */
    int rounds();
}
