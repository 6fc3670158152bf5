package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.EnvelopeException;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link SyncSession} needs from its node: which realms to sync with a peer, each realm's
 * reconciliation set, the events themselves, and ingest. Implemented over the node core's
 * {@code Replica} by {@link ReplicaSyncStore}; tests may fake it.
 */
public interface SyncStore {
    /** This device. */
    DeviceId self();

    /** A realm this device will sync with a peer, and the founder its id derives from. */
    record RealmOffer(RealmId realm, DeviceId founder) {
    }

    /**
     * Realms to offer {@code peer} in {@link RealmScope#FULL} scope: joined realms it is a member of while
     * this device is one too, as this device knows the membership.
     */
    List<RealmOffer> offersFor(DeviceId peer);

    /**
     * Realms to open with {@code peer} as {@link RealmScope#MEMBERSHIP_ONLY} (never also in
     * {@link #offersFor}): joined realms where the peer was a member once but is no longer (it must
     * still learn its removal), or where this device is no longer a member itself (it must still
     * learn whether it is re-added). None by default.
     */
    default List<RealmOffer> membershipOffersFor(DeviceId peer) {
        return List.of();
    }

    /**
     * The most this device will sync of {@code realm} with {@code peer}: {@link RealmScope#FULL} only
     * if this device joined the realm, is a member of it, and so is the peer as far as it knows;
     * otherwise {@link RealmScope#MEMBERSHIP_ONLY}. FULL by default.
     */
    default RealmScope scope(DeviceId peer, RealmId realm) {
        return RealmScope.FULL;
    }

    /**
     * Whether to sync the membership of a realm {@code peer} opened (or this side narrows to) as
     * {@link RealmScope#MEMBERSHIP_ONLY}: a realm not known yet becomes an invitation as in
     * {@link #accept}; a known one only if the founder matches and the peer is or ever was a member
     * (a removed device learns its removal). False by default.
     */
    default boolean acceptMembershipOnly(DeviceId peer, RealmId realm, DeviceId founder, long now) {
        return false;
    }

    /** Starts reconciling a realm's membership events only, as the side that speaks first. */
    default Reconciliation initiateMembership(RealmId realm) {
        throw new UnsupportedOperationException("this store does not sync membership-only realms");
    }

    /** Starts reconciling a realm's membership events only, as the side that answers. */
    default Reconciliation respondMembership(RealmId realm) {
        throw new UnsupportedOperationException("this store does not sync membership-only realms");
    }

    /**
     * Keys of the realm's own events (its name) to offer {@code peer} in a membership-only session:
     * only if this device joined the realm and both are current members (the peer is then an invitee
     * that has not joined; it shows the name with the invitation). A removed peer gets none. None by
     * default.
     */
    default List<SyncMessage.Key> invitationEvents(DeviceId peer, RealmId realm) {
        return List.of();
    }

    /**
     * Whether to sync a realm {@code peer} offered. A realm this device does not know yet is
     * accepted from a paired peer (it learns the realm it was just added to this way); a known
     * realm only if the peer is a member or the membership is not known yet. A non-member learns
     * nothing: the offer is simply not taken up.
     */
    boolean accept(DeviceId peer, RealmId realm, DeviceId founder, long now);

    /**
     * True once the user joined the realm here; false while it is only an invitation (then only
     * its membership and realm events are accepted, and a session opened before the join must be
     * restarted to sync the rest).
     */
    boolean joined(RealmId realm);

    /** Starts reconciling a realm as the side that speaks first. */
    Reconciliation initiate(RealmId realm);

    /** Starts reconciling a realm as the side that answers. */
    Reconciliation respond(RealmId realm);

    /**
     * The ids of a realm's membership events held here. They are sent first: a receiver needs them
     * to authorise, and its realm key to read, everything else.
     */
    Set<EventId> membershipEvents(RealmId realm);

    /** True if the event is held. */
    boolean has(EventId id);

    /** The event's sealed bytes. */
    Optional<byte[]> sealed(EventId id);

    /**
     * The event's sealed bytes if it is stored in {@code realm}; empty if it is not held or belongs
     * to another realm. A session serves a peer's {@code Want} only through this, so a member of one
     * realm cannot read another realm's events by id. The default checks the envelope's header,
     * which names the realm the event is stored under; stores with an index override it.
     */
    default Optional<byte[]> sealed(RealmId realm, EventId id) {
        return sealed(id).filter(bytes -> {
            try {
                return SealedEnvelope.peek(bytes).header().realm().equals(realm);
            } catch (EnvelopeException e) {
                return false;
            }
        });
    }

    /** Verifies, stores and applies a batch from {@code peer} (one transaction); refusals are counted against it. */
    IngestResult ingest(DeviceId peer, List<byte[]> events, long now);

    /** Notes that a session with {@code peer} completed a full sync at {@code now}. */
    default void synced(DeviceId peer, long now) {
    }
}
