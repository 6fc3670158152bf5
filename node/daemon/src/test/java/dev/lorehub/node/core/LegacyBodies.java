package dev.lorehub.node.core;

import java.util.Arrays;
import java.util.List;

/**
 * Writes bodies in the previous release's format (body format 1) for tests, from this build's
 * encoding: format 1 is format 2 with format byte 1 and, instead of the causality (and a
 * membership change's frontier), the empty list of parents the previous release always wrote for
 * membership changes. {@code LegacyBodiesTest} checks this against events the release itself wrote.
 */
public final class LegacyBodies {
    private LegacyBodies() {
    }

    /** The format-1 body of an entity change (its causality is dropped). */
    public static byte[] entity(EntityChange change) {
        byte[] modern = new EventCodec(EventCodec.Options.PLAIN).encode(change.withCausality(new Causality(List.of(), 1, null)));
        // causality with no auth, seq 1, no prev: varint 0, zigzag varlong 2, flag 0
        return legacy(modern, 3, new byte[0]);
    }

    /** The format-1 body of a membership change (causality and frontier dropped, empty parents written). */
    public static byte[] membership(MembershipChange change) {
        MembershipChange bare = new MembershipChange(change.op(), change.subject(), change.role(), change.subjectKeys(),
            change.epoch(), change.wrappedKeys(), change.nonce(), null, new Causality(List.of(), 1, null));
        byte[] modern = new EventCodec(EventCodec.Options.PLAIN).encode(bare);
        // causality (3 bytes as above) + frontier flag 0, replaced by parents: varint 0
        return legacy(modern, 4, new byte[] {0});
    }

    private static byte[] legacy(byte[] modern, int dropTail, byte[] tail) {
        if (modern[1] != EventCodec.FORMAT) {
            throw new IllegalStateException("unexpected layout: format byte " + modern[1]);
        }
        byte[] out = Arrays.copyOf(modern, modern.length - dropTail + tail.length);
        System.arraycopy(tail, 0, out, modern.length - dropTail, tail.length);
        out[1] = (byte) EventCodec.LEGACY_FORMAT;
        return out;
    }
}
