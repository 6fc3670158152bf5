package dev.lorehub.crypto;

import java.security.SecureRandom;
import java.util.List;

/**
 * The sans-IO pairing handshake (DESIGN.md §6): EC J-PAKE over the one-time code with key
 * confirmation, each participant id bound to the TLS certificate fingerprint that side presents;
 * then signed device records exchanged under a session key. Bytes in, bytes out. Any failure
 * finishes the handshake for good.
 */
public final class PairingHandshake {
    /** Which side: the inviter printed the code, the joiner typed it. */
    public enum Role { INVITER, JOINER }

    /** Where the handshake is. */
    public enum State { IN_PROGRESS, SUCCEEDED, FAILED }

    /** Why a handshake failed. */
    public enum FailureReason { WRONG_CODE, TAMPERED, OUT_OF_ORDER, PROTOCOL_ERROR }

    private PairingHandshake() {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * @param ownCertFingerprint  SHA-256 of the certificate this side presents on the connection
     * @param peerCertFingerprint SHA-256 of the certificate the peer presented, as seen on the connection
     */
    public static PairingHandshake start(Role role, PairingCode code, byte[] ownCertFingerprint, byte[] peerCertFingerprint,
                                         DeviceRecord own, SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Messages to send before hearing anything (empty for the side that waits). */
    public List<byte[]> initialMessages() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Feeds one message from the peer and returns the replies to send (possibly none). Never throws on bad input: the state becomes FAILED. */
    public List<byte[]> onMessage(byte[] message) {
        throw new UnsupportedOperationException("skeleton");
    }

    public State state() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The verified peer record; only when SUCCEEDED. */
    public DeviceRecord peer() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A short string both screens can show to confirm they paired with each other; only when SUCCEEDED. */
    public String verificationString() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Why it failed; only when FAILED. */
    public FailureReason failureReason() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A human-readable explanation of the failure; only when FAILED. */
    public String failureMessage() {
        throw new UnsupportedOperationException("skeleton");
    }
}
