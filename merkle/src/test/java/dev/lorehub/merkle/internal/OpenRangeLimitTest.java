package dev.lorehub.merkle.internal;

import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.merkle.ReconciliationException;
import dev.lorehub.merkle.ReconciliationException.Kind;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The cap on open ranges is a defence against a hostile peer, and honest sides ration their own
 * splits to stay under it ({@code ReplyBuilder}): the hostile peer here answers every range of
 * ours with a wide split of random fingerprints, which an honest peer never does past the cap, and
 * is refused with OVERSIZED once the ranges it opened pass the limit.
 */
class OpenRangeLimitTest {

    private static final ReconcileConfig CFG = ReconcileConfig.defaults().withMaxMessageBytes(4096).withMaxRounds(10_000);
    private static final int HOSTILE_BRANCHES = 64;

    @Test
    void aPeerThatKeepsSplittingEveryRangeIsRefusedAtTheOpenRangeLimit() {
        SplittableRandom rnd = new SplittableRandom(11);
        KeyTree tree = new KeyTree();
        for (int i = 0; i < 200_000; i++) {
            tree.add((1_700_000_000_000L + rnd.nextLong(1_000_000_000L)) << 16, rnd.nextLong(), rnd.nextLong(),
                rnd.nextLong(), rnd.nextLong());
        }
        Session victim = new Session(Session.Role.INITIATOR, tree.snapshot(), CFG, 3);
        victim.start();
        long limit = Session.openRangeLimit(CFG.maxMessageBytes());
        boolean first = true;
        for (int round = 0; round < 5_000; round++) {
            byte[] msg = hostileReply(victim, first, rnd);
            first = false;
            Optional<byte[]> reply;
            try {
                reply = victim.onMessage(msg);
            } catch (ReconciliationException e) {
                assertThat(e.kind()).isEqualTo(Kind.OVERSIZED);
                assertThat(e.getMessage()).contains("open ranges exceed the limit of " + limit);
                return;
            }
            assertThat(reply).as("the victim keeps answering until refused").isPresent();
            assertThat((long) victim.own.size() + victim.pending.size()).isLessThanOrEqualTo(limit);
        }
        fail("the hostile peer was never refused");
    }

    /**
     * Processes as many of the victim's open ranges as fit one message, splitting each into up to
     * {@value #HOSTILE_BRANCHES} parts with evenly spaced timestamp bounds and random 4-byte
     * fingerprints, and says CONTINUE so the victim keeps going.
     */
    private static byte[] hostileReply(Session victim, boolean first, SplittableRandom rnd) {
        WireWriter body = new WireWriter();
        int items = 0;
        int next = victim.peerWatermark;
        int watermark = next;
        for (OwnRange o : victim.own) {
            WireWriter item = new WireWriter();
            item.varint(o.id - next);
            item.u8(Wire.ITEM_SPLIT);
            long loTs = o.lo.ts;
            long hiTs = o.hi.infinite ? Long.MAX_VALUE : o.hi.ts;
            // Bounds (loTs + j * step, no id prefix) lie strictly inside [lo, hi) when step > 0.
            long step = Math.max(0, (hiTs - loTs - 1) / HOSTILE_BRANCHES);
            int b = step == 0 ? 1 : HOSTILE_BRANCHES;
            item.varint((long) b << 5);
            Bound prev = o.lo;
            for (int j = 1; j < b; j++) {
                Bound bound = Bound.ofTimestamp(loTs + j * step);
                KeyCodec.writeBound(item, prev, bound);
                prev = bound;
            }
            for (int j = 0; j < b; j++) {
                item.u8(rnd.nextInt(256));
                item.u8(rnd.nextInt(256));
                item.u8(rnd.nextInt(256));
                item.u8(rnd.nextInt(256));
            }
            if (body.size() + item.size() > CFG.maxMessageBytes() - Wire.HEADER_RESERVE) {
                break;
            }
            body.append(item);
            items++;
            next = o.id + 1;
            watermark = next;
        }
        WireWriter msg = new WireWriter();
        msg.u8(Wire.VERSION);
        msg.u8(Wire.FLAG_CONTINUE | (first ? Wire.FLAG_HELLO | Wire.FLAG_ROOT : 0));
        if (first) {
            msg.varint(CFG.maxMessageBytes());
            byte[] root = new byte[Wire.ROOT_FP_BYTES];
            rnd.nextBytes(root);
            msg.bytes(root, 0, root.length);
        }
        msg.varint(watermark);
        msg.varint(items);
        msg.append(body);
        return msg.toByteArray();
    }
}
