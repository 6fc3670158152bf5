package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.ReconcileConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the next message: answers the peer's open ranges in id order until the message is full
 * (the rest stay pending and the message says CONTINUE). Each answer is encoded first and its
 * effects (new ranges of ours, final results) are applied only if it fits.
 *
 * <p>Size discipline: every single answer fits in an empty message of the session's limit, so a
 * deferred answer always goes out next time and the exchange makes progress. Lists, results and
 * splits are capped from the limit to guarantee that.
 *
 * <p>Open-range discipline: the ranges open after this message (ours the peer has not processed
 * plus the peer's we have not) are exactly the ranges the peer counts when it reads the message,
 * and it refuses more than {@link Session#openRangeLimit} of the limit both sides know. Splitting
 * every differing range of a large difference would open about one range per differing key, so
 * answers are rationed, with a proof that an honest pair never reaches the limit:
 * <ul>
 *   <li>A split may only leave at most {@link #splitLimit} ranges open ({@code S = max(H/2, H - R)}
 *       with {@code H} the limit and {@code R = 2 * maxRounds + 2}). Near it the split is made
 *       narrower, and where not even two parts fit, the range is listed when its keys fit one
 *       result (the list replaces the range: no growth), else streamed: our first keys as a list
 *       and our fingerprint of the rest, one range more.</li>
 *   <li>Above {@code S}, at most one answer per message may add a range (and never past
 *       {@code H}); every other answer replaces or closes the range it answers.</li>
 * </ul>
 * Since every message of the peer obeys the same rule with its own {@code S'}, each message raises
 * the count above {@code max(S, S')} by at most one, and a session has at most
 * {@code 2 * min(maxRounds, peer's maxRounds)} messages; so the count stays within
 * {@code S + R <= H} whenever {@code R <= H / 2} (with the 64 Ki floor of {@code H}: any
 * {@code maxRounds} up to 16,383) on at least one side. Beyond that an answer that would pass
 * {@code H} is deferred to a later message instead.
 */
final class ReplyBuilder {

    private final Session s;
    private final SnapshotView v;
    private final BoundPicker picker;
    private final SplitPolicy policy;
    private final int budget;
    private final int maxResultKeys;
    private final int maxListKeys;

    /** Most ranges the peer accepts open at once ({@code H}). */
    private final long openLimit;
    /** Most ranges a split may leave open ({@code S}); see the class comment. */
    private final long splitLimit;
    /** Whether this message already holds its one answer that grows the open ranges above {@code S}. */
    private boolean grewAboveSplitLimit;
    /** The answer being written adds a range above {@code S} (committed with its other effects). */
    private boolean growsAboveSplitLimit;
    /** The answer being written must wait for a later message: it would open too many ranges. */
    private boolean deferred;

    int items;
    int created;
    boolean continueFlag;

    private final List<OwnRange> newOwn = new ArrayList<>();
    private final KeyBlock newHave = new KeyBlock();
    private final KeyBlock newNeed = new KeyBlock();
    private final long[] sumLo = new long[4];
    private final long[] sumHi = new long[4];

    ReplyBuilder(Session s) {
        this.s = s;
        this.v = s.view;
        this.picker = new BoundPicker(s.snap);
        ReconcileConfig cfg = s.cfg;
        budget = s.messageLimit() - Wire.HEADER_RESERVE;
        maxResultKeys = Math.max(1, (budget / 2 - 16) / Wire.MAX_KEY_BYTES);
        maxListKeys = Math.max(1, Math.min(cfg.leafThreshold(), maxResultKeys));
        int maxB = Math.max(2, Math.min(cfg.maxBranching(), (budget - 32) / (cfg.fingerprintBytes() + 48)));
        policy = new SplitPolicy(Math.min(cfg.branching(), maxB), maxB, maxListKeys, cfg.idPrefixBytes(),
            cfg.fingerprintBytes());
        openLimit = Session.openRangeLimit(s.messageLimit());
        long reserve = 2L * cfg.maxRounds() + 2;
        splitLimit = Math.max(openLimit / 2, openLimit - reserve);
    }

    byte[] build(boolean firstReply) {
        observe();
        WireWriter body = new WireWriter();
        int last = s.processed;
        while (!s.pending.isEmpty()) {
            PeerRange p = s.pending.peekFirst();
            int mark = body.size();
            body.varint(p.id - last);
            clearEffects();
            boolean item = respond(p, body, budget - body.size());
            if (deferred) {
                // Answering it now would open more ranges than the peer accepts: it waits (in order).
                body.truncate(mark);
                break;
            }
            if (!item) {
                body.truncate(mark);
            } else if (body.size() > budget) {
                if (items == 0) {
                    throw new IllegalStateException("an answer of " + (body.size() - mark)
                        + " bytes does not fit an empty message of " + budget + " bytes");
                }
                body.truncate(mark);
                break;
            } else {
                items++;
                last = p.id + 1;
            }
            commitEffects();
            s.pending.pollFirst();
            s.processed++;
        }
        continueFlag = !s.pending.isEmpty();
        boolean root = firstReply && !Arrays.equals(s.ourRoot, s.peerRoot);
        WireWriter msg = new WireWriter();
        msg.u8(Wire.VERSION);
        msg.u8((continueFlag ? Wire.FLAG_CONTINUE : 0) | (firstReply ? Wire.FLAG_HELLO : 0) | (root ? Wire.FLAG_ROOT : 0));
        if (firstReply) {
            msg.varint(s.cfg.maxMessageBytes());
        }
        if (root) {
            msg.bytes(s.ourRoot, 0, s.ourRoot.length);
        }
        msg.varint(s.processed);
        msg.varint(items);
        msg.append(body);
        return msg.toByteArray();
    }

    /** Compares every pending fingerprint with ours and tells the policy how many differ. */
    private void observe() {
        int total = 0;
        int differing = 0;
        for (PeerRange p : s.pending) {
            if (p.kind == PeerRange.FP) {
                evaluate(p);
                total++;
                if (!p.matched) {
                    differing++;
                }
            }
        }
        policy.observe(differing, total);
    }

    private void evaluate(PeerRange p) {
        if (p.evaluated) {
            return;
        }
        long[] sum = new long[4];
        int count = v.summarize(p.lo, p.hi, sum);
        p.rLo = v.rank(p.lo);
        p.rHi = p.rLo + count;
        p.matched = Arrays.equals(v.fingerprint(count, sum, p.fp.length), p.fp);
        p.evaluated = true;
    }

    private void ranks(PeerRange p) {
        p.rLo = v.rank(p.lo);
        p.rHi = v.rank(p.hi);
    }

    /** Writes the answer to {@code p} after its reference; {@code false} if it needs none. */
    private boolean respond(PeerRange p, WireWriter w, int room) {
        return switch (p.kind) {
            case PeerRange.FP -> answerFingerprint(p, w, room);
            case PeerRange.LIST_FULL -> answerFullList(p, w, room);
            case PeerRange.LIST_PREFIX -> answerPrefixList(p, w, room);
            default -> answerPrefixResult(p, w);
        };
    }

    private boolean answerFingerprint(PeerRange p, WireWriter w, int room) {
        evaluate(p);
        if (p.matched) {
            return false;
        }
        int n = p.rHi - p.rLo;
        if (p.fp.length >= Wire.MIN_FP_BYTES_FOR_EMPTY && v.isEmptyFingerprint(p.fp)) {
            // The peer holds nothing here: everything we hold in the range is for it.
            if (n <= maxResultKeys) {
                KeyBlock ours = KeyBlock.of(s.snap, p.rLo, p.rHi);
                w.u8(Wire.ITEM_RESULT);
                w.varint(ours.size());
                KeyCodec.writeKeys(w, p.lo, ours, 0, ours.size());
                newHave.addAll(ours);
            } else {
                writeStream(p.lo, p.hi, p.rLo, p.rHi, w, room);
            }
            return true;
        }
        if (policy.lists(n)) {
            writeList(p.lo, p.hi, KeyBlock.of(s.snap, p.rLo, p.rHi), p.fp, n == 0 ? 0 : policy.listPrefixBytes(), w);
        } else {
            writeRationedSplit(p.lo, p.hi, p.rLo, p.rHi, p.fp, policy.branches(n), w, room);
        }
        return true;
    }

    private boolean answerFullList(PeerRange p, WireWriter w, int room) {
        ranks(p);
        int n = p.rHi - p.rLo;
        int listed = p.keys.size();
        if (n > maxResultKeys || (listed + 7) / 8 > budget / 2) {
            redirect(p, listed == 0, w, room);
            return true;
        }
        KeyBlock ours = KeyBlock.of(s.snap, p.rLo, p.rHi);
        boolean[] lack = new boolean[listed];
        KeyBlock extras = new KeyBlock();
        int i = 0;
        int j = 0;
        while (i < listed || j < ours.size()) {
            int c = i == listed ? 1 : j == ours.size() ? -1 : p.keys.compare(i, ours, j);
            if (c < 0) {
                lack[i++] = true;
            } else if (c > 0) {
                extras.add(ours, j++);
            } else {
                i++;
                j++;
            }
        }
        w.u8(Wire.ITEM_RESULT);
        writeBitmap(w, lack);
        w.varint(extras.size());
        KeyCodec.writeKeys(w, p.lo, extras, 0, extras.size());
        newHave.addAll(extras);
        for (int k = 0; k < listed; k++) {
            if (lack[k]) {
                newNeed.add(p.keys, k);
            }
        }
        return true;
    }

    private boolean answerPrefixList(PeerRange p, WireWriter w, int room) {
        ranks(p);
        int n = p.rHi - p.rLo;
        if (n > maxResultKeys || (p.count + 7) / 8 > budget / 2) {
            redirect(p, false, w, room);
            return true;
        }
        KeyBlock ours = KeyBlock.of(s.snap, p.rLo, p.rHi);
        int len = p.prefixLen;
        int[] sorted = sortByPrefix(p.prefixes, len, p.count);
        boolean[] taken = new boolean[p.count];
        byte[] mine = new byte[len];
        KeyBlock extras = new KeyBlock();
        for (int k = 0; k < ours.size(); k++) {
            for (int b = 0; b < len; b++) {
                mine[b] = (byte) ours.idByte(k, b);
            }
            int e = firstUntaken(p.prefixes, len, sorted, taken, mine);
            if (e < 0) {
                extras.add(ours, k);
            } else {
                taken[e] = true;
            }
        }
        boolean[] lack = new boolean[p.count];
        int marks = 0;
        for (int k = 0; k < p.count; k++) {
            if (!taken[k]) {
                lack[k] = true;
                marks++;
            }
        }
        w.u8(Wire.ITEM_RESULT);
        writeBitmap(w, lack);
        w.varint(extras.size());
        KeyCodec.writeKeys(w, p.lo, extras, 0, extras.size());
        OwnRange o = new OwnRange(-1, OwnRange.PREFIX_RESULT, p.lo, p.hi);
        o.peerPrefixes = p.prefixes;
        o.peerPrefixLen = len;
        o.marked = new int[marks];
        for (int k = 0, m = 0; k < p.count; k++) {
            if (lack[k]) {
                o.marked[m++] = k;
            }
        }
        o.extras = extras;
        newOwn.add(o);
        return true;
    }

    private boolean answerPrefixResult(PeerRange p, WireWriter w) {
        if (!p.verified) {
            // Two different ids shared a prefix (or the peer misbehaved): settle the range with full keys.
            writeList(p.lo, p.hi, p.ourKeys, p.peerFp, 0, w);
            return true;
        }
        newNeed.addAll(p.extras);
        if (p.markCount == 0) {
            return false;
        }
        KeyBlock marked = new KeyBlock(p.markCount);
        for (int k = 0; k < p.marks.length; k++) {
            if (p.marks[k]) {
                marked.add(p.ourKeys, k);
            }
        }
        w.u8(Wire.ITEM_FULL_KEYS);
        KeyCodec.writeKeys(w, p.lo, marked, 0, marked.size());
        newHave.addAll(marked);
        return true;
    }

    /** Answers a list we cannot settle with one result: stream to an empty peer, list ours, or split. */
    private void redirect(PeerRange p, boolean peerEmpty, WireWriter w, int room) {
        int n = p.rHi - p.rLo;
        if (peerEmpty) {
            writeStream(p.lo, p.hi, p.rLo, p.rHi, w, room);
        } else if (n <= maxListKeys) {
            writeList(p.lo, p.hi, KeyBlock.of(s.snap, p.rLo, p.rHi), null, 0, w);
        } else {
            writeRationedSplit(p.lo, p.hi, p.rLo, p.rHi, null, policy.branches(n), w, room);
        }
    }

    /** Ranges open now, counting the one being answered. */
    private long open() {
        return (long) s.own.size() + s.pending.size();
    }

    /**
     * Whether the answer being written may replace the range it answers by two: always below
     * {@code S}, else once per message and never past {@code H} (see the class comment).
     */
    private boolean mayAddOneRange() {
        long after = open() + 1;
        if (after <= splitLimit) {
            return true;
        }
        if (grewAboveSplitLimit || after > openLimit) {
            return false;
        }
        growsAboveSplitLimit = true;
        return true;
    }

    /**
     * A split into {@code b} parts if the open ranges allow it, else as many parts as they allow
     * (at least two); where not even two fit, our list of the range when it fits one result
     * ({@code peerFp}, if any, is the peer's fingerprint the answer to the list must reproduce),
     * else a stream of our keys; else the answer is deferred.
     */
    private void writeRationedSplit(Bound lo, Bound hi, int rLo, int rHi, byte[] peerFp, int b, WireWriter w, int room) {
        long fit = splitLimit - open() + 1;
        if (fit >= 2) {
            writeSplit(lo, hi, rLo, rHi, (int) Math.min(b, fit), w);
        } else if (rHi - rLo <= maxResultKeys) {
            writeList(lo, hi, KeyBlock.of(s.snap, rLo, rHi), peerFp, 0, w);
        } else {
            writeStream(lo, hi, rLo, rHi, w, room);
        }
    }

    /** A split into one part carrying our list of the range. */
    private void writeList(Bound lo, Bound hi, KeyBlock keys, byte[] peerFp, int prefixBytes, WireWriter w) {
        w.u8(Wire.ITEM_SPLIT);
        w.varint(splitHeader(1, Wire.MIN_FP_BYTES, true));
        OwnRange o;
        if (prefixBytes == 0) {
            w.u8(Wire.CHILD_LIST_FULL);
            w.varint(keys.size());
            KeyCodec.writeKeys(w, lo, keys, 0, keys.size());
            o = new OwnRange(-1, OwnRange.LIST_FULL, lo, hi);
        } else {
            w.u8(Wire.CHILD_LIST_PREFIX);
            w.u8(prefixBytes);
            w.varint(keys.size());
            for (int k = 0; k < keys.size(); k++) {
                for (int b = 0; b < prefixBytes; b++) {
                    w.u8(keys.idByte(k, b));
                }
            }
            o = new OwnRange(-1, OwnRange.LIST_PREFIX, lo, hi);
        }
        o.keys = keys;
        o.peerFp = peerFp;
        newOwn.add(o);
    }

    /** A split into {@code b} parts of roughly equal size, each with our fingerprint. */
    private void writeSplit(Bound lo, Bound hi, int rLo, int rHi, int b, WireWriter w) {
        BoundPicker.Split split = picker.even(lo, hi, rLo, rHi, b, policy.slackDivisor(rHi - rLo, b));
        int fpLen = policy.fingerprintBytes();
        writeSplitHead(w, split, null, fpLen);
        s.snap.prefixSum(split.ranks()[0], sumLo, 0);
        for (int j = 0; j < b; j++) {
            int from = split.ranks()[j];
            int to = split.ranks()[j + 1];
            s.snap.prefixSum(to, sumHi, 0);
            long[] sum = sumHi.clone();
            U256.sub(sum, 0, sumLo, 0);
            byte[] fp = v.fingerprint(to - from, sum, fpLen);
            w.bytes(fp, 0, fp.length);
            OwnRange o = new OwnRange(-1, OwnRange.FP, split.bounds()[j], split.bounds()[j + 1]);
            o.ownCount = to - from;
            newOwn.add(o);
            System.arraycopy(sumHi, 0, sumLo, 0, 4);
        }
    }

    /**
     * The peer holds none of our keys in the range and they are too many for one result: list as
     * many as fill the message, and send our fingerprint of the rest, which the peer will hand
     * back for the next message. (When little room is left, the list is sized for a fresh message
     * and waits for it.)
     */
    private void writeStream(Bound lo, Bound hi, int rLo, int rHi, WireWriter w, int room) {
        int space = (room >= budget / 4 ? room : budget) - 96; // split header, one bound, one fingerprint
        int k = 0;
        long used = WireWriter.varintLen(rHi - rLo);
        long prevTs = lo.ts;
        long[] key = new long[5];
        while (rLo + k < rHi) {
            s.snap.keyAt(rLo + k, key);
            int len = WireWriter.varintLen(key[0] - prevTs) + 32;
            if (used + len > space) {
                break;
            }
            used += len;
            prevTs = key[0];
            k++;
        }
        int b = rLo + k == rHi ? 1 : 2;
        if (b == 2 && !mayAddOneRange()) {
            deferred = true;
            return;
        }
        BoundPicker.Split split = b == 1
            ? new BoundPicker.Split(new Bound[] {lo, hi}, new int[] {rLo, rHi})
            : picker.exact(lo, hi, rLo, rHi, new int[] {rLo + k});
        int[] kinds = {Wire.CHILD_LIST_FULL, Wire.CHILD_FP};
        int fpLen = s.cfg.fingerprintBytes();
        writeSplitHead(w, split, kinds, fpLen);
        KeyBlock keys = KeyBlock.of(s.snap, rLo, rLo + k);
        w.varint(k);
        KeyCodec.writeKeys(w, lo, keys, 0, k);
        OwnRange list = new OwnRange(-1, OwnRange.LIST_FULL, lo, split.bounds()[1]);
        list.keys = keys;
        newOwn.add(list);
        if (b == 2) {
            long[] sum = new long[4];
            s.snap.rangeSum(rLo + k, rHi, sum, 0);
            byte[] fp = v.fingerprint(rHi - rLo - k, sum, fpLen);
            w.bytes(fp, 0, fp.length);
            OwnRange rest = new OwnRange(-1, OwnRange.FP, split.bounds()[1], hi);
            rest.ownCount = rHi - rLo - k;
            newOwn.add(rest);
        }
    }

    /**
     * The split header {@code varint(B << 5 | (fpLen - 4) << 1 | hasKinds)}, the child kinds when
     * not all children are fingerprints ({@code kinds == null}), and the interior bounds.
     */
    private static void writeSplitHead(WireWriter w, BoundPicker.Split split, int[] kinds, int fpLen) {
        int b = split.branches();
        w.u8(Wire.ITEM_SPLIT);
        w.varint(splitHeader(b, fpLen, kinds != null));
        if (kinds != null) {
            for (int i = 0; i < b; i += 4) {
                int v = 0;
                for (int k = 0; k < 4 && i + k < b; k++) {
                    v |= kinds[i + k] << (2 * k);
                }
                w.u8(v);
            }
        }
        for (int j = 1; j < b; j++) {
            KeyCodec.writeBound(w, split.bounds()[j - 1], split.bounds()[j]);
        }
    }

    private static long splitHeader(int b, int fpLen, boolean hasKinds) {
        return ((long) b << 5) | ((long) (fpLen - Wire.MIN_FP_BYTES) << 1) | (hasKinds ? 1 : 0);
    }

    private static void writeBitmap(WireWriter w, boolean[] bits) {
        for (int i = 0; i < bits.length; i += 8) {
            int v = 0;
            for (int k = 0; k < 8 && i + k < bits.length; k++) {
                if (bits[i + k]) {
                    v |= 1 << k;
                }
            }
            w.u8(v);
        }
    }

    /** Entry indices ordered by prefix bytes (unsigned), then by index. */
    private static int[] sortByPrefix(byte[] prefixes, int len, int n) {
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> {
            int c = Arrays.compareUnsigned(prefixes, a * len, a * len + len, prefixes, b * len, b * len + len);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    /** The lowest-index entry not yet taken whose prefix equals {@code mine}, or -1. */
    private static int firstUntaken(byte[] prefixes, int len, int[] sorted, boolean[] taken, byte[] mine) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int e = sorted[mid];
            if (Arrays.compareUnsigned(prefixes, e * len, e * len + len, mine, 0, len) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int k = lo; k < sorted.length; k++) {
            int e = sorted[k];
            if (Arrays.compareUnsigned(prefixes, e * len, e * len + len, mine, 0, len) != 0) {
                return -1;
            }
            if (!taken[e]) {
                return e;
            }
        }
        return -1;
    }

    private void clearEffects() {
        deferred = false;
        growsAboveSplitLimit = false;
        newOwn.clear();
        newHave.clear();
        newNeed.clear();
    }

    private void commitEffects() {
        for (OwnRange o : newOwn) {
            o.id = s.ownCreated++;
            s.own.add(o);
            created++;
        }
        s.have.addAll(newHave);
        s.need.addAll(newNeed);
        grewAboveSplitLimit |= growsAboveSplitLimit;
    }
}
