package dev.lorehub.node.core;

/**
 * A row of the event log. The plaintext is not stored apart from the event: a readable event is
 * decrypted from {@code sealed} when needed (see {@code Replica#decode}), so each event is
 * written once.
 *
 * @param id     32-byte event id (SHA-256 of {@code sealed})
 * @param realm  16-byte realm id
 * @param hlc    the author's HLC timestamp
 * @param author 32-byte author device id
 * @param kind   entity kind code, or null when this device cannot decrypt the event
 * @param entity entity id, or null when opaque
 * @param sealed the event exactly as its author sealed it
 * @param seq    its place in its author's chain in the realm, or null when opaque (or written by an older release: 0)
 * @param prev   the author's previous event in the realm (32 bytes), or null
 * @param auth   the membership heads it cites, concatenated 32-byte ids (empty for none), or null when opaque
 */
public record StoredEvent(byte[] id, byte[] realm, long hlc, byte[] author, Integer kind, String entity, byte[] sealed,
                          Long seq, byte[] prev, byte[] auth) {

    /** An event whose causal position is not known (opaque, or not needed by the caller). */
    public StoredEvent(byte[] id, byte[] realm, long hlc, byte[] author, Integer kind, String entity, byte[] sealed) {
        this(id, realm, hlc, author, kind, entity, sealed, null, null, null);
    }

    /** True when this device holds no key to read it (it only relays it). */
    public boolean opaque() {
        return kind == null;
    }
}
