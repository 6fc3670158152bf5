package dev.lorehub.node.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.lorehub.crypto.DeviceId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.lorehub.node.core.BoundedKryoIo.*;

/**
 * Encodes event bodies with Kryo, once, by their author (DESIGN.md §3, §5).
 *
 * <p>Registration is required and ids are explicit: {@link EntityChange} = {@value #ENTITY_CHANGE_ID},
 * {@link MembershipChange} = {@value #MEMBERSHIP_CHANGE_ID}. An unregistered class id in the input
 * is an error, never an instantiation. Each body starts (after Kryo's class id) with a format byte.
 * This build writes format {@value #FORMAT} and still reads format {@value #LEGACY_FORMAT} (bodies
 * written before authority became causal; they decode with {@link Causality#LEGACY}). Layout of an
 * {@code EntityChange}:
 * <pre>
 *   varint class id (Kryo: registration id + 2)   u8 format=2
 *   u8 kind   string entityId   u8 deleted(0|1)
 *   ids parents                                   (the entity heads it supersedes)
 *   varint nAssignments, each: u8 field code, value
 *   varint nSets, each: u8 field code, varint nAdds, strings, varint nRemoves, strings
 *   causality                                     (absent in format 1)
 *   ids       = varint n, n × 32-byte event id (sorted)
 *   causality = ids auth, varlong zigzag seq, u8 flag + 32-byte prev
 *   value     = u8 tag (0 null, 1 string, 2 varlong zigzag, 3 double as 8 bytes little-endian, 4 boolean) + payload
 *   string    = varint byte length + strict UTF-8
 * </pre>
 * A {@code MembershipChange}: format, u8 op, flag + 32-byte subject, u8 role (0 = none), bytes
 * subjectKeys, varint epoch, varint n + bytes×n wrapped keys, bytes nonce, then in format 2
 * causality (its auth ids are the membership parents) and flag + 32-byte frontier; in format 1
 * ids parents instead. The golden-bytes test pins both layouts; change them only together with
 * {@link #FORMAT}.
 *
 * <p>Not thread-safe (Kryo instances are not): one codec per thread or owner.
 */
public final class EventCodec {
    /** Body format version written after the class id. */
    public static final int FORMAT = 2;
    /** The format of releases before causal authority; still read. */
    public static final int LEGACY_FORMAT = 1;
    /** Kryo registration id of {@link EntityChange}. */
    public static final int ENTITY_CHANGE_ID = 20;
    /** Kryo registration id of {@link MembershipChange}. */
    public static final int MEMBERSHIP_CHANGE_ID = 21;
    /** Largest encoded body accepted or produced. */
    public static final int MAX_BODY_BYTES = 512 * 1024;

    /** The only types a body may hold, by Kryo registration id (decode never resolves any other). */
    private static final Map<Integer, Class<? extends EventBody>> BODIES = Map.of(
        ENTITY_CHANGE_ID, EntityChange.class, MEMBERSHIP_CHANGE_ID, MembershipChange.class);

    private final Kryo kryo = new Kryo();

    public EventCodec() {
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(EntityChange.class, new EntityChangeSerializer(), ENTITY_CHANGE_ID);
        kryo.register(MembershipChange.class, new MembershipChangeSerializer(), MEMBERSHIP_CHANGE_ID);
    }

    /** The body's bytes; {@link IllegalArgumentException} if they would exceed {@link #MAX_BODY_BYTES}. */
    public byte[] encode(EventBody body) {
        if (body.causality().legacy()) {
            throw new IllegalArgumentException("an event body is encoded once its author stamped its causality");
        }
        Output out = new Output(256, MAX_BODY_BYTES);
        try {
            kryo.writeClassAndObject(out, body);
        } catch (KryoException e) {
            throw new IllegalArgumentException("event body exceeds " + MAX_BODY_BYTES + " bytes", e);
        }
        return out.toBytes();
    }

    /**
     * Decodes a body; {@link EventFormatException} naming the problem for any malformed input. The
     * class id is read here and only {@link #ENTITY_CHANGE_ID} and {@link #MEMBERSHIP_CHANGE_ID} are
     * accepted: Kryo's built-in registrations (String, primitives) are never resolved, so a body
     * cannot make the decoder allocate from an untrusted length (see {@link BoundedKryoIo#readRegistered}).
     */
    public EventBody decode(byte[] bytes) {
        if (bytes.length > MAX_BODY_BYTES) {
            throw new EventFormatException("event body of " + bytes.length + " bytes exceeds the limit of " + MAX_BODY_BYTES);
        }
        Input in = new Input(bytes);
        EventBody body;
        try {
            body = readRegistered(kryo, in, BODIES, "event body", "an event");
        } catch (EventFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EventFormatException("malformed event body: " + e.getMessage(), e);
        }
        if (body == null) {
            throw new EventFormatException("event body holds no event");
        }
        if (remaining(in) != 0) {
            throw new EventFormatException(remaining(in) + " trailing bytes after the event body");
        }
        return body;
    }

    /** Reads the format byte: {@link #FORMAT} or {@link #LEGACY_FORMAT}. */
    private static int readFormat(Input in) {
        int format = readByte(in, "format") & 0xff;
        if (format != FORMAT && format != LEGACY_FORMAT) {
            throw new EventFormatException("unknown event body format " + format + " (this node reads formats "
                + LEGACY_FORMAT + " and " + FORMAT + "): upgrade lorehub-node");
        }
        return format;
    }

    private static void writeCausality(Output out, Causality c) {
        writeParents(out, c.auth());
        out.writeVarLong(c.seq(), false);
        writeOptionalId(out, c.prev());
    }

    private static Causality readCausality(Input in) {
        List<EventId> auth = readParents(in);
        if (auth.size() > Causality.MAX_AUTH) {
            throw new EventFormatException("an event cites " + auth.size() + " membership heads; at most "
                + Causality.MAX_AUTH + " are accepted");
        }
        long seq = readVarLong(in, "seq");
        EventId prev = readOptionalId(in, "previous event");
        if (seq < 1 || (prev == null) != (seq == 1)) {
            throw new EventFormatException("chain position " + seq + (prev == null ? " without" : " with")
                + " a previous event");
        }
        return new Causality(auth, seq, prev);
    }

    private static void writeOptionalId(Output out, EventId id) {
        out.writeBoolean(id != null);
        if (id != null) {
            out.writeBytes(id.rawBytes());
        }
    }

    private static EventId readOptionalId(Input in, String what) {
        return readFlag(in, what + " present") ? EventId.fromBytes(readFixed(in, EventId.LENGTH, what)) : null;
    }

    private static void writeParents(Output out, List<EventId> parents) {
        out.writeVarInt(parents.size(), true);
        for (EventId p : parents) {
            out.writeBytes(p.rawBytes());
        }
    }

    private static List<EventId> readParents(Input in) {
        int n = readLength(in, EventId.LENGTH, "parents");
        List<EventId> parents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            parents.add(EventId.fromBytes(readFixed(in, EventId.LENGTH, "parent id")));
        }
        return parents;
    }

    private static final class EntityChangeSerializer extends Serializer<EntityChange> {
        @Override
        public void write(Kryo kryo, Output out, EntityChange c) {
            out.writeByte(FORMAT);
            out.writeByte(c.kind().code());
            writeString(out, c.entityId());
            out.writeBoolean(c.deleted());
            writeParents(out, c.parents());
            out.writeVarInt(c.assignments().size(), true);
            for (Map.Entry<Field, Object> e : c.assignments().entrySet()) {
                out.writeByte(e.getKey().code());
                writeValue(out, e.getValue());
            }
            out.writeVarInt(c.sets().size(), true);
            for (Map.Entry<Field, SetDelta> e : c.sets().entrySet()) {
                out.writeByte(e.getKey().code());
                writeStrings(out, e.getValue().adds());
                writeStrings(out, e.getValue().removes());
            }
            writeCausality(out, c.causality());
        }

        @Override
        public EntityChange read(Kryo kryo, Input in, Class<? extends EntityChange> type) {
            int format = readFormat(in);
            EntityKind kind = EntityKind.ofCode(readByte(in, "kind") & 0xff);
            String entityId = readString(in, "entity id");
            boolean deleted = readFlag(in, "deleted");
            List<EventId> parents = readParents(in);
            int nAssign = readLength(in, 2, "assignments");
            SortedMap<Field, Object> assignments = new TreeMap<>();
            for (int i = 0; i < nAssign; i++) {
                Field f = Field.ofCode(readByte(in, "field code") & 0xff);
                if (assignments.put(f, readValue(in)) != null) {
                    throw new EventFormatException("field " + f + " assigned twice");
                }
            }
            int nSets = readLength(in, 3, "set changes");
            SortedMap<Field, SetDelta> sets = new TreeMap<>();
            for (int i = 0; i < nSets; i++) {
                Field f = Field.ofCode(readByte(in, "field code") & 0xff);
                SetDelta d = new SetDelta(readStrings(in), readStrings(in));
                if (sets.put(f, d) != null) {
                    throw new EventFormatException("set field " + f + " changed twice");
                }
            }
            Causality causality = format == LEGACY_FORMAT ? Causality.LEGACY : readCausality(in);
            return new EntityChange(kind, entityId, deleted, parents, assignments, sets, causality);
        }
    }

    private static final class MembershipChangeSerializer extends Serializer<MembershipChange> {
        @Override
        public void write(Kryo kryo, Output out, MembershipChange c) {
            out.writeByte(FORMAT);
            out.writeByte(c.op().code());
            out.writeBoolean(c.subject() != null);
            if (c.subject() != null) {
                out.writeBytes(c.subject().toBytes());
            }
            out.writeByte(c.role() == null ? 0 : c.role().code());
            writeBytes(out, c.subjectKeys());
            out.writeVarInt(c.epoch(), true);
            out.writeVarInt(c.wrappedKeys().size(), true);
            for (byte[] w : c.wrappedKeys()) {
                writeBytes(out, w);
            }
            writeBytes(out, c.nonce());
            writeCausality(out, c.causality());
            writeOptionalId(out, c.frontier());
        }

        @Override
        public MembershipChange read(Kryo kryo, Input in, Class<? extends MembershipChange> type) {
            int format = readFormat(in);
            MembershipChange.Op op = MembershipChange.Op.ofCode(readByte(in, "membership op") & 0xff);
            DeviceId subject = readFlag(in, "subject present")
                ? DeviceId.fromBytes(readFixed(in, DeviceId.LENGTH, "subject")) : null;
            int roleCode = readByte(in, "role") & 0xff;
            Role role = roleCode == 0 ? null : Role.ofCode(roleCode);
            byte[] keys = BoundedKryoIo.readBytes(in, "subject keys");
            int epoch = readVarInt(in, "epoch");
            int nWrapped = readLength(in, 1, "wrapped keys");
            List<byte[]> wrapped = new ArrayList<>(nWrapped);
            for (int i = 0; i < nWrapped; i++) {
                wrapped.add(BoundedKryoIo.readBytes(in, "wrapped key"));
            }
            byte[] nonce = BoundedKryoIo.readBytes(in, "nonce");
            Causality causality;
            EventId frontier = null;
            if (format == LEGACY_FORMAT) {
                readParents(in); // always empty in format 1: its fold ordered by HLC alone
                causality = Causality.LEGACY;
            } else {
                causality = readCausality(in);
                frontier = readOptionalId(in, "frontier");
            }
            try {
                return new MembershipChange(op, subject, role, keys, epoch, wrapped, nonce, frontier, causality);
            } catch (IllegalArgumentException e) {
                throw new EventFormatException("invalid membership change: " + e.getMessage(), e);
            }
        }
    }

    private static void writeStrings(Output out, SortedSet<String> strings) {
        out.writeVarInt(strings.size(), true);
        for (String s : strings) {
            writeString(out, s);
        }
    }

    private static SortedSet<String> readStrings(Input in) {
        int n = readLength(in, 1, "set elements");
        SortedSet<String> set = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (!set.add(readString(in, "set element"))) {
                throw new EventFormatException("duplicate set element");
            }
        }
        return set;
    }

    private static void writeValue(Output out, Object v) {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof String s) {
            out.writeByte(1);
            writeString(out, s);
        } else if (v instanceof Long l) {
            out.writeByte(2);
            out.writeVarLong(l, false);
        } else if (v instanceof Double d) {
            out.writeByte(3);
            out.writeDouble(d);
        } else if (v instanceof Boolean b) {
            out.writeByte(4);
            out.writeBoolean(b);
        } else {
            throw new IllegalArgumentException("unsupported value type " + v.getClass());
        }
    }

    private static Object readValue(Input in) {
        int tag = readByte(in, "value tag") & 0xff;
        return switch (tag) {
            case 0 -> null;
            case 1 -> readString(in, "string value");
            case 2 -> readVarLong(in, "integer value");
            case 3 -> readDouble(in, "real value");
            case 4 -> readFlag(in, "boolean value");
            default -> throw new EventFormatException("unknown value tag " + tag);
        };
    }
}
