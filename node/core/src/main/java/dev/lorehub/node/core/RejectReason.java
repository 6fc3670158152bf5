package dev.lorehub.node.core;

/** Why an incoming event was not accepted. */
public enum RejectReason {
    /** Larger than the largest envelope accepted. */
    OVERSIZED,
    /** Cut short. */
    TRUNCATED,
    /** An envelope or body format this node does not know. */
    UNKNOWN_VERSION,
    /** Structurally invalid envelope or body. */
    MALFORMED,
    /** The author's signature does not verify, or the ciphertext was altered. */
    TAMPERED,
    /** A realm this device does not sync. */
    UNKNOWN_REALM,
    /**
     * Its author could not make it in the membership it cites (or was never a member, or never an
     * admin for membership events), or it cites an event that was refused.
     */
    UNAUTHORIZED,
    /** A field value LoreHub would not accept (bad JSON, date). */
    INVALID_VALUE,
    /** An entity event of a realm that is only an invitation here (the user has not joined it). */
    NOT_JOINED,
    /** It would write, move or relate an entity another realm holds on this device. */
    CROSS_REALM,
    /** It would have been held aside, but this device already holds as many of the realm's events as it will. */
    HELD_FULL
}
