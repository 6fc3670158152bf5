package dev.lorehub.node.core;

import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.store.StoredEvent;

import java.sql.SQLException;

/**
 * Authors this device's events: places each in the realm's causal history (the membership heads
 * this device has applied, and the next link of its own chain in the realm), stamps, encodes
 * once, seals (entity changes encrypted under the realm's current epoch key; membership changes
 * signed only), stores, and records the key. The one path by which this device writes an event.
 */
final class EventWriter {
    private final ReplicaContext ctx;

    EventWriter(ReplicaContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Writes one event stamped now. {@code floorHlc} is the largest HLC among the events it
     * supersedes, so the new one orders after them.
     */
    StoredKey emit(Tx tx, RealmId realm, EventBody body, long floorHlc) throws SQLException {
        return emit(tx, realm, body, floorHlc, tx.now());
    }

    /**
     * Writes one event made at wall time {@code madeAt} (a change lh made while the node was not
     * looking keeps the time it was made, so it does not win over a newer edit from elsewhere).
     * Its HLC is above {@code floorHlc} and above the membership it cites, and never later than
     * that requires.
     */
    StoredKey emit(Tx tx, RealmId realm, EventBody body, long floorHlc, long madeAt) throws SQLException {
        boolean membership = body instanceof MembershipChange;
        Membership m = ctx.membership(realm);
        boolean genesis = membership && ((MembershipChange) body).op() == MembershipChange.Op.GENESIS;
        java.util.List<EventId> heads = genesis ? java.util.List.of() : m.heads();
        long floor = Math.max(floorHlc, m.maxHlc(heads));
        long hlc = madeAt >= tx.now() ? ctx.clock().tickAfter(tx.now(), floor) : ctx.clock().stampAt(madeAt, floor);
        ReplicaContext.ChainTip tip = ctx.chainTip(realm);
        Causality causality = new Causality(heads, tip == null ? 1 : tip.seq() + 1, tip == null ? null : tip.id());
        body = body.withCausality(causality);
        EpochKey key = null;
        int epoch;
        if (membership) {
            epoch = ((MembershipChange) body).epoch();
            Membership.Verdict v = m.check(new MembershipEvent(EventId.of(new byte[0]), hlc, ctx.self(), (MembershipChange) body));
            if (v.admission() != Membership.Admission.ADMITTED) {
                throw new ReplicaException("This change to realm " + realm + "'s membership would not be valid: " + v.reason());
            }
        } else {
            RealmKeyring keyring = ctx.secrets().keyring(realm).orElseThrow(() -> new ReplicaException(
                "This device holds no key for realm " + realm + ": it cannot write there. Ask an admin to grant it a role."));
            int current = m.currentEpoch();
            key = keyring.epoch(current).orElseThrow(() -> new ReplicaException("This device does not hold the key of realm "
                + realm + "'s current epoch " + current + " yet; it arrives with the next sync from an admin."));
            epoch = current;
        }
        byte[] plaintext = ctx.codec().encode(body);
        byte[] sealed = SealedEnvelope.seal(new EnvelopeHeader(realm, epoch, hlc, !membership), plaintext, key,
            ctx.identity(), ctx.random());
        EventId id = EventId.of(sealed);
        if (body instanceof EntityChange change) {
            ctx.noteStored(realm, id, hlc, ctx.self(), change);
        }
        ctx.events().insert(new StoredEvent(id.toBytes(), realm.toBytes(), hlc, ctx.self().toBytes(), body.kind().code(),
            body.entityId(), sealed, causality.seq(), causality.prev() == null ? null : causality.prev().toBytes(),
            ReplicaContext.joinIds(heads)), tx.now());
        ctx.advanceChain(realm, new ReplicaContext.ChainTip(causality.seq(), id));
        if (body instanceof EntityChange c && c.kind() == EntityKind.RELATION) {
            indexRelationEnds(c.entityId());
        }
        if (membership) {
            Membership.Verdict v = m.admit(new MembershipEvent(id, hlc, ctx.self(), (MembershipChange) body));
            if (v.admission() != Membership.Admission.ADMITTED) {
                throw new IllegalStateException("an event checked valid was not admitted: " + v.reason());
            }
            ctx.membershipChanged(realm);
        }
        StoredKey stored = new StoredKey(realm, hlc, id, membership, true);
        tx.stored(stored);
        return stored;
    }

    void indexRelationEnds(String relationEntity) throws SQLException {
        String[] key = EntityChange.relationKey(relationEntity);
        ctx.events().indexRelationEnd(key[0], relationEntity);
        ctx.events().indexRelationEnd(key[1], relationEntity);
    }
}
