package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.EventKey;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.merkle.ReconciliationException;
import dev.lorehub.merkle.ReconciliationException.Kind;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One side of a reconciliation: the state machine behind {@code Initiator} and {@code Responder}.
 * It reads a message ({@link MessageParser}), answers the peer's open ranges in order as far as
 * the message size allows ({@link ReplyBuilder}), and finishes when neither side has anything left
 * to say, verifying the result against the peer's root fingerprint.
 *
 * <p>Bookkeeping: each side numbers the ranges it creates 0, 1, 2, ... in the order they appear in
 * its messages. Every message carries a watermark, the number of the receiver's ranges the sender
 * has processed; items refer to the receiver's ranges by number. A range below the watermark that
 * no item mentions was processed without an answer (for a fingerprint: the ranges are equal).
 */
public final class Session {

    /** Which end of the exchange this is. */
    public enum Role { INITIATOR, RESPONDER }

    private enum State { NEW, RUNNING, DONE, FAILED }

    final Role role;
    final ReconcileConfig cfg;
    final KeyTree snap;
    final KeyHasher hasher = new KeyHasher();
    SnapshotView view;
    long salt;
    int peerMaxMessageBytes = ReconcileConfig.MIN_MESSAGE_BYTES;
    byte[] ourRoot;
    byte[] peerRoot;

    /** Ranges we created that the peer has not processed yet, ascending by id. */
    final ArrayDeque<OwnRange> own = new ArrayDeque<>();
    int ownCreated;
    /** Number of our ranges the peer has processed (its latest watermark). */
    int peerWatermark;

    /** Ranges the peer created that we have not processed yet, ascending by id. */
    final ArrayDeque<PeerRange> pending = new ArrayDeque<>();
    int peerCreated;
    /** Number of the peer's ranges we have processed (our watermark). */
    int processed;

    final KeyBlock have = new KeyBlock();
    final KeyBlock need = new KeyBlock();

    private State state = State.NEW;
    private ReconciliationException failure;
    private int sent;
    private int received;
    private long bytesSent;
    private long bytesReceived;

    /**
     * @param snapshot an immutable tree: the session reconciles exactly these keys
     * @param salt mixed into every fingerprint of the session; the initiator's is sent, a responder's is ignored
     */
    public Session(Role role, KeyTree snapshot, ReconcileConfig cfg, long salt) {
        if (!snapshot.isReadOnly()) {
            throw new IllegalArgumentException("a session needs an immutable snapshot");
        }
        this.role = role;
        this.cfg = cfg;
        this.snap = snapshot;
        if (role == Role.INITIATOR) {
            this.salt = salt;
            this.view = new SnapshotView(snap, hasher, salt);
            this.ourRoot = rootFingerprint();
        }
    }

    /** The initiator's first message: its root fingerprint, which opens range 0 (the whole key space). */
    public byte[] start() {
        if (role != Role.INITIATOR) {
            throw new ReconciliationException(Kind.ILLEGAL_STATE, "only the initiator starts a session");
        }
        if (state != State.NEW) {
            throw new ReconciliationException(Kind.ILLEGAL_STATE, "start() was already called (state " + state + ")");
        }
        WireWriter w = new WireWriter();
        w.u8(Wire.VERSION);
        w.u8(Wire.FLAG_HELLO | Wire.FLAG_ROOT);
        w.long64(salt);
        w.varint(cfg.maxMessageBytes());
        w.bytes(ourRoot, 0, ourRoot.length);
        w.varint(0); // watermark: nothing of the responder's processed yet
        w.varint(0); // no items
        OwnRange root = new OwnRange(ownCreated++, OwnRange.FP, Bound.MIN, Bound.INF);
        root.ownCount = snap.size();
        own.add(root);
        state = State.RUNNING;
        byte[] msg = w.toByteArray();
        sent++;
        bytesSent += msg.length;
        return msg;
    }

    /** Processes one message from the peer; returns the reply, or empty when the session is finished. */
    public Optional<byte[]> onMessage(byte[] msg) {
        if (state == State.FAILED) {
            throw new ReconciliationException(Kind.ILLEGAL_STATE, "the session already failed: " + failure.getMessage());
        }
        if (state == State.DONE) {
            throw new ReconciliationException(Kind.ILLEGAL_STATE, "the session is finished; no message was expected");
        }
        if (state == State.NEW && role == Role.INITIATOR) {
            throw new ReconciliationException(Kind.ILLEGAL_STATE, "call start() before passing messages to the initiator");
        }
        try {
            return step(msg);
        } catch (ReconciliationException e) {
            state = State.FAILED;
            failure = e;
            throw e;
        }
    }

    private Optional<byte[]> step(byte[] msg) {
        if (msg == null) {
            throw new ReconciliationException(Kind.MALFORMED, "null message");
        }
        if (msg.length > cfg.maxMessageBytes()) {
            throw new ReconciliationException(Kind.OVERSIZED, "message of " + msg.length
                + " bytes exceeds the maximum message size of " + cfg.maxMessageBytes());
        }
        received++;
        bytesReceived += msg.length;
        if (role == Role.RESPONDER && received > cfg.maxRounds()) {
            throw new ReconciliationException(Kind.ROUND_LIMIT, "initiator message " + received
                + " exceeds the round limit of " + cfg.maxRounds());
        }
        state = State.RUNNING;
        MessageParser in = new MessageParser(this);
        in.parse(msg, received == 1);
        checkOpenRanges();
        boolean firstReply = role == Role.RESPONDER && sent == 0;
        ReplyBuilder out = new ReplyBuilder(this);
        byte[] reply = out.build(firstReply);
        checkOpenRanges();
        boolean send = in.created > 0 || in.continueFlag || out.items > 0 || out.continueFlag || firstReply;
        if (!send) {
            finish();
            return Optional.empty();
        }
        if (role == Role.INITIATOR && sent >= cfg.maxRounds()) {
            throw new ReconciliationException(Kind.ROUND_LIMIT, "sending initiator message " + (sent + 1)
                + " would exceed the round limit of " + cfg.maxRounds());
        }
        sent++;
        bytesSent += reply.length;
        if (out.created == 0 && !out.continueFlag && !in.continueFlag) {
            finish();
        }
        return Optional.of(reply);
    }

    /**
     * Caps the ranges either side has opened and the other has not yet processed, so that a peer
     * that keeps opening ranges (or never processes ours) cannot make us hold unbounded state. One
     * range per byte of the maximum message size is far above what honest sessions reach.
     */
    private void checkOpenRanges() {
        long open = (long) own.size() + pending.size();
        long limit = openRangeLimit(cfg.maxMessageBytes());
        if (open > limit) {
            throw new ReconciliationException(Kind.OVERSIZED, open + " open ranges exceed the limit of " + limit);
        }
    }

    /**
     * Most ranges a side with this maximum message size accepts open at once. Both sides know the
     * smaller maximum ({@link #messageLimit()}), whose limit is at most either side's, and keep
     * their answers within it ({@code ReplyBuilder} proves how).
     */
    static long openRangeLimit(int maxMessageBytes) {
        return Math.max(65_536L, maxMessageBytes);
    }

    /** Checks that {@code ours - have + need} reproduces the peer's root fingerprint, then completes. */
    private void finish() {
        if (!own.isEmpty() || !pending.isEmpty()) {
            throw new ReconciliationException(Kind.CONTRADICTORY, own.size() + " of our ranges and " + pending.size()
                + " of the peer's are still open at the end of the exchange");
        }
        long[] sum = new long[4];
        long[] tmp = new long[4];
        snap.totalSum(sum, 0);
        for (int i = 0; i < have.size(); i++) {
            have.accumulate(hasher, i, sum, true, tmp);
        }
        for (int i = 0; i < need.size(); i++) {
            need.accumulate(hasher, i, sum, false, tmp);
        }
        long count = (long) snap.size() - have.size() + need.size();
        byte[] expected = hasher.fingerprint(count, sum, 0, salt, Wire.ROOT_FP_BYTES);
        if (peerRoot == null || !Arrays.equals(expected, peerRoot)) {
            throw new ReconciliationException(Kind.VERIFICATION_FAILED, "our keys minus " + have.size() + " we have plus "
                + need.size() + " we need (" + count + " keys) do not reproduce the peer's root fingerprint");
        }
        state = State.DONE;
    }

    /** The salted 16-byte fingerprint of the whole snapshot. */
    byte[] rootFingerprint() {
        long[] sum = new long[4];
        snap.totalSum(sum, 0);
        return hasher.fingerprint(snap.size(), sum, 0, salt, Wire.ROOT_FP_BYTES);
    }

    /** Adopts the initiator's session salt (responder side). */
    void adoptInitiatorHello(long sessionSalt) {
        this.salt = sessionSalt;
        this.view = new SnapshotView(snap, hasher, salt);
        this.ourRoot = rootFingerprint();
    }

    /** The largest message both sides accept. */
    int messageLimit() {
        return Math.min(cfg.maxMessageBytes(), peerMaxMessageBytes);
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    public boolean isFailed() {
        return state == State.FAILED;
    }

    /** Keys we hold that the peer lacks, ascending. */
    public List<EventKey> have() {
        return have.toSortedList();
    }

    /** Keys the peer holds that we lack, ascending. */
    public List<EventKey> need() {
        return need.toSortedList();
    }

    /** Number of rounds so far: initiator messages sent (initiator) or received (responder). */
    public int rounds() {
        return role == Role.INITIATOR ? sent : received;
    }

    public int messagesSent() {
        return sent;
    }

    public int messagesReceived() {
        return received;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }
}
