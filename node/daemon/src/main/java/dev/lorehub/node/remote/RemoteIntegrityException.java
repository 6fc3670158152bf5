package dev.lorehub.node.remote;

/**
 * What a remote holds is not what devices wrote there: a stored unit (segment, row) was altered,
 * cut, copied to another place, or removed. Nothing from the refused unit is handed to the node,
 * and the reader's position does not move past it, so a repaired remote is read again from there.
 * The remote is untrusted storage: this is reported (typed, per unit), never silently skipped.
 */
public final class RemoteIntegrityException extends RemoteException {
    private static final long serialVersionUID = 1L;

    /** Why a unit was refused. */
    public enum Reason {
        /** The bytes do not hash to the name/id they are stored under (a flipped byte, a rewrite). */
        CORRUPT,
        /** The unit ends before its framing says it should. */
        TRUNCATED,
        /** A declared or actual size is above the bound (checked before allocating). */
        OVERSIZED,
        /** The framing is not this format (bad magic, unknown version, inconsistent counts). */
        MALFORMED,
        /** The unit, or an event in it, belongs to another realm than the place it is stored in. */
        WRONG_REALM,
        /** The unit names another writer or sequence number than its place: a copy of an older or foreign unit. */
        REPLAYED,
        /** Two different units claim the same writer and sequence number. */
        DUPLICATED,
        /** A unit the writer's sequence says must exist is absent, or the chain of hashes is broken (deleted). */
        MISSING
    }

    private final Reason reason;
    private final String unit;

    public RemoteIntegrityException(Reason reason, String unit, String detail) {
        super("refused " + unit + " on the remote (" + reason.name().toLowerCase().replace('_', ' ') + "): " + detail);
        this.reason = reason;
        this.unit = unit;
    }

    public Reason reason() {
        return reason;
    }

    /** The unit refused (a segment path or a row), for the report. */
    public String unit() {
        return unit;
    }
}
