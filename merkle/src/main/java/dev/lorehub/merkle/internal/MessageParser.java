package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.merkle.ReconciliationException;
import dev.lorehub.merkle.ReconciliationException.Kind;

import java.util.Arrays;

/**
 * Reads one message from the peer and applies it: closes the ranges of ours it processed, records
 * results, and queues the ranges it opens. Everything is validated against what this side sent
 * and holds; the first violation throws a {@link ReconciliationException} naming the rule and value.
 */
final class MessageParser {

    private final Session s;
    /** Number of ranges the message opened (ranges we must process). */
    int created;
    boolean continueFlag;
    private final long[] scratch = new long[4];

    MessageParser(Session s) {
        this.s = s;
    }

    void parse(byte[] msg, boolean first) {
        WireReader r = new WireReader(msg);
        int version = r.u8("version");
        if (version != Wire.VERSION) {
            throw new ReconciliationException(Kind.UNKNOWN_VERSION, "protocol version " + version
                + " is not supported; this side speaks version " + Wire.VERSION);
        }
        int flags = r.u8("flags");
        if ((flags & ~Wire.FLAGS_KNOWN) != 0) {
            throw new ReconciliationException(Kind.MALFORMED, "flags 0x" + Integer.toHexString(flags) + " set reserved bits");
        }
        boolean fromInitiator = s.role == Session.Role.RESPONDER;
        boolean hello = (flags & Wire.FLAG_HELLO) != 0;
        if (hello != first) {
            throw new ReconciliationException(Kind.MALFORMED, first ? "the peer's first message lacks HELLO"
                : "HELLO outside the peer's first message");
        }
        if (hello) {
            if (fromInitiator) {
                s.adoptInitiatorHello(r.long64("salt"));
            }
            long max = r.varint("maximum message size");
            if (max < ReconcileConfig.MIN_MESSAGE_BYTES || max > ReconcileConfig.MAX_MESSAGE_BYTES) {
                throw new ReconciliationException(Kind.MALFORMED, "maximum message size " + Long.toUnsignedString(max)
                    + " outside " + ReconcileConfig.MIN_MESSAGE_BYTES + ".." + ReconcileConfig.MAX_MESSAGE_BYTES);
            }
            s.peerMaxMessageBytes = (int) max;
        }
        boolean root = (flags & Wire.FLAG_ROOT) != 0;
        if (fromInitiator ? root != first : root && !first) {
            throw new ReconciliationException(Kind.MALFORMED, fromInitiator
                ? "ROOT must be present exactly in the initiator's first message" : "ROOT outside the responder's first message");
        }
        if (root) {
            byte[] fp = new byte[Wire.ROOT_FP_BYTES];
            r.read(fp, 0, fp.length, "root fingerprint");
            s.peerRoot = fp;
        } else if (first) {
            // The responder sends its root only when it differs: no root means "equal to yours".
            s.peerRoot = s.ourRoot;
        }
        long wm = r.varint("watermark");
        if (wm < s.peerWatermark) {
            throw new ReconciliationException(Kind.OUT_OF_ORDER, "watermark " + wm + " is below the previous watermark "
                + s.peerWatermark);
        }
        if (wm > s.ownCreated) {
            throw new ReconciliationException(Kind.CONTRADICTORY, "watermark " + Long.toUnsignedString(wm)
                + " exceeds the " + s.ownCreated + " ranges we created");
        }
        continueFlag = (flags & Wire.FLAG_CONTINUE) != 0;
        if (!continueFlag && wm != s.ownCreated) {
            throw new ReconciliationException(Kind.CONTRADICTORY, "the peer has no pending work but processed only "
                + wm + " of our " + s.ownCreated + " ranges");
        }
        if (fromInitiator && first) {
            PeerRange whole = new PeerRange(s.peerCreated++, PeerRange.FP, Bound.MIN, Bound.INF);
            whole.fp = s.peerRoot;
            s.pending.add(whole);
            created++;
        }
        int next = s.peerWatermark;
        int limit = (int) wm;
        // Each item takes at least two bytes (reference and kind); a count promising more is a truncation.
        int items = r.count("item count", 2, Integer.MAX_VALUE);
        for (int item = 0; item < items; item++) {
            long delta = r.varint("item reference");
            if (Long.compareUnsigned(delta, limit - next) >= 0) {
                throw new ReconciliationException(Kind.OUT_OF_ORDER, "item refers to range " + next + " + "
                    + Long.toUnsignedString(delta) + ", not below the watermark " + limit);
            }
            int ref = next + (int) delta;
            closeUnanswered(ref);
            OwnRange o = s.own.pollFirst();
            int kind = r.u8("item kind");
            switch (kind) {
                case Wire.ITEM_SPLIT -> parseSplit(r, o);
                case Wire.ITEM_RESULT -> parseResult(r, o);
                case Wire.ITEM_FULL_KEYS -> parseFullKeys(r, o);
                default -> throw new ReconciliationException(Kind.MALFORMED, "unknown item kind " + kind);
            }
            next = ref + 1;
        }
        if (r.hasMore()) {
            throw new ReconciliationException(Kind.MALFORMED, r.remaining() + " bytes follow the last of " + items + " items");
        }
        closeUnanswered(limit);
        s.peerWatermark = limit;
    }

    /** Closes our ranges below {@code upTo} that no item answered. */
    private void closeUnanswered(int upTo) {
        while (!s.own.isEmpty() && s.own.peekFirst().id < upTo) {
            OwnRange o = s.own.pollFirst();
            switch (o.kind) {
                case OwnRange.FP -> {
                    // Processed and not answered: the peer's fingerprint equals ours.
                }
                case OwnRange.PREFIX_RESULT -> {
                    if (o.marked.length != 0) {
                        throw new ReconciliationException(Kind.CONTRADICTORY, "range " + o.id + ": the peer did not send the "
                            + o.marked.length + " full keys we lack");
                    }
                    s.have.addAll(o.extras);
                }
                default -> throw new ReconciliationException(Kind.CONTRADICTORY, "list range " + o.id + " was not answered");
            }
        }
    }

    private void parseSplit(WireReader r, OwnRange o) {
        long h = r.varint("split header");
        long b = h >>> 5;
        int fpLen = (int) ((h >>> 1) & 15) + Wire.MIN_FP_BYTES;
        boolean hasKinds = (h & 1) != 0;
        if (b < 1) {
            throw new ReconciliationException(Kind.MALFORMED, "a split needs at least 1 branch, got 0");
        }
        if (b > ReconcileConfig.MAX_BRANCHING) {
            throw new ReconciliationException(Kind.OVERSIZED, "split of " + b
                + " branches exceeds the limit of " + ReconcileConfig.MAX_BRANCHING);
        }
        if (fpLen > Wire.MAX_FP_BYTES) {
            throw new ReconciliationException(Kind.MALFORMED, "split fingerprint length " + fpLen + " outside "
                + Wire.MIN_FP_BYTES + ".." + Wire.MAX_FP_BYTES);
        }
        int n = (int) b;
        if (n > r.remaining()) {
            throw new ReconciliationException(Kind.TRUNCATED, "split of " + n + " branches but only " + r.remaining()
                + " bytes remain");
        }
        int[] kinds = new int[n];
        int kindBytes = hasKinds ? (n + 3) / 4 : 0;
        for (int i = 0; i < kindBytes; i++) {
            int v = r.u8("child kinds");
            for (int k = 0; k < 4; k++) {
                int c = (v >>> (2 * k)) & 3;
                int j = 4 * i + k;
                if (j >= n) {
                    if (c != 0) {
                        throw new ReconciliationException(Kind.MALFORMED, "padding bits of the child kinds are not zero");
                    }
                } else if (c == 3) {
                    throw new ReconciliationException(Kind.MALFORMED, "child " + j + " has the reserved kind 3");
                } else {
                    kinds[j] = c;
                }
            }
        }
        Bound[] bounds = new Bound[n + 1];
        bounds[0] = o.lo;
        bounds[n] = o.hi;
        for (int j = 1; j < n; j++) {
            bounds[j] = KeyCodec.readBound(r, bounds[j - 1], o.hi);
        }
        for (int j = 0; j < n; j++) {
            Bound lo = bounds[j];
            Bound hi = bounds[j + 1];
            PeerRange p;
            switch (kinds[j]) {
                case Wire.CHILD_FP -> {
                    p = new PeerRange(s.peerCreated, PeerRange.FP, lo, hi);
                    p.fp = new byte[fpLen];
                    r.read(p.fp, 0, p.fp.length, "child fingerprint");
                }
                case Wire.CHILD_LIST_FULL -> {
                    p = new PeerRange(s.peerCreated, PeerRange.LIST_FULL, lo, hi);
                    int count = r.count("list size", Wire.MIN_KEY_BYTES, Integer.MAX_VALUE);
                    p.keys = KeyCodec.readKeys(r, lo, hi, count, "listed");
                }
                default -> {
                    p = new PeerRange(s.peerCreated, PeerRange.LIST_PREFIX, lo, hi);
                    int len = r.u8("prefix length");
                    if (len < 1 || len > 32) {
                        throw new ReconciliationException(Kind.MALFORMED, "prefix length " + len + " outside 1..32");
                    }
                    p.prefixLen = len;
                    p.count = r.count("prefix list size", len, Integer.MAX_VALUE);
                    int at = r.skip(p.count * len, "prefixes");
                    // Copied: the caller may reuse the message buffer before we answer this range.
                    p.prefixes = Arrays.copyOfRange(r.array(), at, at + p.count * len);
                }
            }
            s.peerCreated++;
            s.pending.add(p);
            created++;
        }
    }

    private void parseResult(WireReader r, OwnRange o) {
        int n;
        if (o.kind == OwnRange.LIST_FULL || o.kind == OwnRange.LIST_PREFIX) {
            n = o.keys.size();
        } else if (o.kind == OwnRange.FP) {
            if (o.ownCount != 0) {
                throw new ReconciliationException(Kind.CONTRADICTORY, "a result answers fingerprint range " + o.id
                    + " where we hold " + o.ownCount + " keys; only an empty range may be answered so");
            }
            n = 0;
        } else {
            throw new ReconciliationException(Kind.CONTRADICTORY, "a result answers range " + o.id + ", which is itself a result");
        }
        int bitmapBytes = (n + 7) / 8;
        int at = r.skip(bitmapBytes, "result bitmap");
        byte[] buf = r.array();
        boolean[] marks = new boolean[n];
        int markCount = 0;
        for (int i = 0; i < bitmapBytes * 8; i++) {
            boolean bit = ((buf[at + (i >>> 3)] >>> (i & 7)) & 1) != 0;
            if (i >= n) {
                if (bit) {
                    throw new ReconciliationException(Kind.MALFORMED, "padding bits of the result bitmap are not zero");
                }
            } else if (bit) {
                marks[i] = true;
                markCount++;
            }
        }
        int count = r.count("result extras", Wire.MIN_KEY_BYTES, Integer.MAX_VALUE);
        KeyBlock extras = KeyCodec.readKeys(r, o.lo, o.hi, count, "extra");
        if (o.kind == OwnRange.LIST_PREFIX) {
            boolean ambiguous = false;
            for (int i = 0; i < extras.size() && !ambiguous; i++) {
                ambiguous = extras.in(s.snap, i);
            }
            PeerRange p = new PeerRange(s.peerCreated++, PeerRange.PREFIX_RESULT, o.lo, o.hi);
            p.ourKeys = o.keys;
            p.marks = marks;
            p.markCount = markCount;
            p.extras = extras;
            p.peerFp = o.peerFp;
            // An extra we already hold, or a result that does not reproduce the peer's fingerprint,
            // means two different ids shared a prefix: we will list the range in full instead.
            p.verified = !ambiguous && reproduces(o, marks, extras);
            s.pending.add(p);
            created++;
            return;
        }
        for (int i = 0; i < extras.size(); i++) {
            if (extras.in(s.snap, i)) {
                throw new ReconciliationException(Kind.CONTRADICTORY, "the peer says we lack " + extras.key(i)
                    + ", which we hold");
            }
        }
        if (!reproduces(o, marks, extras)) {
            throw new ReconciliationException(Kind.CONTRADICTORY, "the result for range " + o.id
                + " does not reproduce the peer's fingerprint of that range");
        }
        for (int i = 0; i < n; i++) {
            if (marks[i]) {
                s.have.add(o.keys, i);
            }
        }
        s.need.addAll(extras);
    }

    /** Whether our range minus the marked keys plus the extras has the peer's fingerprint (true if we have none). */
    private boolean reproduces(OwnRange o, boolean[] marks, KeyBlock extras) {
        if (o.peerFp == null) {
            return true;
        }
        long[] sum = new long[4];
        int count = s.view.summarize(o.lo, o.hi, sum);
        for (int i = 0; i < marks.length; i++) {
            if (marks[i]) {
                o.keys.accumulate(s.hasher, i, sum, true, scratch);
                count--;
            }
        }
        for (int i = 0; i < extras.size(); i++) {
            extras.accumulate(s.hasher, i, sum, false, scratch);
            count++;
        }
        return Arrays.equals(s.view.fingerprint(count, sum, o.peerFp.length), o.peerFp);
    }

    private void parseFullKeys(WireReader r, OwnRange o) {
        if (o.kind != OwnRange.PREFIX_RESULT || o.marked.length == 0) {
            throw new ReconciliationException(Kind.CONTRADICTORY, "full keys answer range " + o.id
                + ", which marked no entries as missing");
        }
        int k = o.marked.length;
        if ((long) k * Wire.MIN_KEY_BYTES > r.remaining()) {
            throw new ReconciliationException(Kind.TRUNCATED, k + " full keys need at least " + (long) k * Wire.MIN_KEY_BYTES
                + " bytes but only " + r.remaining() + " remain");
        }
        KeyBlock keys = KeyCodec.readKeys(r, o.lo, o.hi, k, "full");
        for (int i = 0; i < k; i++) {
            int base = o.marked[i] * o.peerPrefixLen;
            for (int j = 0; j < o.peerPrefixLen; j++) {
                if (keys.idByte(i, j) != (o.peerPrefixes[base + j] & 0xFF)) {
                    throw new ReconciliationException(Kind.CONTRADICTORY, "full key " + i + " of range " + o.id
                        + " does not start with the prefix of the entry it completes");
                }
            }
            if (keys.in(s.snap, i)) {
                throw new ReconciliationException(Kind.CONTRADICTORY, "the peer sends " + keys.key(i) + ", which we hold");
            }
        }
        s.have.addAll(o.extras);
        s.need.addAll(keys);
    }
}
