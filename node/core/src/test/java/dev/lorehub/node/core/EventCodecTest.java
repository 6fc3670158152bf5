package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();
    /** Writes bodies as releases before issue 17 did: the layouts pinned below are of uncompressed bodies. */
    private final EventCodec plain = new EventCodec(EventCodec.Options.PLAIN);

    static EntityChange sampleChange() {
        TreeMap<Field, Object> values = new TreeMap<>();
        values.put(Field.CONTENT, "Use retries");
        values.put(Field.WHY, null);
        values.put(Field.CONFIDENCE, 90L);
        TreeMap<Field, SetDelta> sets = new TreeMap<>();
        sets.put(Field.SIGILS, new SetDelta(new TreeSet<>(Set.of("api")), new TreeSet<>(Set.of("old"))));
        byte[] parent = new byte[32];
        parent[31] = 7;
        byte[] head = new byte[32];
        head[31] = 9;
        byte[] prev = new byte[32];
        prev[31] = 8;
        return new EntityChange(EntityKind.LORE, "5f0c7a4e-1d2b-4c3a-9e8f-0a1b2c3d4e5f", false,
            List.of(EventId.fromBytes(parent)), values, sets,
            new Causality(List.of(EventId.fromBytes(head)), 5, EventId.fromBytes(prev)));
    }

    static MembershipChange sampleMembership() {
        byte[] id = new byte[32];
        id[0] = 1;
        byte[] head = new byte[32];
        head[31] = 9;
        byte[] frontier = new byte[32];
        frontier[31] = 6;
        return new MembershipChange(MembershipChange.Op.SET_ROLE, DeviceId.fromBytes(id), Role.READ, null, 3, List.of(),
            null, EventId.fromBytes(frontier), new Causality(List.of(EventId.fromBytes(head)), 1, null));
    }

    /** The encoding is part of every event id: it must never change by accident. */
    /** Format 1 (before causal authority), as the previous release wrote it. */
    static final String LEGACY_ENTITY_HEX = "16" + "01" + "02" + "24"
        + "35663063376134652d316432622d346333612d396538662d306131623263336434653566" + "00"
        + "01" + "0000000000000000000000000000000000000000000000000000000000000007"
        + "03" + "01010b557365207265747269657302" + "00" + "0402b401"
        + "01" + "0a" + "0103617069" + "01036f6c64";
    static final String LEGACY_MEMBERSHIP_HEX = "17" + "01" + "03" + "01"
        + "0100000000000000000000000000000000000000000000000000000000000000" + "01" + "00" + "03" + "00" + "00" + "00";

    @Test
    void entityChangeBytesArePinned() {
        assertThat(HexFormat.of().formatHex(plain.encode(sampleChange()))).isEqualTo(
            // class 20+2, format 2, kind LORE, id, not deleted, 1 parent (…07), 3 assignments
            // (content "Use retries", why null, confidence zigzag 90), 1 set change (sigils +api -old),
            // causality: 1 membership head (…09), seq zigzag 5, previous event present (…08)
            "16" + "02" + "02" + "24" + "35663063376134652d316432622d346333612d396538662d306131623263336434653566" + "00"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000007"
                + "03" + "01010b557365207265747269657302" + "00" + "0402b401"
                + "01" + "0a" + "0103617069" + "01036f6c64"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000009" + "0a"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000008");
    }

    @Test
    void membershipChangeBytesArePinned() {
        assertThat(HexFormat.of().formatHex(plain.encode(sampleMembership()))).isEqualTo(
            // class 21+2, format 2, SET_ROLE, subject present + 32 bytes, role READ, no keys, epoch 3,
            // no wrapped keys, no nonce, causality: 1 parent (…09), seq zigzag 1, no previous; frontier (…06)
            "17" + "02" + "03" + "01" + "0100000000000000000000000000000000000000000000000000000000000000"
                + "01" + "00" + "03" + "00" + "00"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000009" + "02" + "00"
                + "01" + "0000000000000000000000000000000000000000000000000000000000000006");
    }

    @Test
    void bodiesOfThePreviousFormatStillDecodeAsLegacy() {
        EntityChange legacy = (EntityChange) codec.decode(HexFormat.of().parseHex(LEGACY_ENTITY_HEX));
        assertThat(legacy.causality()).isEqualTo(Causality.LEGACY);
        assertThat(legacy.assignments()).isEqualTo(sampleChange().assignments());
        MembershipChange m = (MembershipChange) codec.decode(HexFormat.of().parseHex(LEGACY_MEMBERSHIP_HEX));
        assertThat(m.causality().legacy()).isTrue();
        assertThat(m.role()).isEqualTo(Role.READ);
    }

    @Test
    void anUnstampedBodyIsNeverEncoded() {
        EntityChange c = sampleChange();
        EntityChange unstamped = new EntityChange(c.kind(), c.entityId(), false, c.parents(), c.assignments(), c.sets());
        assertThatThrownBy(() -> codec.encode(unstamped)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTrips() {
        EntityChange c = sampleChange();
        assertThat(codec.decode(codec.encode(c))).isEqualTo(c);
        MembershipChange m = sampleMembership();
        MembershipChange back = (MembershipChange) codec.decode(codec.encode(m));
        assertThat(back.subject()).isEqualTo(m.subject());
        assertThat(back.role()).isEqualTo(Role.READ);
        assertThat(back.epoch()).isEqualTo(3);
        assertThat(back.causality()).isEqualTo(m.causality());
        assertThat(back.frontier()).isEqualTo(m.frontier());
    }

    @Test
    void anUnregisteredClassIdIsAnErrorNotAnInstantiation() {
        // class id 12 (registration id 10) is not registered
        assertThatThrownBy(() -> codec.decode(new byte[] {12, 1}))
            .isInstanceOf(EventFormatException.class);
        // a registered primitive (String, id 3 → byte 5) is still not an event
        assertThatThrownBy(() -> codec.decode(new byte[] {5, (byte) 0x81, 'x'}))
            .isInstanceOf(EventFormatException.class).hasMessageContaining("not an event");
    }

    @Test
    void anUnknownFormatNamesTheUpgrade() {
        byte[] bytes = plain.encode(sampleChange());
        bytes[1] = 9;
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(EventFormatException.class)
            .hasMessageContaining("unknown event body format 9").hasMessageContaining("upgrade");
    }

    @Test
    void aHugeLengthPrefixAllocatesNothing() {
        byte[] bytes = {22, 1, 2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(EventFormatException.class)
            .hasMessageContaining("exceeds");
    }

    @Property(tries = 2000)
    void truncatedOrMutatedBodiesFailOnlyWithTheTypedError(@ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] bytes = rnd.nextBoolean() ? codec.encode(sampleChange()) : codec.encode(sampleMembership());
        byte[] mutated = java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length + 1));
        for (int i = 0; i < 3 && mutated.length > 0; i++) {
            mutated[rnd.nextInt(mutated.length)] = (byte) rnd.nextInt(256);
        }
        try {
            codec.decode(mutated);
        } catch (EventFormatException expected) {
            // the only acceptable failure
        }
    }

    @Test
    void decodedBodiesAreValidated() {
        Map<Field, Object> wrongType = Map.of(Field.CONFIDENCE, "high");
        assertThatThrownBy(() -> new EntityChange(EntityKind.LORE, "x", false, List.of(), new TreeMap<>(wrongType),
            new TreeMap<>())).isInstanceOf(IllegalArgumentException.class);
    }
}
