package dev.lorehub.node.sync;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventFormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lorehub.node.core.BoundedKryoIo.readBytes;
import static dev.lorehub.node.core.BoundedKryoIo.readFixed;
import static dev.lorehub.node.core.BoundedKryoIo.readLength;
import static dev.lorehub.node.core.BoundedKryoIo.readLong;
import static dev.lorehub.node.core.BoundedKryoIo.readRegistered;
import static dev.lorehub.node.core.BoundedKryoIo.readString;
import static dev.lorehub.node.core.BoundedKryoIo.readVarInt;
import static dev.lorehub.node.core.BoundedKryoIo.readVarLong;
import static dev.lorehub.node.core.BoundedKryoIo.remaining;
import static dev.lorehub.node.core.BoundedKryoIo.writeBytes;
import static dev.lorehub.node.core.BoundedKryoIo.writeString;

/**
 * Encodes {@link SyncMessage}s with Kryo: registration required, explicit ids, one message per
 * frame. A frame larger than {@link #MAX_FRAME} is refused before any decoding; every length inside
 * is checked against the bytes left before anything is allocated.
 *
 * <p>Frame = Kryo class id (varint of registration id + 2) then the fields in declaration order:
 * ids as raw bytes (device 32, realm 16, event 32), counts and lengths as unsigned varints, longs
 * as zigzag varlongs (credit, capabilities) or 8 bytes little-endian (HLC, as Kryo writes longs), strings as varint length + UTF-8.
 * Registration ids: Hello 40, Reconcile 41, Events 42, Credit 43, Offer 44, Want 45, Close 46, 47
 * for the compact form of Events, and 48 for ScopedOpen. The golden-bytes test pins every layout.
 *
 * <h2>Scoped opens (48)</h2>
 * {@code varint n | (realm(16) | founder(32) | varint scope | varint length | reconcile) × n}. Sent
 * only to a peer whose Hello announced {@link #CAP_MEMBERSHIP_SCOPE}; a scope code this node does not
 * know is a malformed frame.
 *
 * <h2>Compact events (47)</h2>
 * A batch carries events of the session's one realm, mostly by few authors, yet every sealed
 * envelope repeats its realm id (16 bytes) and author key (32 bytes) in its header. The compact form
 * sends them once per frame and cuts them out of each envelope:
 * {@code realm(16) | varint n_authors | author(32) × n_authors | varint n_events |
 * (varint author_index | varint length | envelope without bytes [2,18) and [30,62)) × n_events}.
 * The receiver puts them back, so it gets every envelope byte for byte as its author sealed it (the
 * signature and the AEAD still decide whether it is genuine). A sender uses it only when the peer's
 * Hello announced {@link #CAP_COMPACT_EVENTS} ({@link #compactEvents}); the decoder reads both forms
 * and returns {@link SyncMessage.Events} either way. Each cut envelope must be at least as long as the
 * smallest valid one minus the 48 cut bytes, so a frame cannot make the receiver allocate more than
 * 48 bytes per ~100 bytes it sent.
 *
 * <p>Decoding reads the class id itself and accepts only these nine ids: Kryo's built-in
 * registrations (String, primitives) are never resolved, so no length prefix the peer sends
 * sizes an allocation beyond the bytes it actually sent (see {@link dev.lorehub.node.core.BoundedKryoIo#readRegistered}).
 *
 * <p>Not thread-safe: one codec per session or thread. The Kryo instance behind it is one per thread,
 * shared by every codec used on that thread (see {@link #KRYO}).
 */
public final class SyncCodec {
    /** Largest frame accepted or produced: a full batch plus one maximal event. */
    public static final int MAX_FRAME = 3 * 1024 * 1024;

    /** Hello capability bit: this node reads Events frames in the compact form (registration 47). */
    public static final long CAP_COMPACT_EVENTS = 1;

    /**
     * Hello capability bit: this node understands realm scopes ({@link RealmScope}) and the
     * {@link SyncMessage.ScopedOpen} frame (registration 48). A node sends that frame only to a peer
     * that announced the bit; with any other peer it syncs as before (FULL realms in the Hello only).
     */
    public static final long CAP_MEMBERSHIP_SCOPE = 2;

    /** The only types a frame may hold, by Kryo registration id. */
    private static final Map<Integer, Class<?>> MESSAGES = Map.of(
        40, SyncMessage.Hello.class, 41, SyncMessage.Reconcile.class, 42, SyncMessage.Events.class,
        43, SyncMessage.Credit.class, 44, SyncMessage.Offer.class, 45, SyncMessage.Want.class,
        46, SyncMessage.Close.class, 47, CompactEvents.class, 48, SyncMessage.ScopedOpen.class);

    private static final int CUT = SealedEnvelope.REALM_LENGTH + SealedEnvelope.AUTHOR_LENGTH;
    /** The shortest envelope that can be valid (signed-only, empty body), with the cut bytes removed. */
    private static final int MIN_CUT_ENVELOPE = SealedEnvelope.OVERHEAD_SIGNED_ONLY - CUT;

    /** The compact form of an Events message on the wire (never seen outside this codec). */
    private record CompactEvents(SyncMessage.Events events) {
    }

    /**
     * The Kryo instance of this thread's codecs. Building one (Kryo registers its default serializers
     * for dozens of JDK types) cost more than all the frames of a short session, and a node opens a
     * session at every connection. It holds nothing between two top-level calls, and it is dropped
     * after any failed encode or decode, so nothing a malformed frame left in it can reach the next
     * frame, of this peer or another.
     */
    private static final ThreadLocal<Kryo> KRYO = ThreadLocal.withInitial(SyncCodec::newKryo);

    private boolean compactEvents;

    /** A codec for one session: plain Events frames until {@link #compactEvents} is turned on. */
    public SyncCodec() {
        // the Kryo instance is the thread's (KRYO); a codec holds only the session's choice of form
    }

    private static Kryo newKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(SyncMessage.Hello.class, new HelloSerializer(), 40);
        kryo.register(SyncMessage.Reconcile.class, new ReconcileSerializer(), 41);
        kryo.register(SyncMessage.Events.class, new EventsSerializer(), 42);
        kryo.register(SyncMessage.Credit.class, new CreditSerializer(), 43);
        kryo.register(SyncMessage.Offer.class, new OfferSerializer(), 44);
        kryo.register(SyncMessage.Want.class, new WantSerializer(), 45);
        kryo.register(SyncMessage.Close.class, new CloseSerializer(), 46);
        kryo.register(CompactEvents.class, new CompactEventsSerializer(), 47);
        kryo.register(SyncMessage.ScopedOpen.class, new ScopedOpenSerializer(), 48);
        return kryo;
    }

    /** From now on, Events go out in the compact form (the peer announced {@link #CAP_COMPACT_EVENTS}). */
    public void compactEvents(boolean on) {
        compactEvents = on;
    }

    /** The frame for a message; {@link FrameTooLargeException} if it would exceed {@link #MAX_FRAME}. */
    public byte[] encode(SyncMessage message) {
        Output out = new Output(256, MAX_FRAME);
        try {
            KRYO.get().writeClassAndObject(out, compactEvents && message instanceof SyncMessage.Events e && compactible(e)
                ? new CompactEvents(e) : message);
        } catch (KryoException e) {
            KRYO.remove();
            throw new FrameTooLargeException(MAX_FRAME, -1, false);
        } catch (RuntimeException e) {
            KRYO.remove();
            throw e;
        }
        return out.toBytes();
    }

    /**
     * Decodes one frame.
     *
     * @throws FrameTooLargeException if it exceeds {@link #MAX_FRAME} (checked first)
     * @throws MalformedFrameException naming what is wrong, for anything else (any runtime exception
     *                                 while decoding becomes one; errors are left to the caller)
     */
    public SyncMessage decode(byte[] frame) {
        if (frame.length > MAX_FRAME) {
            throw new FrameTooLargeException(MAX_FRAME, frame.length, true);
        }
        Input in = new Input(frame);
        SyncMessage message;
        try {
            Object read = readRegistered(KRYO.get(), in, MESSAGES, "frame", "a sync message");
            message = read instanceof CompactEvents c ? c.events() : (SyncMessage) read;
        } catch (EventFormatException e) {
            KRYO.remove();
            throw new MalformedFrameException(e.getMessage());
        } catch (RuntimeException e) {
            KRYO.remove();
            throw new MalformedFrameException("undecodable frame: " + e.getMessage());
        }
        if (message == null) {
            throw new MalformedFrameException("frame holds no message");
        }
        if (remaining(in) != 0) {
            throw new MalformedFrameException(remaining(in) + " trailing bytes after a " + message.getClass().getSimpleName());
        }
        return message;
    }

    private static void writeRealm(Output out, RealmId realm) {
        out.writeBytes(realm.toBytes());
    }

    private static RealmId readRealm(Input in) {
        return RealmId.fromBytes(readFixed(in, RealmId.LENGTH, "realm id"));
    }

    private static DeviceId readDevice(Input in) {
        return DeviceId.fromBytes(readFixed(in, DeviceId.LENGTH, "device id"));
    }

    private static final class HelloSerializer extends Serializer<SyncMessage.Hello> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Hello m) {
            out.writeVarInt(m.minVersion(), true);
            out.writeVarInt(m.maxVersion(), true);
            out.writeBytes(m.device().toBytes());
            out.writeVarLong(m.capabilities(), false);
            out.writeVarLong(m.credit(), false);
            out.writeVarInt(m.realms().size(), true);
            for (SyncMessage.RealmOpen r : m.realms()) {
                writeRealm(out, r.realm());
                out.writeBytes(r.founder().toBytes());
                writeBytes(out, r.reconcile());
            }
        }

        @Override
        public SyncMessage.Hello read(Kryo kryo, Input in, Class<? extends SyncMessage.Hello> type) {
            int min = readVarInt(in, "min version");
            int max = readVarInt(in, "max version");
            DeviceId device = readDevice(in);
            long capabilities = readVarLong(in, "capabilities");
            long credit = readVarLong(in, "credit");
            int n = readLength(in, RealmId.LENGTH + DeviceId.LENGTH + 1, "realms");
            List<SyncMessage.RealmOpen> realms = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                realms.add(new SyncMessage.RealmOpen(readRealm(in), readDevice(in), readBytes(in, "reconcile message")));
            }
            return new SyncMessage.Hello(min, max, device, capabilities, credit, realms);
        }
    }

    private static final class ReconcileSerializer extends Serializer<SyncMessage.Reconcile> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Reconcile m) {
            writeRealm(out, m.realm());
            writeBytes(out, m.message());
        }

        @Override
        public SyncMessage.Reconcile read(Kryo kryo, Input in, Class<? extends SyncMessage.Reconcile> type) {
            return new SyncMessage.Reconcile(readRealm(in), readBytes(in, "reconcile message"));
        }
    }

    private static final class EventsSerializer extends Serializer<SyncMessage.Events> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Events m) {
            writeRealm(out, m.realm());
            out.writeVarInt(m.events().size(), true);
            for (byte[] e : m.events()) {
                writeBytes(out, e);
            }
        }

        @Override
        public SyncMessage.Events read(Kryo kryo, Input in, Class<? extends SyncMessage.Events> type) {
            RealmId realm = readRealm(in);
            int n = readLength(in, 1, "events");
            List<byte[]> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                events.add(readBytes(in, "event"));
            }
            return new SyncMessage.Events(realm, events);
        }
    }

    /** True if every event has a whole header of this realm, so cutting and restoring is exact. */
    private static boolean compactible(SyncMessage.Events m) {
        for (byte[] e : m.events()) {
            if (e.length < SealedEnvelope.OVERHEAD_SIGNED_ONLY || !m.realm().equals(RealmId.fromBytes(
                Arrays.copyOfRange(e, SealedEnvelope.REALM_OFFSET, SealedEnvelope.REALM_OFFSET + SealedEnvelope.REALM_LENGTH)))) {
                return false;
            }
        }
        return true;
    }

    private static final class CompactEventsSerializer extends Serializer<CompactEvents> {
        @Override
        public void write(Kryo kryo, Output out, CompactEvents c) {
            SyncMessage.Events m = c.events();
            writeRealm(out, m.realm());
            Map<java.nio.ByteBuffer, Integer> authors = new LinkedHashMap<>();
            for (byte[] e : m.events()) {
                authors.putIfAbsent(java.nio.ByteBuffer.wrap(e, SealedEnvelope.AUTHOR_OFFSET, SealedEnvelope.AUTHOR_LENGTH).slice(),
                    authors.size());
            }
            out.writeVarInt(authors.size(), true);
            for (java.nio.ByteBuffer a : authors.keySet()) {
                byte[] key = new byte[SealedEnvelope.AUTHOR_LENGTH];
                a.duplicate().get(key);
                out.writeBytes(key);
            }
            out.writeVarInt(m.events().size(), true);
            for (byte[] e : m.events()) {
                out.writeVarInt(authors.get(java.nio.ByteBuffer.wrap(e, SealedEnvelope.AUTHOR_OFFSET,
                    SealedEnvelope.AUTHOR_LENGTH).slice()), true);
                out.writeVarInt(e.length - CUT, true);
                out.writeBytes(e, 0, SealedEnvelope.REALM_OFFSET);
                out.writeBytes(e, SealedEnvelope.REALM_OFFSET + SealedEnvelope.REALM_LENGTH,
                    SealedEnvelope.AUTHOR_OFFSET - SealedEnvelope.REALM_OFFSET - SealedEnvelope.REALM_LENGTH);
                out.writeBytes(e, SealedEnvelope.AUTHOR_OFFSET + SealedEnvelope.AUTHOR_LENGTH,
                    e.length - SealedEnvelope.AUTHOR_OFFSET - SealedEnvelope.AUTHOR_LENGTH);
            }
        }

        @Override
        public CompactEvents read(Kryo kryo, Input in, Class<? extends CompactEvents> type) {
            RealmId realm = readRealm(in);
            byte[] realmBytes = realm.toBytes();
            int nAuthors = readLength(in, SealedEnvelope.AUTHOR_LENGTH, "authors");
            List<byte[]> authors = new ArrayList<>(nAuthors);
            for (int i = 0; i < nAuthors; i++) {
                authors.add(readFixed(in, SealedEnvelope.AUTHOR_LENGTH, "author key"));
            }
            int n = readLength(in, 2 + MIN_CUT_ENVELOPE, "events");
            List<byte[]> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int author = readVarInt(in, "author index");
                if (author < 0 || author >= nAuthors) {
                    throw new EventFormatException("event " + i + " names author " + author + " of " + nAuthors);
                }
                byte[] cut = readBytes(in, "event");
                if (cut.length < MIN_CUT_ENVELOPE) {
                    throw new EventFormatException("event " + i + " is " + cut.length + " bytes, shorter than any envelope");
                }
                byte[] e = new byte[cut.length + CUT];
                int afterRealm = SealedEnvelope.REALM_OFFSET + SealedEnvelope.REALM_LENGTH;
                int between = SealedEnvelope.AUTHOR_OFFSET - afterRealm;
                System.arraycopy(cut, 0, e, 0, SealedEnvelope.REALM_OFFSET);
                System.arraycopy(realmBytes, 0, e, SealedEnvelope.REALM_OFFSET, SealedEnvelope.REALM_LENGTH);
                System.arraycopy(cut, SealedEnvelope.REALM_OFFSET, e, afterRealm, between);
                System.arraycopy(authors.get(author), 0, e, SealedEnvelope.AUTHOR_OFFSET, SealedEnvelope.AUTHOR_LENGTH);
                System.arraycopy(cut, SealedEnvelope.REALM_OFFSET + between, e,
                    SealedEnvelope.AUTHOR_OFFSET + SealedEnvelope.AUTHOR_LENGTH, cut.length - SealedEnvelope.REALM_OFFSET - between);
                events.add(e);
            }
            return new CompactEvents(new SyncMessage.Events(realm, events));
        }
    }

    private static final class ScopedOpenSerializer extends Serializer<SyncMessage.ScopedOpen> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.ScopedOpen m) {
            out.writeVarInt(m.realms().size(), true);
            for (SyncMessage.ScopedRealm r : m.realms()) {
                writeRealm(out, r.realm());
                out.writeBytes(r.founder().toBytes());
                out.writeVarInt(r.scope().code(), true);
                writeBytes(out, r.reconcile());
            }
        }

        @Override
        public SyncMessage.ScopedOpen read(Kryo kryo, Input in, Class<? extends SyncMessage.ScopedOpen> type) {
            int n = readLength(in, RealmId.LENGTH + DeviceId.LENGTH + 2, "scoped realms");
            List<SyncMessage.ScopedRealm> realms = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                RealmId realm = readRealm(in);
                DeviceId founder = readDevice(in);
                int code = readVarInt(in, "scope");
                RealmScope scope = RealmScope.ofCode(code);
                if (scope == null) {
                    throw new EventFormatException("unknown realm scope " + code);
                }
                realms.add(new SyncMessage.ScopedRealm(realm, founder, scope, readBytes(in, "reconcile message")));
            }
            return new SyncMessage.ScopedOpen(realms);
        }
    }

    private static final class CreditSerializer extends Serializer<SyncMessage.Credit> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Credit m) {
            out.writeVarLong(m.bytes(), false);
        }

        @Override
        public SyncMessage.Credit read(Kryo kryo, Input in, Class<? extends SyncMessage.Credit> type) {
            return new SyncMessage.Credit(readVarLong(in, "credit"));
        }
    }

    private static final class OfferSerializer extends Serializer<SyncMessage.Offer> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Offer m) {
            writeRealm(out, m.realm());
            out.writeVarInt(m.keys().size(), true);
            for (SyncMessage.Key k : m.keys()) {
                out.writeLong(k.hlc());
                out.writeBytes(k.id());
            }
        }

        @Override
        public SyncMessage.Offer read(Kryo kryo, Input in, Class<? extends SyncMessage.Offer> type) {
            RealmId realm = readRealm(in);
            int n = readLength(in, 8 + 32, "offered keys");
            List<SyncMessage.Key> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keys.add(new SyncMessage.Key(readLong(in, "hlc"), readFixed(in, 32, "event id")));
            }
            return new SyncMessage.Offer(realm, keys);
        }
    }

    private static final class WantSerializer extends Serializer<SyncMessage.Want> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Want m) {
            writeRealm(out, m.realm());
            out.writeVarInt(m.ids().size(), true);
            for (byte[] id : m.ids()) {
                out.writeBytes(id);
            }
        }

        @Override
        public SyncMessage.Want read(Kryo kryo, Input in, Class<? extends SyncMessage.Want> type) {
            RealmId realm = readRealm(in);
            int n = readLength(in, 32, "wanted ids");
            List<byte[]> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(readFixed(in, 32, "event id"));
            }
            return new SyncMessage.Want(realm, ids);
        }
    }

    private static final class CloseSerializer extends Serializer<SyncMessage.Close> {
        @Override
        public void write(Kryo kryo, Output out, SyncMessage.Close m) {
            out.writeVarInt(m.reason().code(), true);
            writeString(out, m.message());
        }

        @Override
        public SyncMessage.Close read(Kryo kryo, Input in, Class<? extends SyncMessage.Close> type) {
            CloseReason reason = CloseReason.ofCode(readVarInt(in, "close reason"));
            return new SyncMessage.Close(reason, readString(in, "close message"));
        }
    }
}
