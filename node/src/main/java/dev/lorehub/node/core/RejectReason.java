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
    /** The author is not, and never was, a member of the realm (or not an admin, for membership events). */
    UNAUTHORIZED,
    /** A field value LoreHub would not accept (bad JSON, date or range). */
    INVALID_VALUE
}
