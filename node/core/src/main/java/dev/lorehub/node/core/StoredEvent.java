package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

/**
 * A row of the event log. The plaintext is not stored apart from the event: a readable event is
 * decrypted from {@code sealed} when needed (see {@code Replica#decode}), so each event is
 * written once.
 *
 * <p><b>Opaque events.</b> A relay, or a member that has not yet received a realm's key, stores
 * events it cannot decrypt: their kind and entity live inside the encrypted payload, so this
 * device does not know them. Such a row has {@code kind == null} (and {@code entity}, {@code seq},
 * {@code auth} null) until {@link EventLog#reveal} fills them in; {@link #opaque()} names the case.
 * The log's {@code kind} column is NULL for exactly these rows.
 *
 * <p><b>Equality.</b> A record compares its array fields ({@code sealed}, {@code auth}) by
 * identity, so two reads of the same row are not {@code equals}; compare {@link #id()}s instead.
 *
 * @param id     the event id (SHA-256 of {@code sealed})
 * @param realm  the realm the event belongs to
 * @param hlc    the author's HLC timestamp
 * @param author the device that wrote and signed it
 * @param kind   what the event changes, or null when this device cannot decrypt the event (opaque)
 * @param entity entity id, or null when opaque
 * @param sealed the event exactly as its author sealed it
 * @param seq    its place in its author's chain in the realm, or null when opaque (or written by an older release: 0)
 * @param prev   the author's previous event in the realm, or null (the chain's first event, opaque, or an older release)
 * @param auth   the membership heads it cites, concatenated 32-byte ids (empty for none), or null when opaque
 */
public record StoredEvent(EventId id, RealmId realm, long hlc, DeviceId author, EntityKind kind, String entity, byte[] sealed,
                          Long seq, EventId prev, byte[] auth) {

    /** An event whose causal position is not known (opaque, or not needed by the caller). */
    public StoredEvent(EventId id, RealmId realm, long hlc, DeviceId author, EntityKind kind, String entity, byte[] sealed) {
        this(id, realm, hlc, author, kind, entity, sealed, null, null, null);
    }

    /** True when this device holds no key to read it (it only relays it): its kind is unknown. */
    public boolean opaque() {
        return kind == null;
    }
}
