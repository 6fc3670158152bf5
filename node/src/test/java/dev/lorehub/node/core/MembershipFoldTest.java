package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MembershipFoldTest {
    final DeviceIdentity founder = DeviceIdentity.generate(SeededRandom.of(1));
    final DeviceIdentity writer = DeviceIdentity.generate(SeededRandom.of(2));
    final DeviceIdentity rogue = DeviceIdentity.generate(SeededRandom.of(3));
    final byte[] nonce = new byte[RealmIds.NONCE_LENGTH];
    final RealmId realm = RealmIds.derive(founder.id(), nonce);
    final List<MembershipEvent> events = new ArrayList<>();
    int counter;

    MembershipEvent event(DeviceIdentity author, long hlc, MembershipChange change) {
        MembershipEvent e = new MembershipEvent(EventId.of(new byte[] {(byte) counter++, (byte) hlc}), hlc, author.id(), change);
        events.add(e);
        return e;
    }

    MembershipChange genesis(DeviceIdentity who) {
        return new MembershipChange(MembershipChange.Op.GENESIS, who.id(), Role.ADMIN, who.publicKeys().encode(), 0, List.of(),
            nonce, List.of());
    }

    MembershipChange add(DeviceIdentity who, Role role) {
        return new MembershipChange(MembershipChange.Op.ADD, who.id(), role, who.publicKeys().encode(), 0, List.of(), null,
            List.of());
    }

    MembershipChange remove(DeviceId who) {
        return new MembershipChange(MembershipChange.Op.REMOVE, who, null, null, 0, List.of(), null, List.of());
    }

    @Test
    void onlyTheFounderTheRealmIdWasDerivedFromCanStartIt() {
        MembershipEvent forged = event(rogue, 1, genesis(rogue)); // earlier HLC, wrong author
        event(founder, 5, genesis(founder));
        Membership m = MembershipFold.fold(realm, events);
        assertThat(m.founder()).contains(founder.id());
        assertThat(m.role(rogue.id())).isEmpty();
        assertThat(m.rejected()).containsKey(forged.id());
    }

    @Test
    void onlyAdminsChangeMembershipAndTheLastAdminStays() {
        event(founder, 1, genesis(founder));
        event(founder, 2, add(writer, Role.WRITE));
        MembershipEvent byWriter = event(writer, 3, add(rogue, Role.ADMIN));
        MembershipEvent lastAdmin = event(founder, 4, remove(founder.id()));
        Membership m = MembershipFold.fold(realm, events);
        assertThat(m.role(writer.id())).contains(Role.WRITE);
        assertThat(m.role(rogue.id())).isEmpty();
        assertThat(m.rejected()).containsKeys(byWriter.id(), lastAdmin.id());
        assertThat(m.role(founder.id())).contains(Role.ADMIN);
    }

    @Test
    void writeRightsFollowTheTimelineInHlcOrder() {
        event(founder, 10, genesis(founder));
        event(founder, 20, add(writer, Role.WRITE));
        event(founder, 40, remove(writer.id()));
        Membership m = MembershipFold.fold(realm, events);
        EventId any = EventId.of(new byte[] {42});
        assertThat(m.canWriteAt(writer.id(), 15, any)).isFalse();
        assertThat(m.canWriteAt(writer.id(), 30, any)).isTrue();
        assertThat(m.canWriteAt(writer.id(), 50, any)).isFalse();
        assertThat(m.everMember(writer.id())).isTrue();
        assertThat(m.everMember(rogue.id())).isFalse();
    }

    @Test
    void theFoldIgnoresArrivalOrder() {
        event(founder, 10, genesis(founder));
        event(founder, 20, add(writer, Role.WRITE));
        event(founder, 30, new MembershipChange(MembershipChange.Op.SET_ROLE, writer.id(), Role.READ, null, 0, List.of(), null,
            List.of()));
        event(founder, 40, add(rogue, Role.RELAY));
        Membership expected = MembershipFold.fold(realm, events);
        for (int seed = 0; seed < 20; seed++) {
            List<MembershipEvent> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new java.util.Random(seed));
            Membership m = MembershipFold.fold(realm, shuffled);
            assertThat(m.members().keySet()).isEqualTo(expected.members().keySet());
            assertThat(m.role(writer.id())).contains(Role.READ);
            assertThat(m.role(rogue.id())).contains(Role.RELAY);
        }
    }
}
