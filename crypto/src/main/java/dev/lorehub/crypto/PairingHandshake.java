package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.ByteReader;
import dev.lorehub.crypto.internal.ByteWriter;
import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.EcJpakeWire;
import dev.lorehub.crypto.internal.Gcm;
import dev.lorehub.crypto.internal.Hkdf;
import dev.lorehub.crypto.internal.Malformed;
import dev.lorehub.crypto.internal.Sha256;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKEParticipant;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound1Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound2Payload;
import org.bouncycastle.crypto.agreement.ecjpake.ECJPAKERound3Payload;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The sans-IO pairing handshake (DESIGN.md §6): EC J-PAKE over the one-time code with key
 * confirmation, each participant id bound to the TLS certificate fingerprint that side presents;
 * then signed device records exchanged under a session key. Bytes in, bytes out. Any failure
 * finishes the handshake for good.
 *
 * <h2>Protocol</h2>
 * EC J-PAKE is BouncyCastle's {@code ECJPAKEParticipant} on P-256 with SHA-256; the password is
 * the code's canonical text ({@link PairingCode#toString()}). Participant ids are
 * {@code "lorehub-pair-v1 inviter <hex SHA-256 of the inviter's certificate>"} and likewise
 * {@code joiner}. Each side computes the id it <em>expects</em> from the fingerprint the caller saw
 * on the connection and rejects any other, and the ids are inside every zero-knowledge proof and the
 * confirmation MACs: a relay in the middle (two TLS connections, two certificates) is caught. The
 * joiner (who typed the code) speaks first:
 * <pre>
 *  1  joiner  → inviter  JOINER_HELLO     round 1 (J)
 *  2  inviter → joiner   INVITER_HELLO    round 1 (I) || round 2 (I)
 *  3  joiner  → inviter  JOINER_CONFIRM   round 2 (J) || round 3 (J)          key confirmation
 *  4  inviter → joiner   INVITER_CONFIRM  round 3 (I) || sealed record (I)    after checking (J)'s confirmation
 *  5  joiner  → inviter  JOINER_RECORD    sealed record (J)                   after checking (I)'s confirmation
 * </pre>
 * The joiner is SUCCEEDED when it sends message 5; the inviter when it has read it.
 *
 * <p>Every message is {@code 0x01 (version) || type (1 byte) || body}, at most {@value #MAX_MESSAGE}
 * bytes; the J-PAKE payload encodings are those of {@code internal.EcJpakeWire}; a sealed record is
 * {@code u16 length || AES-256-GCM(record.encode())} with a 12-byte zero IV (each key seals exactly
 * one message) and the message's first two bytes as AAD. Session keys:
 * {@code HKDF-SHA256(ikm = J-PAKE keying material as 32 bytes, salt = SHA-256(message 1 || message 2
 * || message 3), info = "lorehub-pair-v1 session" || 0x00 || inviter fingerprint || joiner
 * fingerprint)}, 68 bytes: inviter→joiner key (32), joiner→inviter key (32), 4 bytes for the
 * verification string (6 decimal digits, {@code "123 456"}).
 *
 * <h2>Failure</h2>
 * Any bad input makes the state FAILED for good, with a {@link FailureReason}: a failed key
 * confirmation is {@link FailureReason#WRONG_CODE}; a proof, participant id (certificate
 * fingerprint) or sealed record that does not verify is {@link FailureReason#TAMPERED}; a message
 * of the wrong type for the current step (replayed, reordered, duplicated) is
 * {@link FailureReason#OUT_OF_ORDER}; anything undecodable is {@link FailureReason#PROTOCOL_ERROR}.
 * The failing side returns one last message, {@code ABORT} ({@code 0x01 0x7F reason}), so that the
 * peer fails too (with the same reason) instead of waiting; a received ABORT fails this side
 * without a reply. After that, and after success, {@link #onMessage} ignores its input and returns
 * nothing. The caller burns the code on any failure and enforces expiry with its own timer (this
 * class has no clock): on timeout it simply abandons the handshake.
 *
 * <p>Not thread-safe: one driver feeds it.
 */
public final class PairingHandshake {
    /** Which side: the inviter printed the code, the joiner typed it. */
    public enum Role { INVITER, JOINER }

    /** Where the handshake is. */
    public enum State { IN_PROGRESS, SUCCEEDED, FAILED }

    /** Why a handshake failed. */
    public enum FailureReason { WRONG_CODE, TAMPERED, OUT_OF_ORDER, PROTOCOL_ERROR }

    /** Largest message accepted (checked before decoding). */
    public static final int MAX_MESSAGE = 2048;

    private static final int VERSION = 1;
    private static final int JOINER_HELLO = 1;
    private static final int INVITER_HELLO = 2;
    private static final int JOINER_CONFIRM = 3;
    private static final int INVITER_CONFIRM = 4;
    private static final int JOINER_RECORD = 5;
    private static final int ABORT = 0x7F;
    private static final byte[] SESSION_INFO = Bytes.ascii("lorehub-pair-v1 session\0");
    private static final byte[] ZERO_IV = new byte[Gcm.IV_LENGTH];
    private static final int MAX_SEALED_RECORD = 1024;

    private final Role role;
    private final byte[] ownFingerprint;
    private final byte[] peerFingerprint;
    private final DeviceRecord own;
    private final String expectedPeerId;
    private final MessageDigest transcript = Sha256.newDigest();
    private final List<byte[]> initial;

    private ECJPAKEParticipant participant;
    private ECJPAKERound1Payload ownRound1;
    private BigInteger keyingMaterial;
    private int expected;
    private State state = State.IN_PROGRESS;
    private FailureReason failureReason;
    private String failureMessage;
    private DeviceRecord peer;
    private String verification;
    private byte[] sendKey;
    private byte[] receiveKey;

    private PairingHandshake(Role role, PairingCode code, byte[] ownFp, byte[] peerFp, DeviceRecord own, SecureRandom random) {
        this.role = role;
        this.ownFingerprint = ownFp;
        this.peerFingerprint = peerFp;
        this.own = own;
        Role peerRole = role == Role.INVITER ? Role.JOINER : Role.INVITER;
        this.expectedPeerId = participantId(peerRole, peerFp);
        this.participant = new ECJPAKEParticipant(participantId(role, ownFp), code.toString().toCharArray(),
            EcJpakeWire.CURVE, new SHA256Digest(), random);
        // Both sides create round 1 now: BC's participant must create it before validating the peer's.
        this.ownRound1 = participant.createRound1PayloadToSend();
        if (role == Role.JOINER) {
            ByteWriter w = header(JOINER_HELLO);
            EcJpakeWire.write(w, ownRound1);
            byte[] hello = w.toByteArray();
            transcript.update(hello);
            this.initial = List.of(hello);
            this.expected = INVITER_HELLO;
        } else {
            this.initial = List.of();
            this.expected = JOINER_HELLO;
        }
    }

    /**
     * @param ownCertFingerprint  SHA-256 of the certificate this side presents on the connection ({@link TlsIdentity#fingerprint})
     * @param peerCertFingerprint SHA-256 of the certificate the peer presented, as seen on the connection
     * @param own                 this device's record (sent to the peer once the code is confirmed)
     * @param random              all randomness of the handshake (a seeded random makes it reproducible)
     * @throws IllegalArgumentException when a fingerprint is not 32 bytes
     * @throws IllegalStateException    when BouncyCastle's J-PAKE proof objects cannot be built in this runtime
     *                                  (BC on the module path without the {@code --add-opens} the message names)
     */
    public static PairingHandshake start(Role role, PairingCode code, byte[] ownCertFingerprint, byte[] peerCertFingerprint,
                                         DeviceRecord own, SecureRandom random) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(own, "own");
        Objects.requireNonNull(random, "random");
        checkFingerprint(ownCertFingerprint, "ownCertFingerprint");
        checkFingerprint(peerCertFingerprint, "peerCertFingerprint");
        EcJpakeWire.checkAvailable();
        return new PairingHandshake(role, code, ownCertFingerprint.clone(), peerCertFingerprint.clone(), own, random);
    }

    private static void checkFingerprint(byte[] fp, String name) {
        if (fp == null || fp.length != Sha256.LENGTH) {
            throw new IllegalArgumentException(name + " must be a 32-byte SHA-256, got " + (fp == null ? "null" : fp.length + " bytes"));
        }
    }

    private static String participantId(Role role, byte[] fingerprint) {
        return "lorehub-pair-v1 " + (role == Role.INVITER ? "inviter" : "joiner") + " " + Bytes.hex(fingerprint);
    }

    /** Messages to send before hearing anything: the joiner's hello, or nothing for the inviter (who waits). Same list on every call. */
    public List<byte[]> initialMessages() {
        return initial.stream().map(byte[]::clone).toList();
    }

    /**
     * Feeds one message from the peer and returns the replies to send (possibly none). Never throws
     * on bad input: the state becomes FAILED and the reply is an ABORT for the peer. Once the
     * handshake is finished (either way) input is refused: nothing happens and nothing is returned.
     */
    public List<byte[]> onMessage(byte[] message) {
        if (state != State.IN_PROGRESS) {
            return List.of();
        }
        if (message == null || message.length < 2) {
            return fail(FailureReason.PROTOCOL_ERROR, "received a message too short to be a pairing message", true);
        }
        if (message.length > MAX_MESSAGE) {
            return fail(FailureReason.PROTOCOL_ERROR, "received a " + message.length + "-byte message; pairing messages are at most "
                + MAX_MESSAGE, true);
        }
        int version = message[0] & 0xFF;
        if (version != VERSION) {
            return fail(FailureReason.PROTOCOL_ERROR, "the other device speaks pairing protocol version " + version
                + ", this one speaks " + VERSION + "; update the older one", true);
        }
        int type = message[1] & 0xFF;
        if (type == ABORT) {
            return onAbort(message);
        }
        if (type != expected) {
            return fail(FailureReason.OUT_OF_ORDER, "expected " + name(expected) + " but received " + name(type)
                + " (a replayed, duplicated or reordered message)", true);
        }
        try {
            ByteReader r = new ByteReader(message, 2, message.length - 2);
            return switch (type) {
                case JOINER_HELLO -> onJoinerHello(message, r);
                case INVITER_HELLO -> onInviterHello(message, r);
                case JOINER_CONFIRM -> onJoinerConfirm(message, r);
                case INVITER_CONFIRM -> onInviterConfirm(message, r);
                case JOINER_RECORD -> onJoinerRecord(message, r);
                default -> fail(FailureReason.PROTOCOL_ERROR, "unknown message type " + type, true);
            };
        } catch (Malformed e) {
            return fail(FailureReason.PROTOCOL_ERROR, "undecodable " + name(type) + ": " + e.getMessage(), true);
        } catch (RuntimeException e) {
            return fail(FailureReason.PROTOCOL_ERROR, "could not process " + name(type) + ": " + e, true);
        }
    }

    // Inviter, step 1: check the joiner's identity binding and proofs, answer with round 1 and 2.
    private List<byte[]> onJoinerHello(byte[] message, ByteReader r) {
        ECJPAKERound1Payload theirs = EcJpakeWire.readRound1(r);
        r.expectEnd(name(JOINER_HELLO));
        List<byte[]> bad = checkRound1(theirs);
        if (bad != null) {
            return bad;
        }
        transcript.update(message);
        ECJPAKERound2Payload round2 = participant.createRound2PayloadToSend();
        ByteWriter w = header(INVITER_HELLO);
        EcJpakeWire.write(w, ownRound1);
        EcJpakeWire.write(w, round2);
        byte[] reply = w.toByteArray();
        transcript.update(reply);
        expected = JOINER_CONFIRM;
        return List.of(reply);
    }

    // Joiner, step 2: check the inviter's binding and proofs, compute the key, send round 2 and our confirmation.
    private List<byte[]> onInviterHello(byte[] message, ByteReader r) {
        ECJPAKERound1Payload theirs1 = EcJpakeWire.readRound1(r);
        ECJPAKERound2Payload theirs2 = EcJpakeWire.readRound2(r);
        r.expectEnd(name(INVITER_HELLO));
        List<byte[]> bad = checkRound1(theirs1);
        if (bad != null) {
            return bad;
        }
        ECJPAKERound2Payload round2 = participant.createRound2PayloadToSend();
        bad = checkRound2(theirs2);
        if (bad != null) {
            return bad;
        }
        transcript.update(message);
        keyingMaterial = participant.calculateKeyingMaterial();
        ECJPAKERound3Payload round3 = participant.createRound3PayloadToSend(keyingMaterial);
        ByteWriter w = header(JOINER_CONFIRM);
        EcJpakeWire.write(w, round2);
        EcJpakeWire.write(w, round3);
        byte[] reply = w.toByteArray();
        transcript.update(reply);
        expected = INVITER_CONFIRM;
        return List.of(reply);
    }

    // Inviter, step 3: compute the key, check the joiner's confirmation, then confirm and send our record.
    private List<byte[]> onJoinerConfirm(byte[] message, ByteReader r) {
        ECJPAKERound2Payload theirs2 = EcJpakeWire.readRound2(r);
        ECJPAKERound3Payload theirs3 = EcJpakeWire.readRound3(r);
        r.expectEnd(name(JOINER_CONFIRM));
        List<byte[]> bad = checkRound2(theirs2);
        if (bad != null) {
            return bad;
        }
        keyingMaterial = participant.calculateKeyingMaterial();
        ECJPAKERound3Payload round3 = participant.createRound3PayloadToSend(keyingMaterial);
        bad = checkRound3(theirs3);
        if (bad != null) {
            return bad;
        }
        transcript.update(message);
        deriveSessionKeys();
        ByteWriter w = header(INVITER_CONFIRM);
        EcJpakeWire.write(w, round3);
        w.mediumBytes(sealRecord(INVITER_CONFIRM));
        expected = JOINER_RECORD;
        return List.of(w.toByteArray());
    }

    // Joiner, step 4: check the inviter's confirmation and record, send ours: done.
    private List<byte[]> onInviterConfirm(byte[] message, ByteReader r) {
        ECJPAKERound3Payload theirs3 = EcJpakeWire.readRound3(r);
        byte[] sealed = r.mediumBytes(MAX_SEALED_RECORD, "sealed record");
        r.expectEnd(name(INVITER_CONFIRM));
        List<byte[]> bad = checkRound3(theirs3);
        if (bad != null) {
            return bad;
        }
        deriveSessionKeys();
        bad = acceptRecord(message, sealed);
        if (bad != null) {
            return bad;
        }
        ByteWriter w = header(JOINER_RECORD);
        w.mediumBytes(sealRecord(JOINER_RECORD));
        succeed();
        return List.of(w.toByteArray());
    }

    // Inviter, step 5: read the joiner's record: done.
    private List<byte[]> onJoinerRecord(byte[] message, ByteReader r) {
        byte[] sealed = r.mediumBytes(MAX_SEALED_RECORD, "sealed record");
        r.expectEnd(name(JOINER_RECORD));
        List<byte[]> bad = acceptRecord(message, sealed);
        if (bad != null) {
            return bad;
        }
        succeed();
        return List.of();
    }

    private List<byte[]> checkRound1(ECJPAKERound1Payload theirs) {
        if (!expectedPeerId.equals(theirs.getParticipantId())) {
            return fail(FailureReason.TAMPERED, "the other device's pairing identity does not match the certificate seen on"
                + " this connection: someone may be relaying the connection; pairing stopped", true);
        }
        try {
            participant.validateRound1PayloadReceived(theirs);
            return null;
        } catch (org.bouncycastle.crypto.CryptoException e) {
            return fail(FailureReason.TAMPERED, "the other device's first pairing proof does not verify: " + e.getMessage(), true);
        }
    }

    private List<byte[]> checkRound2(ECJPAKERound2Payload theirs) {
        try {
            participant.validateRound2PayloadReceived(theirs);
            return null;
        } catch (org.bouncycastle.crypto.CryptoException e) {
            return fail(FailureReason.TAMPERED, "the other device's second pairing proof does not verify: " + e.getMessage(), true);
        }
    }

    private List<byte[]> checkRound3(ECJPAKERound3Payload theirs) {
        try {
            participant.validateRound3PayloadReceived(theirs, keyingMaterial);
            return null;
        } catch (org.bouncycastle.crypto.CryptoException e) {
            return fail(FailureReason.WRONG_CODE, "the pairing codes on the two devices differ (or someone interfered);"
                + " this code is used up, start again with a new one", true);
        }
    }

    private void deriveSessionKeys() {
        byte[] ikm = BigIntegers.asUnsignedByteArray(32, keyingMaterial);
        byte[] inviterFp = role == Role.INVITER ? ownFingerprint : peerFingerprint;
        byte[] joinerFp = role == Role.INVITER ? peerFingerprint : ownFingerprint;
        byte[] okm = Hkdf.derive(ikm, transcript.digest(), Bytes.concat(SESSION_INFO, inviterFp, joinerFp), 68);
        byte[] inviterToJoiner = Arrays.copyOfRange(okm, 0, 32);
        byte[] joinerToInviter = Arrays.copyOfRange(okm, 32, 64);
        sendKey = role == Role.INVITER ? inviterToJoiner : joinerToInviter;
        receiveKey = role == Role.INVITER ? joinerToInviter : inviterToJoiner;
        long sas = Bytes.getInt(okm, 64) & 0xFFFFFFFFL;
        int six = (int) (sas % 1_000_000L);
        verification = String.format("%03d %03d", six / 1000, six % 1000);
        Arrays.fill(okm, (byte) 0);
        Arrays.fill(ikm, (byte) 0);
    }

    private byte[] sealRecord(int type) {
        byte[] record = own.encode();
        byte[] out = new byte[record.length + Gcm.TAG_LENGTH];
        byte[] aad = {(byte) VERSION, (byte) type};
        Gcm.encrypt(sendKey, 0, ZERO_IV, 0, aad, 0, 2, record, 0, record.length, out, 0);
        return out;
    }

    private List<byte[]> acceptRecord(byte[] message, byte[] sealed) {
        byte[] plain = Gcm.decrypt(receiveKey, 0, ZERO_IV, 0, message, 0, 2, sealed, 0, sealed.length);
        if (plain == null) {
            return fail(FailureReason.TAMPERED, "the other device's record does not decrypt under the session key: it was changed", true);
        }
        DeviceRecord record;
        try {
            record = DeviceRecord.decode(plain);
        } catch (CryptoException e) {
            return fail(FailureReason.TAMPERED, "the other device's record does not verify: " + e.getMessage(), true);
        }
        if (record.id().equals(own.id())) {
            return fail(FailureReason.PROTOCOL_ERROR, "the other side presented this device's own identity", true);
        }
        peer = record;
        return null;
    }

    private List<byte[]> onAbort(byte[] message) {
        if (message.length != 3) {
            return fail(FailureReason.PROTOCOL_ERROR, "received a malformed abort message", false);
        }
        int code = message[2] & 0xFF;
        FailureReason reason = code >= 1 && code <= FailureReason.values().length ? FailureReason.values()[code - 1] : FailureReason.PROTOCOL_ERROR;
        String why = switch (reason) {
            case WRONG_CODE -> "the pairing codes on the two devices differ; this code is used up, start again with a new one";
            case TAMPERED -> "it saw tampering (or a relay in the middle)";
            case OUT_OF_ORDER -> "it received messages out of order";
            case PROTOCOL_ERROR -> "of a protocol error";
        };
        return fail(reason, "the other device stopped pairing because " + why, false);
    }

    private List<byte[]> fail(FailureReason reason, String message, boolean tellPeer) {
        state = State.FAILED;
        failureReason = reason;
        failureMessage = message;
        forgetSecrets();
        if (!tellPeer) {
            return List.of();
        }
        return List.of(new byte[] {(byte) VERSION, (byte) ABORT, (byte) (reason.ordinal() + 1)});
    }

    private void succeed() {
        state = State.SUCCEEDED;
        forgetSecrets();
    }

    private void forgetSecrets() {
        participant = null;
        ownRound1 = null;
        keyingMaterial = null;
        if (sendKey != null) {
            Arrays.fill(sendKey, (byte) 0);
            Arrays.fill(receiveKey, (byte) 0);
        }
    }

    private static ByteWriter header(int type) {
        return new ByteWriter(512).u8(VERSION).u8(type);
    }

    private static String name(int type) {
        return switch (type) {
            case JOINER_HELLO -> "JOINER_HELLO (1)";
            case INVITER_HELLO -> "INVITER_HELLO (2)";
            case JOINER_CONFIRM -> "JOINER_CONFIRM (3)";
            case INVITER_CONFIRM -> "INVITER_CONFIRM (4)";
            case JOINER_RECORD -> "JOINER_RECORD (5)";
            case ABORT -> "ABORT";
            default -> "message type " + type;
        };
    }

    public Role role() {
        return role;
    }

    public State state() {
        return state;
    }

    /**
     * The verified peer record; only when SUCCEEDED. The caller must also check that
     * {@code TlsIdentity.deviceIdOf(peer certificate).equals(peer().id())} on this connection
     * before pinning: the handshake binds the certificate's fingerprint, not its key.
     */
    public DeviceRecord peer() {
        requireState(State.SUCCEEDED, "peer()");
        return peer;
    }

    /** A short string both screens can show to confirm they paired with each other ({@code "123 456"}); only when SUCCEEDED. */
    public String verificationString() {
        requireState(State.SUCCEEDED, "verificationString()");
        return verification;
    }

    /** Why it failed; only when FAILED. */
    public FailureReason failureReason() {
        requireState(State.FAILED, "failureReason()");
        return failureReason;
    }

    /** A human-readable explanation of the failure; only when FAILED. */
    public String failureMessage() {
        requireState(State.FAILED, "failureMessage()");
        return failureMessage;
    }

    private void requireState(State s, String what) {
        if (state != s) {
            throw new IllegalStateException(what + " is only available when " + s + "; the handshake is " + state);
        }
    }
}
