package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

/**
 * The rows the {@link EventLog} speaks besides events themselves: the node's bookkeeping (synced
 * realms, peers, held events, conflicts, refusals, mass deletions). The core owns their shape and
 * the store fills them from its tables, so neither the core nor the daemon and simulator that read
 * them need anything of the store. Ids and kinds are typed ({@link RealmId}, {@link DeviceId},
 * {@link EntityKind}), and so are event ids ({@link EventId}); the store turns them into
 * bytes and back where it binds and reads its columns.
 */
public final class LogRows {
    private LogRows() {
    }

    /** An entity of the log, by kind and id. */
    public record EntityRef(EntityKind kind, String entity) {
    }

    /** Where an event sits in its realm's order: its HLC and id. */
    public record EventKey(long hlc, EventId id) {
    }

    /** One event in its author's chain. */
    public record ChainLink(EventId id, long seq, EventId prev) {
    }

    /** An event received but held back: neither in the log nor forwarded (see {@code lhsync_held}). */
    public record HeldEvent(EventId id, RealmId realm, long hlc, DeviceId author, String reason, String detail, String source,
                            byte[] sealed, long receivedAt) {
    }

    /** Two or more events of one author at one place of its chain in a realm. */
    public record ForkRow(RealmId realm, long seq, int events) {
    }

    /** A mass deletion: {@code lores} lores of a realm deleted between {@code firstAt} and {@code lastAt} (ms). */
    public record MassDeleteRow(RealmId realm, long firstAt, long lastAt, long lores, boolean undone) {
    }

    /** A readable entity event written in the previous release's format (no chain position). */
    public record LegacyRow(EventId id, DeviceId author, long hlc, EntityKind kind, String entity) {
    }

    /**
     * A recorded conflict of one field of one entity.
     *
     * @param field        the field's wire code ({@link Field#code()}), or 0 for the entity itself (a delete raced an edit)
     * @param type         {@link Conflict.Type}'s name
     * @param versionsJson every version, as JSON
     */
    public record ConflictRow(RealmId realm, EntityKind kind, String entity, int field, String type, String winner,
                              String versionsJson) {
    }

    /**
     * A synced realm known to this device.
     *
     * @param localRealmId the lh realm it is mapped to here, or null while unmapped
     * @param joined       true once the user joined it here (shared it, ran {@code realm join}, or joined as a relay);
     *                     false while it is only an invitation a peer named, of which only membership events are synced
     * @param inviter      the paired device that named it, for an invitation; null otherwise
     */
    public record SyncedRealmRow(RealmId realm, DeviceId founder, String localRealmId, String nameHint, boolean joined,
                                 DeviceId inviter, long addedAt) {
    }

    /** A paired device; {@code keys} are its public keys as {@code DeviceKeys} encodes them. */
    public record PeerRow(DeviceId device, byte[] keys, String displayName, long pairedAt, String lastAddress,
                          Long lastSyncAt) {
    }

    /** How many events of a realm are held for one reason, with an example detail. */
    public record HeldCount(RealmId realm, String reason, long count, String example) {
    }

    /**
     * Where a peer stands in one realm, as the running node last recorded it.
     *
     * @param lastSyncedAt when both sides last held everything the other had (null: never)
     * @param theyLack     events the peer lacked at the last reconciliation or push not yet sent
     * @param weLack       events this device lacked that had not arrived yet
     * @param ownSeqSynced this device's chain position in the realm when the two counts were measured (what it wrote
     *     since is not counted in theyLack yet)
     */
    public record PeerStatusRow(DeviceId peer, RealmId realm, Long lastSyncedAt, long theyLack, long weLack, long ownSeqSynced,
                                Long lastContact, String lastError, long updatedAt) {
    }

    /** A local change that could not become an event. */
    public record UnsyncedRow(RealmId realm, EntityKind kind, String entity, String reason, long firstAt, long lastAt) {
    }

    /**
     * Refusals of one source (a peer's device id text or a remote's name) in one realm for one reason.
     *
     * @param lastEvent  the id of the last refused event, or null when it had none (it was too large to be hashed)
     * @param lastAuthor the author of the last refused event, or null when it was not known
     */
    public record RefusalRow(String source, RealmId realm, String reason, long count, long firstAt, long lastAt, EventId lastEvent,
                             DeviceId lastAuthor, String lastDetail) {
    }
}
