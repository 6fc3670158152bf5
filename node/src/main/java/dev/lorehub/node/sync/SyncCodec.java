package dev.lorehub.node.sync;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.EventFormatException;

import java.util.ArrayList;
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
 * Registration ids: Hello 40, Reconcile 41, Events 42, Credit 43, Offer 44, Want 45, Close 46.
 * The golden-bytes test pins every layout.
 *
 * <p>Decoding reads the class id itself and accepts only these seven ids: Kryo's built-in
 * registrations (String, primitives) are never resolved, so no length prefix the peer sends
 * sizes an allocation beyond the bytes it actually sent (see {@link dev.lorehub.node.core.BoundedKryoIo#readRegistered}).
 *
 * <p>Not thread-safe: one codec per session or thread.
 */
public final class SyncCodec {
    /** Largest frame accepted or produced: a full batch plus one maximal event. */
    public static final int MAX_FRAME = 3 * 1024 * 1024;

    /** The only types a frame may hold, by Kryo registration id. */
    private static final Map<Integer, Class<? extends SyncMessage>> MESSAGES = Map.of(
        40, SyncMessage.Hello.class, 41, SyncMessage.Reconcile.class, 42, SyncMessage.Events.class,
        43, SyncMessage.Credit.class, 44, SyncMessage.Offer.class, 45, SyncMessage.Want.class,
        46, SyncMessage.Close.class);

    private final Kryo kryo = new Kryo();

    public SyncCodec() {
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(SyncMessage.Hello.class, new HelloSerializer(), 40);
        kryo.register(SyncMessage.Reconcile.class, new ReconcileSerializer(), 41);
        kryo.register(SyncMessage.Events.class, new EventsSerializer(), 42);
        kryo.register(SyncMessage.Credit.class, new CreditSerializer(), 43);
        kryo.register(SyncMessage.Offer.class, new OfferSerializer(), 44);
        kryo.register(SyncMessage.Want.class, new WantSerializer(), 45);
        kryo.register(SyncMessage.Close.class, new CloseSerializer(), 46);
    }

    /** The frame for a message; {@link FrameTooLargeException} if it would exceed {@link #MAX_FRAME}. */
    public byte[] encode(SyncMessage message) {
        Output out = new Output(256, MAX_FRAME);
        try {
            kryo.writeClassAndObject(out, message);
        } catch (KryoException e) {
            throw new FrameTooLargeException(MAX_FRAME, -1);
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
            throw new FrameTooLargeException(MAX_FRAME, frame.length);
        }
        Input in = new Input(frame);
        SyncMessage message;
        try {
            message = readRegistered(kryo, in, MESSAGES, "frame", "a sync message");
        } catch (EventFormatException e) {
            throw new MalformedFrameException(e.getMessage());
        } catch (RuntimeException e) {
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
