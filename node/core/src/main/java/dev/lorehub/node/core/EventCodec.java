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
 * {@link MembershipChange} = {@value #MEMBERSHIP_CHANGE_ID}, a compressed body =
 * {@value #COMPRESSED_BODY_ID}. An unregistered class id in the input is an error, never an
 * instantiation. Each body starts (after Kryo's class id) with a format byte. This build writes
 * format {@value #FORMAT} and still reads format {@value #LEGACY_FORMAT} (bodies written before
 * authority became causal; they decode with {@link Causality#LEGACY}). Layout of an
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
 *   value     = u8 tag (0 null, 1 string, 2 varlong zigzag, 3 double as 8 bytes little-endian, 4 boolean,
 *               5 text delta: format 2, content and why only) + payload
 *   delta     = 32-byte base event id, 16-byte result hash, varint nOps,
 *               each: varint keep, varint delete (token counts), string insert      (see {@link TextDelta})
 *   string    = varint byte length + strict UTF-8
 * </pre>
 * A {@code MembershipChange}: format, u8 op, flag + 32-byte subject, u8 role (0 = none), bytes
 * subjectKeys, varint epoch, varint n + bytes×n wrapped keys, bytes nonce, then in format 2
 * causality (its auth ids are the membership parents) and flag + 32-byte frontier; in format 1
 * ids parents instead.
 *
 * <h2>Compressed bodies (issue 17)</h2>
 * When it pays (see {@link BodyCompression}), the body above is written compressed instead:
 * <pre>
 *   varint class id 24 (registration {@value #COMPRESSED_BODY_ID} + 2)
 *   u8 codec (1 = zstd with lore dictionary 1)   varint raw length (1 .. MAX_BODY_BYTES)
 *   the zstd frame, to the end of the body
 * </pre>
 * Decompressed, it must be exactly the raw length and an {@code EntityChange} or
 * {@code MembershipChange} body as above (never another compressed body). Bodies written before
 * (uncompressed, class id 22 or 23 on the wire) decode as they always did: the class id is the flag.
 *
 * <h2>Text deltas (issue 17)</h2>
 * A {@code content} or {@code why} value may travel as a {@link TextDelta} against another event's
 * value ({@link #encode(EventBody, Map)}). Such a body decodes in two steps: {@link #decodeParts}
 * gives the change without those fields plus the deltas, and {@link #resolve} completes it from
 * the base texts; {@link #decode(byte[])} does both and refuses a body whose deltas it cannot
 * resolve. The golden-bytes tests pin every layout; change them only together with {@link #FORMAT}.
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
    /** Kryo registration id of a compressed body (a wrapper, never a type of its own). */
    public static final int COMPRESSED_BODY_ID = 22;
    /** Largest encoded body accepted or produced (before compression and after decompression). */
    public static final int MAX_BODY_BYTES = 512 * 1024;
    /** Value tag of a text delta in an {@code EntityChange}'s assignments. */
    static final int DELTA_TAG = 5;

    /**
     * What an author does to make bodies smaller; readers read every form whatever these say.
     *
     * @param compress      compress bodies where it pays ({@link BodyCompression})
     * @param deltaMinChars send {@code content} and {@code why} values of at least this many characters as a
     *                      {@link TextDelta} when a base is at hand and the delta is smaller
     */
    public record Options(boolean compress, int deltaMinChars) {
        /** Compression, and deltas for texts of 1 KiB and more. */
        public static final Options DEFAULT = new Options(true, 1024);
        /** Bodies exactly as releases before issue 17 wrote them (benchmarks compare against this). */
        public static final Options PLAIN = new Options(false, Integer.MAX_VALUE);

        /** Whether an author with these options looks for delta bases at all. */
        public boolean deltas() {
            return deltaMinChars < Integer.MAX_VALUE;
        }
    }

    /**
     * A decoded body whose {@link TextDelta}s may not be resolved yet.
     *
     * @param body   the body; a field sent as a delta is absent from its assignments until {@link #resolve}
     * @param deltas the fields sent as deltas (empty for most bodies)
     */
    public record Decoded(EventBody body, SortedMap<Field, TextDelta> deltas) {
        public Decoded {
            deltas = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(deltas));
        }

        /** True when the body holds every value it carries (no delta to resolve). */
        public boolean complete() {
            return deltas.isEmpty();
        }
    }

    /** The base texts that {@link #resolve} applies deltas to. */
    @FunctionalInterface
    public interface DeltaBases {
        /**
         * The value of {@code field} that event {@code base} assigns; {@link MissingDeltaBaseException}
         * when that event is not at hand, {@link EventFormatException} when it may not serve as the base.
         */
        String text(EventId base, Field field);
    }

    /** The only types a body may hold, by Kryo registration id (decode never resolves any other). */
    private static final Map<Integer, Class<? extends EventBody>> BODIES = Map.of(
        ENTITY_CHANGE_ID, EntityChange.class, MEMBERSHIP_CHANGE_ID, MembershipChange.class);

    private final Kryo kryo = new Kryo();
    private final Options options;
    /** The deltas of the body being written (serializers are called by Kryo, so this is how they see them). */
    private Map<Field, TextDelta> writing = Map.of();
    /** The deltas of the body being read. */
    private SortedMap<Field, TextDelta> reading;

    /** A codec that writes with {@link Options#DEFAULT}. */
    public EventCodec() {
        this(Options.DEFAULT);
    }

    public EventCodec(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(EntityChange.class, new EntityChangeSerializer(), ENTITY_CHANGE_ID);
        kryo.register(MembershipChange.class, new MembershipChangeSerializer(), MEMBERSHIP_CHANGE_ID);
    }

    public Options options() {
        return options;
    }

    /**
     * The body's bytes, compressed where that pays and {@link Options#compress} allows;
     * {@link IllegalArgumentException} if they would exceed {@link #MAX_BODY_BYTES}.
     */
    public byte[] encode(EventBody body) {
        return encode(body, Map.of());
    }

    /**
     * As {@link #encode(EventBody)}, writing the given text fields as deltas. Each delta must be
     * for a {@code content} or {@code why} value the (entity) body assigns, and produce exactly it
     * ({@link IllegalArgumentException} otherwise): an author never signs a delta that does not
     * give its own text.
     */
    public byte[] encode(EventBody body, Map<Field, TextDelta> deltas) {
        byte[] raw = encodeRaw(body, deltas);
        if (!options.compress()) {
            return raw;
        }
        Output header = new Output(8);
        header.writeVarInt(COMPRESSED_BODY_ID + BoundedKryoIo.CLASS_ID_OFFSET, true);
        header.writeByte(BodyCompression.ZSTD_LORE_DICTIONARY_1);
        header.writeVarInt(raw.length, true);
        byte[] frame;
        try {
            frame = BodyCompression.compress(raw, header.position());
        } catch (LinkageError e) {
            return raw; // no zstd native library for this platform: write plain bodies, which every reader reads
        }
        if (frame == null) {
            return raw;
        }
        byte[] out = java.util.Arrays.copyOf(header.getBuffer(), header.position() + frame.length);
        System.arraycopy(frame, 0, out, header.position(), frame.length);
        return out;
    }

    /** The uncompressed body (what {@link #encode} compresses). */
    byte[] encodeRaw(EventBody body, Map<Field, TextDelta> deltas) {
        if (body.causality().legacy()) {
            throw new IllegalArgumentException("an event body is encoded once its author stamped its causality");
        }
        if (!deltas.isEmpty()) {
            if (!(body instanceof EntityChange c)) {
                throw new IllegalArgumentException("only entity changes carry text deltas");
            }
            for (Map.Entry<Field, TextDelta> d : deltas.entrySet()) {
                Object value = c.assignments().get(d.getKey());
                if (d.getKey().merge() != Field.Merge.TEXT || !(value instanceof String text) || !d.getValue().produces(text)) {
                    throw new IllegalArgumentException("the delta for " + d.getKey() + " does not produce the value the change assigns");
                }
            }
        }
        Output out = new Output(256, MAX_BODY_BYTES);
        writing = deltas;
        try {
            kryo.writeClassAndObject(out, body);
        } catch (KryoException e) {
            throw new IllegalArgumentException("event body exceeds " + MAX_BODY_BYTES + " bytes", e);
        } finally {
            writing = Map.of();
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
        Decoded d = decodeParts(bytes);
        if (d.complete()) {
            return d.body();
        }
        TextDelta first = d.deltas().values().iterator().next();
        throw new MissingDeltaBaseException(first.base(), "the event's text is an edit of event " + first.base().shortForm()
            + ", which is needed to read it");
    }

    /**
     * Decodes a body, compressed or not, leaving any {@link TextDelta} unresolved: enough for
     * everything but the delta fields' values (kind, entity, parents, causality, other fields).
     * {@link EventFormatException} naming the problem for any malformed input.
     */
    public Decoded decodeParts(byte[] bytes) {
        if (bytes.length > MAX_BODY_BYTES) {
            throw new EventFormatException("event body of " + bytes.length + " bytes exceeds the limit of " + MAX_BODY_BYTES);
        }
        Input in = new Input(bytes);
        if (compressed(bytes)) {
            in = new Input(decompress(in));
        }
        EventBody body;
        reading = new TreeMap<>();
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
        SortedMap<Field, TextDelta> deltas = reading;
        reading = null;
        return new Decoded(body, deltas);
    }

    /**
     * Completes a decoded body: applies each delta to its base text from {@code bases} and checks
     * the result's hash. {@link MissingDeltaBaseException} when a base is not at hand,
     * {@link EventFormatException} when a delta does not fit its base (the event is then malformed:
     * it is never applied as other text than its author wrote).
     */
    public static EventBody resolve(Decoded decoded, DeltaBases bases) {
        if (decoded.complete()) {
            return decoded.body();
        }
        EntityChange c = (EntityChange) decoded.body();
        TreeMap<Field, Object> assignments = new TreeMap<>(c.assignments());
        for (Map.Entry<Field, TextDelta> d : decoded.deltas().entrySet()) {
            String base = bases.text(d.getValue().base(), d.getKey());
            if (base == null) {
                throw new EventFormatException("the base of the " + d.getKey().column() + " delta, event "
                    + d.getValue().base().shortForm() + ", assigns no text to it");
            }
            assignments.put(d.getKey(), d.getValue().apply(base));
        }
        try {
            return new EntityChange(c.kind(), c.entityId(), c.deleted(), c.parents(), assignments, c.sets(), c.causality());
        } catch (IllegalArgumentException e) {
            throw new EventFormatException("invalid entity change: " + e.getMessage(), e);
        }
    }

    /** True if the body is written compressed (its class id says so). */
    static boolean compressed(byte[] bytes) {
        return bytes.length > 0 && (bytes[0] & 0xff) == COMPRESSED_BODY_ID + BoundedKryoIo.CLASS_ID_OFFSET;
    }

    /** The raw body inside a compressed one, bounded before anything is allocated. */
    private static byte[] decompress(Input in) {
        readVarInt(in, "event body type");
        int codec = readByte(in, "compression codec") & 0xff;
        if (codec != BodyCompression.ZSTD_LORE_DICTIONARY_1) {
            throw new EventFormatException("unknown event body compression " + codec + " (this node reads "
                + BodyCompression.ZSTD_LORE_DICTIONARY_1 + "): upgrade lorehub-node");
        }
        int rawLength = readVarInt(in, "decompressed length");
        if (rawLength <= 0 || rawLength > MAX_BODY_BYTES) {
            throw new EventFormatException("compressed event body declares " + Integer.toUnsignedString(rawLength)
                + " bytes; a body holds 1 to " + MAX_BODY_BYTES);
        }
        try {
            return BodyCompression.decompress(in.getBuffer(), in.position(), remaining(in), rawLength);
        } catch (LinkageError e) {
            throw new EventFormatException("this platform has no zstd library (zstd-jni ships none for it), so compressed "
                + "events cannot be read here", e);
        }
    }

    /** Reads the format byte: {@link #FORMAT} or {@link #LEGACY_FORMAT}. */
    private static int readFormat(Input in) {
        int format = readByte(in, "format") & 0xff;
        if (format != FORMAT && format != LEGACY_FORMAT) {
            throw new EventFormatException(EventFormatException.Kind.UNKNOWN_FORMAT,
                "unknown event body format " + format + " (this node reads formats "
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

    private final class EntityChangeSerializer extends Serializer<EntityChange> {
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
                TextDelta delta = writing.get(e.getKey());
                if (delta != null) {
                    out.writeByte(DELTA_TAG);
                    writeDelta(out, delta);
                } else {
                    writeValue(out, e.getValue());
                }
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
                if (assignments.containsKey(f) || reading.containsKey(f)) {
                    throw new EventFormatException("field " + f + " assigned twice");
                }
                if (format == FORMAT && peekByte(in) == DELTA_TAG) {
                    in.readByte();
                    if (f.merge() != Field.Merge.TEXT) {
                        throw new EventFormatException("field " + f + " cannot be sent as a text delta");
                    }
                    reading.put(f, readDelta(in));
                } else {
                    assignments.put(f, readValue(in));
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
            if (deleted && !reading.isEmpty()) {
                throw new EventFormatException("a delete carries no field values");
            }
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

    private static void writeDelta(Output out, TextDelta d) {
        out.writeBytes(d.base().rawBytes());
        out.writeBytes(d.hash());
        out.writeVarInt(d.ops().size(), true);
        for (TextDelta.Op op : d.ops()) {
            out.writeVarInt(op.keep(), true);
            out.writeVarInt(op.delete(), true);
            writeString(out, op.insert());
        }
    }

    private static TextDelta readDelta(Input in) {
        EventId base = EventId.fromBytes(readFixed(in, EventId.LENGTH, "delta base"));
        byte[] hash = readFixed(in, TextDelta.HASH_BYTES, "delta hash");
        int n = readLength(in, 3, "delta operations");
        List<TextDelta.Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int keep = readVarInt(in, "delta keep");
            int delete = readVarInt(in, "delta delete");
            if (keep < 0 || delete < 0) {
                throw new EventFormatException("delta operation with a negative token count");
            }
            ops.add(new TextDelta.Op(keep, delete, readString(in, "delta insert")));
        }
        return new TextDelta(base, ops, hash);
    }

    private static int peekByte(Input in) {
        requireBytes(in, 1, "value tag");
        return in.getBuffer()[in.position()] & 0xff;
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
