package dev.lorehub.node.core;

import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.store.StoredEvent;

import java.sql.SQLException;

/**
 * Authors this device's events: stamps, encodes once, seals (entity changes encrypted under the
 * realm's current epoch key; membership changes signed only), stores, and records the key.
 */
final class EventWriter {
    private final ReplicaContext ctx;

    EventWriter(ReplicaContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Writes one event. {@code floorHlc} is the largest HLC among the events it supersedes, so the
     * new one orders after them.
     */
    StoredKey emit(Tx tx, RealmId realm, EventBody body, long floorHlc) throws SQLException {
        boolean membership = body instanceof MembershipChange;
        if (membership) {
            // A membership change orders after every event this admin already applied: otherwise a
            // removal stamped by a clock behind a peer's could, in (HLC, id) order, precede writes it
            // has seen, making them unauthorised after the fact here but not where they were applied.
            floorHlc = Math.max(floorHlc, ctx.events().maxHlc(realm.toBytes()));
        }
        long hlc = ctx.clock().tickAfter(tx.now(), floorHlc);
        byte[] plaintext = ctx.codec().encode(body);
        EpochKey key = null;
        int epoch;
        if (membership) {
            epoch = ((MembershipChange) body).epoch();
        } else {
            RealmKeyring keyring = ctx.secrets().keyring(realm).orElseThrow(() -> new ReplicaException(
                "This device holds no key for realm " + realm + ": it cannot write there. Ask an admin to grant it a role."));
            int current = ctx.membership(realm).currentEpoch();
            key = keyring.epoch(current).orElseThrow(() -> new ReplicaException("This device does not hold the key of realm "
                + realm + "'s current epoch " + current + " yet; it arrives with the next sync from an admin."));
            epoch = current;
        }
        byte[] sealed = SealedEnvelope.seal(new EnvelopeHeader(realm, epoch, hlc, !membership), plaintext, key,
            ctx.identity(), ctx.random());
        EventId id = EventId.of(sealed);
        if (body instanceof EntityChange change) {
            ctx.noteStored(realm, id, hlc, ctx.self(), change);
        }
        ctx.events().insert(new StoredEvent(id.toBytes(), realm.toBytes(), hlc, ctx.self().toBytes(), body.kind().code(),
            body.entityId(), sealed), tx.now());
        if (body instanceof EntityChange c && c.kind() == EntityKind.RELATION) {
            indexRelationEnds(c.entityId());
        }
        if (membership) {
            ctx.forgetMembership(realm);
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
