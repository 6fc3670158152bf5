package dev.lorehub.node.core;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What a {@link MembershipChange.Op#SEAL} accepts: the ids of events written in the previous
 * release's format (body format 1, {@link Causality#LEGACY}) that its author held and accepted
 * when it sealed the realm. Carried in the seal's payload slot ({@link MembershipChange#nonce()}).
 *
 * <p>Layout: u8 version = {@value #VERSION}, u32 big-endian count n, then n × 32-byte event ids in
 * strictly ascending order (so one set has exactly one encoding). At most {@value #MAX_IDS} ids:
 * a realm with more legacy events is sealed by several seals, whose sets add up.
 *
 * @param ids the accepted legacy events, ascending, distinct
 */
public record LegacySeal(List<EventId> ids) {
    /** Encoding version. */
    public static final int VERSION = 1;
    /** Most ids one seal lists (32 bytes each: well under {@link EventCodec#MAX_BODY_BYTES}). */
    public static final int MAX_IDS = 12_000;

    public LegacySeal {
        ids = List.copyOf(new TreeSet<>(ids));
        if (ids.size() > MAX_IDS) {
            throw new IllegalArgumentException("a seal lists at most " + MAX_IDS + " events, not " + ids.size());
        }
    }

    /** Seals covering {@code ids}, {@value #MAX_IDS} per seal, in id order (one empty seal for none). */
    public static List<LegacySeal> covering(Collection<EventId> ids) {
        List<EventId> sorted = new ArrayList<>(new TreeSet<>(ids));
        List<LegacySeal> out = new ArrayList<>();
        int from = 0;
        do {
            out.add(new LegacySeal(sorted.subList(from, Math.min(sorted.size(), from + MAX_IDS))));
            from += MAX_IDS;
        } while (from < sorted.size());
        return out;
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(5 + ids.size() * EventId.LENGTH);
        out.write(VERSION);
        int n = ids.size();
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        for (EventId id : ids) {
            out.writeBytes(id.rawBytes());
        }
        return out.toByteArray();
    }

    /** Decodes a seal's payload; {@link EventFormatException} naming what is wrong. */
    public static LegacySeal decode(byte[] bytes) {
        if (bytes.length < 5 || (bytes[0] & 0xff) != VERSION) {
            throw bytes.length < 5 ? new EventFormatException(EventFormatException.Kind.TRUNCATED, "truncated seal")
                : new EventFormatException("unknown seal version " + (bytes[0] & 0xff));
        }
        long n = ((bytes[1] & 0xffL) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        if (n > MAX_IDS || bytes.length != 5 + n * EventId.LENGTH) {
            throw new EventFormatException("a seal of " + bytes.length + " bytes cannot list " + n + " events");
        }
        List<EventId> ids = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            byte[] raw = java.util.Arrays.copyOfRange(bytes, 5 + i * EventId.LENGTH, 5 + (i + 1) * EventId.LENGTH);
            EventId id = EventId.fromBytes(raw);
            if (!ids.isEmpty() && ids.get(ids.size() - 1).compareTo(id) >= 0) {
                throw new EventFormatException("a seal lists its events in ascending order, each once");
            }
            ids.add(id);
        }
        return new LegacySeal(ids);
    }
}
