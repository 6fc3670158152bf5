package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.util.List;

/**
 * The messages of the sync protocol (DESIGN.md §5). One message per frame, encoded by
 * {@link SyncCodec}. The flow between two paired devices:
 *
 * <pre>
 *  initiator                                   responder
 *  Hello(versions, realms + first reconcile) →
 *                                            ← Hello(versions, realms + reconcile replies)
 *                                            ← ScopedOpen(membership-only realms)   (if both announced scopes)
 *  ScopedOpen(membership-only realms) →                                            (if it has any)
 *  Reconcile … ↔ Reconcile …                 (only where realms differ)
 *  Events … ↔ Events …                       (what the other lacks, within the credit it granted)
 *  Credit ↔ Credit                           (after each ingested batch)
 *  Offer → / ← Want / Events                 (live push of new events)
 *  Close(reason) either way
 * </pre>
 */
public sealed interface SyncMessage {

    /**
     * Opens a session.
     *
     * @param minVersion    lowest protocol version spoken
     * @param maxVersion    highest protocol version spoken
     * @param device        the sender's device id (must match the TLS-authenticated peer)
     * @param capabilities  feature bits ({@link SyncCodec#CAP_COMPACT_EVENTS}, {@link SyncCodec#CAP_MEMBERSHIP_SCOPE});
     *                      unknown bits are ignored
     * @param credit        bytes of {@link Events} the sender is ready to receive before its first {@link Credit}
     * @param realms        realms the sender will sync with this peer, each with a reconciliation message
     */
    record Hello(int minVersion, int maxVersion, DeviceId device, long capabilities, long credit, List<RealmOpen> realms)
        implements SyncMessage {
        public Hello {
            realms = List.copyOf(realms);
        }
    }

    /**
     * One realm in a {@link Hello}.
     *
     * @param realm     realm id
     * @param founder   its founder (the realm id is derived from it, so a peer can check the claim)
     * @param reconcile the initiator's first reconciliation message, or the responder's reply to it
     */
    record RealmOpen(RealmId realm, DeviceId founder, byte[] reconcile) {
    }

    /**
     * Opens realms as {@link RealmScope#MEMBERSHIP_ONLY} (registration 48), sent only to a peer whose
     * Hello announced {@link SyncCodec#CAP_MEMBERSHIP_SCOPE}, so the Hello itself keeps its layout. The
     * session responder sends one right after its Hello, the initiator one in answer to it (so the two
     * never open the same realm twice). A realm named here that is open FULL in the session is narrowed:
     * its reconciliation starts over on the membership events only.
     */
    record ScopedOpen(List<ScopedRealm> realms) implements SyncMessage {
        public ScopedOpen {
            realms = List.copyOf(realms);
        }
    }

    /**
     * One realm in a {@link ScopedOpen}.
     *
     * @param realm     realm id
     * @param founder   its founder
     * @param scope     what the session carries of it
     * @param reconcile the sender's first reconciliation message over that scope (the sender speaks first)
     */
    record ScopedRealm(RealmId realm, DeviceId founder, RealmScope scope, byte[] reconcile) {
    }

    /** A further reconciliation message for one realm. */
    record Reconcile(RealmId realm, byte[] message) implements SyncMessage {
    }

    /** A batch of sealed events of one realm, exactly as their authors sealed them. */
    record Events(RealmId realm, List<byte[]> events) implements SyncMessage {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** Grants the peer {@code bytes} more of {@link Events}: sent after each batch is ingested (flow control). */
    record Credit(long bytes) implements SyncMessage {
    }

    /** Live push: new events the sender holds; the peer answers with {@link Want} for those it lacks. */
    record Offer(RealmId realm, List<Key> keys) implements SyncMessage {
        public Offer {
            keys = List.copyOf(keys);
        }
    }

    /** Asks for the events with these ids (each previously offered or found missing). */
    record Want(RealmId realm, List<byte[]> ids) implements SyncMessage {
        public Want {
            ids = List.copyOf(ids);
        }
    }

    /** Ends the session with a typed reason. */
    record Close(CloseReason reason, String message) implements SyncMessage {
    }

    /**
     * An event key: (HLC, id).
     *
     * @param hlc timestamp
     * @param id  32-byte event id
     */
    record Key(long hlc, byte[] id) {
    }
}
