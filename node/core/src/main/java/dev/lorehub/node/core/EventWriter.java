package dev.lorehub.node.core;

import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;


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
    StoredKey emit(Tx tx, RealmId realm, EventBody body, long floorHlc) throws StorageException {
        return emit(tx, realm, body, floorHlc, tx.now());
    }

    /**
     * Writes one event made at wall time {@code madeAt} (a change lh made while the node was not
     * looking keeps the time it was made, so it does not win over a newer edit from elsewhere).
     * Its HLC is above {@code floorHlc} and above the membership it cites, and never later than
     * that requires.
     */
    StoredKey emit(Tx tx, RealmId realm, EventBody body, long floorHlc, long madeAt) throws StorageException {
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
        java.util.Map<Field, TextDelta> deltas = body instanceof EntityChange change ? deltas(realm, epoch, change)
            : java.util.Map.of();
        byte[] plaintext = ctx.codec().encode(body, deltas);
        byte[] sealed = SealedEnvelope.seal(new EnvelopeHeader(realm, epoch, hlc, !membership), plaintext, key,
            ctx.identity(), ctx.random());
        EventId id = EventId.of(sealed);
        if (body instanceof EntityChange change) {
            ctx.noteStored(realm, id, hlc, ctx.self(), change);
            ctx.rememberTexts(realm, epoch, id, change, deltas);
        }
        ctx.events().append(new StoredEvent(id, realm, hlc, ctx.self(), body.kind(),
            body.entityId(), sealed, causality.seq(), causality.prev(),
            ReplicaContext.joinIds(heads)), tx.now());
        ctx.advanceChain(realm, new ReplicaContext.ChainTip(causality.seq(), id));
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

    /** Events visited at most when looking for a delta base (the parents, then their parents, ...). */
    static final int BASE_SEARCH = 16;

    /**
     * The long texts of {@code change} worth sending as a {@link TextDelta} (issue 17): a
     * {@code content} or {@code why} value of at least {@link EventCodec.Options#deltaMinChars}
     * characters, against the nearest event among its parents and their ancestors (breadth first,
     * parents in id order, at most {@link #BASE_SEARCH} events) that assigns the field a text and may
     * serve as a base (same realm and entity, sealed under this {@code epoch}, a chain shorter than
     * {@link TextDelta#MAX_CHAIN}); kept only when the delta is smaller than the text.
     */
    private java.util.Map<Field, TextDelta> deltas(RealmId realm, int epoch, EntityChange change) throws StorageException {
        EventCodec.Options options = ctx.codec().options();
        if (!options.deltas() || change.parents().isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<Field, TextDelta> out = new java.util.EnumMap<>(Field.class);
        for (Field f : new Field[] {Field.CONTENT, Field.WHY}) {
            if (!(change.assignments().get(f) instanceof String text) || text.length() < options.deltaMinChars()) {
                continue;
            }
            java.util.ArrayDeque<EventId> queue = new java.util.ArrayDeque<>(change.parents());
            java.util.Set<EventId> seen = new java.util.HashSet<>(queue);
            for (int visited = 0; visited < BASE_SEARCH && !queue.isEmpty(); visited++) {
                EventId at = queue.poll();
                ReplicaContext.BaseText base = null;
                try {
                    base = ctx.baseText(realm, epoch, change.kind(), change.entityId(), at, f, TextDelta.MAX_CHAIN);
                } catch (MissingDeltaBaseException | EventFormatException notABase) {
                    // not here, another epoch, or it does not assign this field: look further back
                }
                if (base != null && base.depth() >= TextDelta.MAX_CHAIN - 1) {
                    break; // the chain is as long as it may get: send the text in full, starting a new one
                }
                if (base != null) {
                    TextDelta delta = TextDelta.diff(at, base.text(), text);
                    if (encodedSize(delta) < text.length()) {
                        out.put(f, delta);
                    }
                    break;
                }
                var stored = ctx.events().get(at);
                if (stored.isPresent() && !stored.get().opaque()) {
                    for (EventId p : ctx.decodeParts(stored.get()).body().parents()) {
                        if (seen.add(p)) {
                            queue.add(p);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** About how many bytes a delta takes in a body (before compression). */
    private static long encodedSize(TextDelta d) {
        long size = EventId.LENGTH + TextDelta.HASH_BYTES + 5;
        for (TextDelta.Op op : d.ops()) {
            size += 10 + op.insert().length() * 3L;
        }
        return size;
    }

}
