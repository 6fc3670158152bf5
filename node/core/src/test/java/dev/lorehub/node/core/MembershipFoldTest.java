package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The causal membership rules of {@link Membership}: admission in the cited past, seniority,
 * hierarchy, role races, strong removal, and a property test that arrival order changes nothing
 * and that a removed admin cannot win anything by the timestamps or parents it picks.
 */
class MembershipFoldTest {
    static final DeviceIdentity[] DEVICES = new DeviceIdentity[8];

    static {
        for (int i = 0; i < DEVICES.length; i++) {
            DEVICES[i] = DeviceIdentity.generate(SeededRandom.of(100 + i));
        }
    }

    final DeviceIdentity founder = DEVICES[0];
    final DeviceIdentity alice = DEVICES[1];
    final DeviceIdentity bob = DEVICES[2];
    final DeviceIdentity writer = DEVICES[3];
    final DeviceIdentity rogue = DEVICES[4];
    final History h = new History(founder);

    /** Builds membership events with real causality: parents, HLC above them, per-author chains. */
    static final class History {
        final byte[] nonce = new byte[RealmIds.NONCE_LENGTH];
        final RealmId realm;
        final List<MembershipEvent> events = new ArrayList<>();
        final Map<EventId, MembershipEvent> byId = new HashMap<>();
        final Map<DeviceId, EventId> tips = new HashMap<>();
        final Map<DeviceId, Long> seqs = new HashMap<>();
        int counter;

        History(DeviceIdentity founder) {
            realm = RealmIds.derive(founder.id(), nonce);
        }

        MembershipEvent emit(DeviceIdentity author, MembershipChange change, List<EventId> parents) {
            long hlc = 1000;
            for (EventId p : parents) {
                hlc = Math.max(hlc, byId.get(p).hlc() + 1);
            }
            return emit(author, change, parents, hlc);
        }

        MembershipEvent emit(DeviceIdentity author, MembershipChange change, List<EventId> parents, long hlc) {
            long seq = seqs.merge(author.id(), 1L, Long::sum);
            Causality causality = new Causality(parents, seq, seq == 1 ? null : tips.get(author.id()));
            EventId id = EventId.of(ByteBuffer.allocate(8).putInt(counter++).putInt(author.id().hashCode()).array());
            MembershipEvent e = new MembershipEvent(id, hlc, author.id(), change.withCausality(causality));
            tips.put(author.id(), id);
            events.add(e);
            byId.put(id, e);
            return e;
        }

        MembershipChange genesis(DeviceIdentity who) {
            return new MembershipChange(MembershipChange.Op.GENESIS, who.id(), Role.ADMIN, who.publicKeys().encode(), 0,
                List.of(), nonce, null);
        }

        static MembershipChange add(DeviceIdentity who, Role role) {
            return new MembershipChange(MembershipChange.Op.ADD, who.id(), role, who.publicKeys().encode(), 0, List.of(), null,
                null);
        }

        static MembershipChange setRole(DeviceIdentity who, Role role) {
            return new MembershipChange(MembershipChange.Op.SET_ROLE, who.id(), role, null, 0, List.of(), null, null);
        }

        static MembershipChange remove(DeviceIdentity who) {
            return new MembershipChange(MembershipChange.Op.REMOVE, who.id(), null, null, 0, List.of(), null, null);
        }

        Membership fold() {
            return MembershipFold.fold(realm, events);
        }
    }

    static List<EventId> ids(MembershipEvent... events) {
        List<EventId> out = new ArrayList<>();
        for (MembershipEvent e : events) {
            out.add(e.id());
        }
        return out;
    }

    @Test
    void onlyTheFounderTheRealmIdWasDerivedFromCanStartIt() {
        MembershipEvent forged = h.emit(rogue, h.genesis(rogue), List.of());
        h.emit(founder, h.genesis(founder), List.of());
        Membership m = h.fold();
        assertThat(m.founder()).contains(founder.id());
        assertThat(m.role(rogue.id())).isEmpty();
        assertThat(m.rejected()).containsKey(forged.id());
    }

    @Test
    void onlyAdminsChangeMembershipAndTheFounderStays() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent w = h.emit(founder, History.add(writer, Role.WRITE), ids(g));
        MembershipEvent byWriter = h.emit(writer, History.add(rogue, Role.ADMIN), ids(w));
        MembershipEvent selfRemoval = h.emit(founder, History.remove(founder), ids(w));
        Membership m = h.fold();
        assertThat(m.role(writer.id())).contains(Role.WRITE);
        assertThat(m.role(rogue.id())).isEmpty();
        assertThat(m.rejected()).containsKeys(byWriter.id(), selfRemoval.id());
        assertThat(m.rejected().get(byWriter.id())).contains("not an admin");
        assertThat(m.role(founder.id())).contains(Role.ADMIN);
    }

    @Test
    void anEventCitingARefusedOneIsRefusedToo() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent byStranger = h.emit(rogue, History.add(rogue, Role.ADMIN), ids(g));
        MembershipEvent citing = h.emit(founder, History.add(writer, Role.WRITE), ids(g, byStranger));
        Membership m = h.fold();
        assertThat(m.rejected()).containsKeys(byStranger.id(), citing.id());
        assertThat(m.role(writer.id())).isEmpty();
    }

    @Test
    void aRevokedAdminCannotBackdateARemovalOfTheFounderOrOfASeniorAdmin() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent addAlice = h.emit(founder, History.add(alice, Role.ADMIN), ids(g));
        MembershipEvent addBob = h.emit(founder, History.add(bob, Role.ADMIN), ids(addAlice));
        MembershipEvent removeBob = h.emit(founder, History.remove(bob), ids(addBob));
        // bob, removed, signs changes citing the membership it had before its removal, stamped before it
        MembershipEvent rmFounder = h.emit(bob, History.remove(founder), ids(addBob), addBob.hlc() + 1);
        MembershipEvent rmAlice = h.emit(bob, History.remove(alice), ids(addBob), addBob.hlc() + 1);
        MembershipEvent puppet = h.emit(bob, History.add(rogue, Role.ADMIN), ids(addBob), addBob.hlc() + 1);
        MembershipEvent byPuppet = h.emit(rogue, History.add(writer, Role.WRITE), ids(puppet));
        Membership m = h.fold();
        assertThat(m.rejected()).containsKeys(rmFounder.id(), rmAlice.id()); // hierarchy: bob is junior to both
        assertThat(m.voided()).contains(puppet.id(), byPuppet.id()); // concurrent with bob's removal
        assertThat(m.members().keySet()).containsExactlyInAnyOrder(founder.id(), alice.id());
        assertThat(m.role(alice.id())).contains(Role.ADMIN);
        assertThat(rmFounder.hlc()).isLessThanOrEqualTo(removeBob.hlc()); // stamped "before" the removal: bought nothing
    }

    @Test
    void ofTwoAdminsRemovingEachOtherOnlyTheSeniorWinsInAnyOrder() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent addAlice = h.emit(founder, History.add(alice, Role.ADMIN), ids(g));
        MembershipEvent addBob = h.emit(founder, History.add(bob, Role.ADMIN), ids(addAlice));
        MembershipEvent aliceRemovesBob = h.emit(alice, History.remove(bob), ids(addBob));
        MembershipEvent bobRemovesAlice = h.emit(bob, History.remove(alice), ids(addBob), addBob.hlc() + 100);
        for (int seed = 0; seed < 10; seed++) {
            List<MembershipEvent> shuffled = new ArrayList<>(h.events);
            Collections.shuffle(shuffled, new Random(seed));
            Membership m = MembershipFold.fold(h.realm, shuffled);
            assertThat(m.role(alice.id())).contains(Role.ADMIN);
            assertThat(m.role(bob.id())).isEmpty();
            assertThat(m.rejected()).containsKey(bobRemovesAlice.id());
            assertThat(m.contains(aliceRemovesBob.id())).isTrue();
        }
    }

    @Test
    void anAdminsGrantConcurrentWithItsRemovalIsVoidedWithWhatFlowedFromIt() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent addBob = h.emit(founder, History.add(bob, Role.ADMIN), ids(g));
        MembershipEvent removeBob = h.emit(founder, History.remove(bob), ids(addBob));
        MembershipEvent bobAddsRogue = h.emit(bob, History.add(rogue, Role.ADMIN), ids(addBob)); // concurrent
        MembershipEvent rogueAddsWriter = h.emit(rogue, History.add(writer, Role.WRITE), ids(bobAddsRogue));
        MembershipEvent merge = h.emit(founder, History.add(alice, Role.READ), ids(removeBob, rogueAddsWriter));
        Membership m = h.fold();
        assertThat(m.voided()).contains(bobAddsRogue.id(), rogueAddsWriter.id());
        assertThat(m.members().keySet()).containsExactlyInAnyOrder(founder.id(), alice.id());
        assertThat(m.heads()).containsExactly(merge.id());
        // the writer added through the voided grant cannot write, though it could where it wrote
        Membership.WriteAuthority w = m.authorizeWrite(writer.id(), ids(rogueAddsWriter));
        assertThat(w.status()).isEqualTo(Membership.WriteStatus.VOIDED);
    }

    @Test
    void concurrentRoleChangesKeepTheLowerRoleAndALaterChangeOverrides() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent addAlice = h.emit(founder, History.add(alice, Role.ADMIN), ids(g));
        MembershipEvent addW = h.emit(founder, History.add(writer, Role.WRITE), ids(addAlice));
        MembershipEvent toRead = h.emit(founder, History.setRole(writer, Role.READ), ids(addW));
        MembershipEvent toAdmin = h.emit(alice, History.setRole(writer, Role.ADMIN), ids(addW));
        assertThat(h.fold().role(writer.id())).contains(Role.READ);
        h.emit(founder, History.setRole(writer, Role.WRITE), ids(toRead, toAdmin));
        assertThat(h.fold().role(writer.id())).contains(Role.WRITE);
    }

    @Test
    void aRemovalBeatsAConcurrentReAdd() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent addAlice = h.emit(founder, History.add(alice, Role.ADMIN), ids(g));
        MembershipEvent addW = h.emit(founder, History.add(writer, Role.WRITE), ids(addAlice));
        MembershipEvent rm = h.emit(founder, History.remove(writer), ids(addW));
        h.emit(alice, History.setRole(writer, Role.ADMIN), ids(addW));
        assertThat(h.fold().role(writer.id())).isEmpty();
        h.emit(founder, History.add(writer, Role.READ), ids(rm)); // re-added after the removal
        // alice's promotion is still concurrent with the re-add: the lower role of the two
        assertThat(h.fold().role(writer.id())).contains(Role.READ);
    }

    @Test
    void writeAuthorityIsReadFromTheCitedMembershipNeverFromTimestamps() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent addW = h.emit(founder, History.add(writer, Role.WRITE), ids(g));
        MembershipEvent rm = h.emit(founder, History.remove(writer), ids(addW));
        Membership m = h.fold();
        assertThat(m.authorizeWrite(writer.id(), ids(g)).status()).isEqualTo(Membership.WriteStatus.REFUSED);
        assertThat(m.authorizeWrite(writer.id(), ids(rm)).status()).isEqualTo(Membership.WriteStatus.REFUSED);
        Membership.WriteAuthority beforeRemoval = m.authorizeWrite(writer.id(), ids(addW));
        assertThat(beforeRemoval.status()).isEqualTo(Membership.WriteStatus.AUTHORIZED);
        assertThat(beforeRemoval.removals()).extracting(Membership.Restriction::event).containsExactly(rm.id());
        assertThat(m.authorizeWrite(writer.id(), List.of(EventId.of(new byte[] {9}))).status())
            .isEqualTo(Membership.WriteStatus.PENDING);
        assertThat(m.authorizeWrite(founder.id(), ids(rm)).status()).isEqualTo(Membership.WriteStatus.AUTHORIZED);
    }

    @Test
    void membershipChangesMustBeStampedAfterWhatTheyCite() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent early = h.emit(founder, History.add(writer, Role.WRITE), ids(g), g.hlc());
        assertThat(h.fold().rejected()).containsKey(early.id());
    }

    @Test
    void theFoldIgnoresArrivalOrderAndAdmitsIncrementally() {
        MembershipEvent g = h.emit(founder, h.genesis(founder), List.of());
        MembershipEvent w = h.emit(founder, History.add(writer, Role.WRITE), ids(g));
        MembershipEvent r = h.emit(founder, History.setRole(writer, Role.READ), ids(w));
        h.emit(founder, History.add(rogue, Role.RELAY), ids(r));
        Membership expected = h.fold();
        for (int seed = 0; seed < 20; seed++) {
            List<MembershipEvent> shuffled = new ArrayList<>(h.events);
            Collections.shuffle(shuffled, new Random(seed));
            Membership m = MembershipFold.fold(h.realm, shuffled);
            assertThat(m.members().keySet()).isEqualTo(expected.members().keySet());
            assertThat(m.role(writer.id())).contains(Role.READ);
            assertThat(m.role(rogue.id())).contains(Role.RELAY);
        }
        Membership incremental = Membership.empty(h.realm);
        for (MembershipEvent e : h.events) {
            assertThat(incremental.admit(e).admission()).isEqualTo(Membership.Admission.ADMITTED);
        }
        assertThat(incremental.members().keySet()).isEqualTo(expected.members().keySet());
        assertThat(incremental.heads()).isEqualTo(expected.heads());
    }

    // ------------------------------------------------------------------ properties

    /**
     * Random histories: honest admins act on what they have seen (sometimes concurrently, citing
     * an older head); then bob, removed by the founder, and a puppet it tries to mint act on any
     * subset of what bob knew, with any timestamps. Whatever the adversary chose, and in any
     * arrival order, the members are exactly those of the honest history alone.
     */
    @Property(tries = 200)
    void aRemovedAdminWinsNothingByTheStampsOrParentsItPicksAndOrderDoesNotMatter(@ForAll long seed) {
        Random rnd = new Random(seed);
        History hist = new History(founder);
        List<MembershipEvent> honestHeads = new ArrayList<>();
        MembershipEvent g = hist.emit(founder, hist.genesis(founder), List.of());
        MembershipEvent addAlice = hist.emit(founder, History.add(alice, Role.ADMIN), ids(g));
        MembershipEvent addBob = hist.emit(founder, History.add(bob, Role.ADMIN), ids(addAlice));
        honestHeads.add(addBob);
        List<MembershipEvent> bobKnew = new ArrayList<>(List.of(g, addAlice, addBob));
        DeviceIdentity[] others = {writer, DEVICES[5], DEVICES[6]};
        int honestSteps = 2 + rnd.nextInt(5);
        MembershipEvent removal = null;
        for (int i = 0; i < honestSteps; i++) {
            DeviceIdentity author = rnd.nextBoolean() ? founder : alice;
            DeviceIdentity subject = others[rnd.nextInt(others.length)];
            List<EventId> cite = rnd.nextInt(4) == 0 && honestHeads.size() > 1
                ? ids(honestHeads.get(rnd.nextInt(honestHeads.size()))) : ids(honestHeads.toArray(new MembershipEvent[0]));
            Membership now = MembershipFold.fold(hist.realm, hist.events);
            boolean member = now.role(subject.id()).isPresent();
            MembershipChange change = member ? History.setRole(subject, Role.values()[rnd.nextInt(3)]) : History.add(subject,
                Role.values()[rnd.nextInt(3)]);
            MembershipEvent e = hist.emit(author, change, cite);
            honestHeads = headsOf(hist, honestHeads, e);
            if (i == 0) {
                removal = hist.emit(founder, History.remove(bob), ids(honestHeads.toArray(new MembershipEvent[0])));
                honestHeads = headsOf(hist, honestHeads, removal);
            }
        }
        List<MembershipEvent> honest = new ArrayList<>(hist.events);
        Membership expected = MembershipFold.fold(hist.realm, honest);
        // the adversary
        DeviceIdentity puppet = DEVICES[7];
        int forged = 1 + rnd.nextInt(6);
        for (int i = 0; i < forged; i++) {
            List<EventId> cite = new ArrayList<>();
            for (MembershipEvent k : bobKnew) {
                if (rnd.nextInt(3) == 0) {
                    cite.add(k.id());
                }
            }
            if (cite.isEmpty()) {
                cite.add(addBob.id());
            }
            long hlc = rnd.nextBoolean() ? addBob.hlc() + 1 + rnd.nextInt(3) : removal.hlc() + rnd.nextInt(1_000_000);
            long maxParent = cite.stream().mapToLong(id -> hist.byId.get(id).hlc()).max().orElse(0);
            hlc = Math.max(hlc, maxParent + 1);
            MembershipChange change = switch (rnd.nextInt(5)) {
                case 0 -> History.remove(founder);
                case 1 -> History.remove(alice);
                case 2 -> History.add(puppet, Role.ADMIN);
                case 3 -> History.setRole(alice, Role.READ);
                default -> History.add(rogue, Role.WRITE);
            };
            MembershipEvent e = hist.emit(bob, change, cite, hlc);
            bobKnew.add(e);
            if (change.op() == MembershipChange.Op.ADD && change.role() == Role.ADMIN) {
                MembershipEvent p = hist.emit(puppet, History.remove(alice), ids(e));
                bobKnew.add(p);
            }
        }
        List<MembershipEvent> everything = new ArrayList<>(hist.events);
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(everything, rnd);
            Membership m = MembershipFold.fold(hist.realm, everything);
            assertThat(m.members().keySet()).as("members").isEqualTo(expected.members().keySet());
            for (DeviceId d : expected.members().keySet()) {
                assertThat(m.role(d)).as("role of " + d.shortForm()).isEqualTo(expected.role(d));
            }
            assertThat(m.currentEpoch()).isEqualTo(expected.currentEpoch());
        }
    }

    /** Concurrent honest histories (no removals of admins): any arrival order gives one result. */
    @Property(tries = 200)
    void anyArrivalOrderGivesOneMemberSet(@ForAll long seed) {
        Random rnd = new Random(seed);
        History hist = new History(founder);
        MembershipEvent g = hist.emit(founder, hist.genesis(founder), List.of());
        List<MembershipEvent> events = new ArrayList<>(List.of(g));
        hist.emit(founder, History.add(alice, Role.ADMIN), ids(g));
        hist.emit(founder, History.add(bob, Role.ADMIN), ids(hist.events.get(1)));
        for (int i = 0; i < 12; i++) {
            DeviceIdentity author = new DeviceIdentity[] {founder, alice, bob}[rnd.nextInt(3)];
            List<EventId> cite = new ArrayList<>();
            for (MembershipEvent e : hist.events.subList(Math.max(0, hist.events.size() - 3), hist.events.size())) {
                if (rnd.nextBoolean()) {
                    cite.add(e.id());
                }
            }
            if (cite.isEmpty()) {
                cite.add(hist.events.get(hist.events.size() - 1).id());
            }
            DeviceIdentity subject = DEVICES[3 + rnd.nextInt(4)];
            MembershipChange change = switch (rnd.nextInt(4)) {
                case 0 -> History.add(subject, Role.values()[rnd.nextInt(4)]);
                case 1 -> History.setRole(subject, Role.values()[rnd.nextInt(4)]);
                case 2 -> History.remove(subject);
                default -> new MembershipChange(MembershipChange.Op.ROTATE, null, null, null, 1 + rnd.nextInt(50), List.of(),
                    null, null);
            };
            hist.emit(author, change, cite);
        }
        Membership expected = MembershipFold.fold(hist.realm, hist.events);
        List<MembershipEvent> shuffled = new ArrayList<>(hist.events);
        for (int round = 0; round < 4; round++) {
            Collections.shuffle(shuffled, rnd);
            Membership m = MembershipFold.fold(hist.realm, shuffled);
            assertThat(m.members()).as("members").hasSameSizeAs(expected.members());
            for (DeviceId d : expected.members().keySet()) {
                assertThat(m.role(d)).isEqualTo(expected.role(d));
            }
            assertThat(m.currentEpoch()).isEqualTo(expected.currentEpoch());
            assertThat(m.heads()).isEqualTo(expected.heads());
            assertThat(m.voided()).isEqualTo(expected.voided());
            assertThat(m.rejected().keySet()).isEqualTo(expected.rejected().keySet());
        }
        assertThat(events).isNotEmpty();
    }

    private static List<MembershipEvent> headsOf(History hist, List<MembershipEvent> heads, MembershipEvent added) {
        List<MembershipEvent> out = new ArrayList<>();
        for (MembershipEvent e : heads) {
            if (!added.change().parents().contains(e.id())) {
                out.add(e);
            }
        }
        out.add(added);
        return out;
    }
}
