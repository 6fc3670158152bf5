package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;

import java.util.List;

/**
 * A signed admin event that changes who belongs to a realm (DESIGN.md §6). Membership events
 * travel signed but unencrypted so that relays, and members still waiting for their key, can
 * verify authors; the only secrets in them are realm keys wrapped with HPKE for one device each.
 *
 * <p>Membership events form a DAG: each names the membership heads its author had applied
 * ({@link Causality#auth()}, also {@link #parents()}), and whether its author could make it is
 * decided in the membership state of exactly that causal past; see {@link MembershipFold}.
 *
 * @param op          what happens
 * @param subject     the device concerned; null for {@link Op#ROTATE} and {@link Op#SEAL}
 * @param role        the role granted by GENESIS, ADD or SET_ROLE; null otherwise
 * @param subjectKeys the subject's encoded public keys for GENESIS and ADD (so members can wrap keys for it); empty otherwise
 * @param epoch       ROTATE: the new epoch; GENESIS: 0; otherwise the newest epoch the author knew
 * @param wrappedKeys realm epoch keys wrapped for members: ROTATE — the new epoch for every key-holding
 *                    member; ADD — every epoch so far for the subject (empty for a relay)
 * @param nonce       GENESIS: the 16 random bytes the realm id is derived from (see {@link RealmIds}); SEAL: the
 *                    encoded {@link LegacySeal} (this payload slot keeps the body layout of format 2 unchanged);
 *                    empty otherwise
 * @param frontier    REMOVE and SET_ROLE: the subject's last event in this realm that the author had seen
 *                    (null if none); the subject's events not in the chain up to it lose what this event takes away
 * @param causality   the membership heads the author had applied (its parents) and its place in the author's chain
 */
public record MembershipChange(Op op, DeviceId subject, Role role, byte[] subjectKeys, int epoch,
                               List<byte[]> wrappedKeys, byte[] nonce, EventId frontier, Causality causality)
    implements EventBody {

    /** Membership operations; codes are part of the wire format. */
    public enum Op {
        /** The founder creates the realm and becomes its first admin. */
        GENESIS(1),
        /** An admin adds a device with a role. */
        ADD(2),
        /** An admin changes a member's role. */
        SET_ROLE(3),
        /** An admin removes a member (always followed by a ROTATE so the removed device reads nothing newer). */
        REMOVE(4),
        /** An admin starts a new key epoch. */
        ROTATE(5),
        /**
         * An admin of a realm founded by the previous release accepts the events of that release's
         * format it holds (listed in a {@link LegacySeal}); such events outside every valid seal are
         * refused from then on (see {@link Membership}).
         */
        SEAL(6);

        private final int code;

        Op(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Op ofCode(int code) {
            for (Op o : values()) {
                if (o.code == code) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown membership operation code " + code);
        }
    }

    /** An unstamped change, as {@code Replica} composes it before {@code EventWriter} signs it. */
    public MembershipChange(Op op, DeviceId subject, Role role, byte[] subjectKeys, int epoch, List<byte[]> wrappedKeys,
                            byte[] nonce, EventId frontier) {
        this(op, subject, role, subjectKeys, epoch, wrappedKeys, nonce, frontier, Causality.UNSTAMPED);
    }

    public MembershipChange {
        java.util.Objects.requireNonNull(causality, "causality");
        wrappedKeys = List.copyOf(wrappedKeys);
        subjectKeys = subjectKeys == null ? new byte[0] : subjectKeys;
        nonce = nonce == null ? new byte[0] : nonce;
        boolean needsSubject = op != Op.ROTATE && op != Op.SEAL;
        if (needsSubject != (subject != null)) {
            throw new IllegalArgumentException(op + (needsSubject ? " needs" : " takes no") + " subject device");
        }
        boolean needsRole = op == Op.GENESIS || op == Op.ADD || op == Op.SET_ROLE;
        if (needsRole != (role != null)) {
            throw new IllegalArgumentException(op + (needsRole ? " needs" : " takes no") + " role");
        }
        if ((op == Op.GENESIS || op == Op.ADD) && subjectKeys.length == 0) {
            throw new IllegalArgumentException(op + " needs the subject's public keys");
        }
        if (op == Op.GENESIS && nonce.length != RealmIds.NONCE_LENGTH) {
            throw new IllegalArgumentException("GENESIS needs a " + RealmIds.NONCE_LENGTH + "-byte nonce, got " + nonce.length);
        }
        if (frontier != null && op != Op.REMOVE && op != Op.SET_ROLE) {
            throw new IllegalArgumentException(op + " names no frontier");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }

    @Override
    public EntityKind kind() {
        return EntityKind.MEMBER;
    }

    /** The subject device's id text, {@code "epoch:<n>"} for a rotation, {@code "seal"} for a seal. */
    @Override
    public String entityId() {
        return op == Op.SEAL ? "seal" : subject == null ? "epoch:" + epoch : subject.toString();
    }

    /** The membership heads the author had applied: its parents in the membership DAG. */
    @Override
    public List<EventId> parents() {
        return causality.auth();
    }

    @Override
    public MembershipChange withCausality(Causality stamped) {
        return new MembershipChange(op, subject, role, subjectKeys, epoch, wrappedKeys, nonce, frontier, stamped);
    }
}
