package dev.lorehub.node.sync;

/**
 * What of a realm a session carries between two devices, decided per realm and per session
 * (issue 11). Codes are part of the wire format ({@link SyncMessage.ScopedOpen}).
 *
 * <ul>
 *   <li>{@link #FULL}: every event of the realm, both ways; both devices have joined it and each is a
 *       member in the other's view. Realms opened in a {@link SyncMessage.Hello} are FULL.</li>
 *   <li>{@link #MEMBERSHIP_ONLY}: only the realm's membership events, both ways, and towards a peer that
 *       is a current member but has not joined (an invitee) also the realm-name events an invitation
 *       shows. Used when either side has not joined, when either side is no longer a member (a
 *       removed device still learns its removal this way), and never carries data: the serving side
 *       neither sends nor answers a Want for anything else, the receiving side refuses it as a
 *       protocol violation.</li>
 * </ul>
 */
public enum RealmScope {
    FULL(0),
    MEMBERSHIP_ONLY(1);

    private final int code;

    RealmScope(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The scope with this wire code, or null for a code this node does not know. */
    public static RealmScope ofCode(int code) {
        for (RealmScope s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }

    /** The narrower of two scopes. */
    public RealmScope narrowest(RealmScope other) {
        return this == MEMBERSHIP_ONLY || other == MEMBERSHIP_ONLY ? MEMBERSHIP_ONLY : FULL;
    }
}
