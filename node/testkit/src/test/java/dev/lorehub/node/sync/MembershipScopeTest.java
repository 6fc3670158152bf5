package dev.lorehub.node.sync;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.IngestResult;
import dev.lorehub.node.core.Rejection;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredKey;
import dev.lorehub.node.core.StoredEvent;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Membership scope (issue 11): a device that has not joined a realm, or was removed from it, gets
 * the realm's membership events (and an invitee its name) but no data, and cannot push or ask for
 * data through that realm. Real node cores (SQLite), real sessions, an in-memory pipe.
 */
class MembershipScopeTest extends NodesFixture {
    TestNode a;
    TestNode b;
    RealmId realm;
    String aLocal;

    @BeforeEach
    void aFoundsARealmWithLoresAndGrantsB() throws Exception {
        a = node("a", 1);
        b = node("b", 2);
        aLocal = a.lh.addRealm("api", "/home/ann/api");
        for (int i = 0; i < 20; i++) {
            a.lh.addLore(aLocal, "lore number " + i + " about the api");
        }
        a.replica.captureLocalChanges(tick());
        realm = a.replica.shareRealm(aLocal, tick());
        a.replica.addMember(realm, b.replica.publicKeys(), Role.WRITE, tick());
    }

    /** A store that records what its node was sent and refused: a fake decorator over the real one. */
    static final class Recording implements SyncStore {
        final SyncStore inner;
        final Set<EventId> received = new HashSet<>();
        final List<Rejection> rejected = new ArrayList<>();

        Recording(SyncStore inner) {
            this.inner = inner;
        }

        @Override
        public DeviceId self() {
            return inner.self();
        }

        @Override
        public List<RealmOffer> offersFor(DeviceId peer) {
            return inner.offersFor(peer);
        }

        @Override
        public List<RealmOffer> membershipOffersFor(DeviceId peer) {
            return inner.membershipOffersFor(peer);
        }

        @Override
        public RealmScope scope(DeviceId peer, RealmId realm) {
            return inner.scope(peer, realm);
        }

        @Override
        public boolean accept(DeviceId peer, RealmId realm, DeviceId founder, long now) {
            return inner.accept(peer, realm, founder, now);
        }

        @Override
        public boolean acceptMembershipOnly(DeviceId peer, RealmId realm, DeviceId founder, long now) {
            return inner.acceptMembershipOnly(peer, realm, founder, now);
        }

        @Override
        public boolean joined(RealmId realm) {
            return inner.joined(realm);
        }

        @Override
        public Reconciliation initiate(RealmId realm) {
            return inner.initiate(realm);
        }

        @Override
        public Reconciliation respond(RealmId realm) {
            return inner.respond(realm);
        }

        @Override
        public Reconciliation initiateMembership(RealmId realm) {
            return inner.initiateMembership(realm);
        }

        @Override
        public Reconciliation respondMembership(RealmId realm) {
            return inner.respondMembership(realm);
        }

        @Override
        public Set<EventId> membershipEvents(RealmId realm) {
            return inner.membershipEvents(realm);
        }

        @Override
        public List<SyncMessage.Key> invitationEvents(DeviceId peer, RealmId realm) {
            return inner.invitationEvents(peer, realm);
        }

        @Override
        public boolean has(EventId id) {
            return inner.has(id);
        }

        @Override
        public Optional<byte[]> sealed(EventId id) {
            return inner.sealed(id);
        }

        @Override
        public Optional<byte[]> sealed(RealmId realm, EventId id) {
            return inner.sealed(realm, id);
        }

        @Override
        public IngestResult ingest(DeviceId peer, List<byte[]> events, long now) {
            for (byte[] e : events) {
                received.add(EventId.of(e));
            }
            IngestResult r = inner.ingest(peer, events, now);
            rejected.addAll(r.rejected());
            return r;
        }
    }

    /** Runs one session, {@code dialer} dialing {@code other}, each through its store. */
    static SyncSession[] connect(SyncStore dialer, DeviceId dialerId, SyncStore other, DeviceId otherId, long now) {
        SyncSession s1 = new SyncSession(dialer, SessionConfig.defaults(), true, otherId);
        SyncSession s2 = new SyncSession(other, SessionConfig.defaults(), false, dialerId);
        s1.start(now);
        s2.start(now);
        Pipe.run(s1, s2, now);
        return new SyncSession[] {s1, s2};
    }

    Set<EventId> dataEventsOf(TestNode n, RealmId r) throws Exception {
        Set<EventId> membership = n.replica.membershipEventIds(r);
        Set<EventId> out = new HashSet<>();
        for (StoredEvent e : n.replica.events().page(r, 0, 100_000)) {
            EventId id = e.id();
            if (!membership.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    long notJoinedRefusals(TestNode n) throws Exception {
        long count = 0;
        for (LogRows.RefusalRow row : n.replica.events().refusals()) {
            if (row.reason().equals("NOT_JOINED")) {
                count += row.count();
            }
        }
        return count;
    }

    // ------------------------------------------------------------------ (a) the invitee

    @ParameterizedTest(name = "invitee dials: {0}")
    @ValueSource(booleans = {true, false})
    void anInviteeGetsMembershipAndTheRealmNameOnlyUntilItJoinsThenEverything(boolean inviteeDials) throws Exception {
        Set<EventId> data = dataEventsOf(a, realm);
        Recording bStore = new Recording(b.store);

        SyncSession[] s = inviteeDials ? connect(bStore, b.id(), a.store, a.id(), tick())
            : connect(a.store, a.id(), bStore, b.id(), tick());

        assertThat(s[0].closeReason()).isNull();
        assertThat(s[1].closeReason()).isNull();
        assertThat(b.replica.invitations()).extracting(i -> i.realm()).containsExactly(realm);
        assertThat(b.replica.invitations().get(0).name()).isEqualTo("api"); // the invitation shows its name
        assertThat(b.replica.membership(realm).members()).containsKey(b.id());
        Set<EventId> realmName = new HashSet<>();
        for (SyncMessage.Key k : a.store.invitationEvents(b.id(), realm)) {
            realmName.add(EventId.fromBytes(k.id()));
        }
        Set<EventId> sentData = new HashSet<>(bStore.received);
        sentData.retainAll(data);
        sentData.removeAll(realmName);
        assertThat(sentData).as("data events sent to a device that has not joined").isEmpty();
        assertThat(bStore.rejected).as("refusals at the invitee").isEmpty();
        assertThat(notJoinedRefusals(b)).isZero();

        b.replica.mapRealm(realm, "/home/bob/api", tick());
        SyncSession[] after = inviteeDials ? connect(b.store, b.id(), a.store, a.id(), tick())
            : connect(a.store, a.id(), b.store, b.id(), tick());

        assertThat(after[0].closeReason()).isNull();
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("20");
        assertThat(b.digest()).isEqualTo(a.digest());
        assertThat(notJoinedRefusals(b)).isZero();
    }

    // ------------------------------------------------------------------ (b) the removed device

    /** B joins and syncs, goes away; A removes B and writes more; B comes back. */
    Set<EventId> bIsRemovedWhileAwayAndAWritesOn() throws Exception {
        Pipe.connect(a, b, tick());
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        Pipe.connect(a, b, tick());
        assertThat(b.lh.queryString("SELECT count(*) FROM lores")).isEqualTo("20");
        Set<EventId> before = new HashSet<>();
        for (StoredEvent e : a.replica.events().page(realm, 0, 100_000)) {
            before.add(e.id());
        }
        a.replica.removeMember(realm, b.id(), tick());
        for (int i = 0; i < 5; i++) {
            a.lh.addLore(aLocal, "written after b was removed " + i);
        }
        a.replica.captureLocalChanges(tick());
        Set<EventId> after = dataEventsOf(a, realm);
        after.removeAll(before);
        assertThat(after).hasSizeGreaterThanOrEqualTo(5);
        assertThat(b.replica.membership(realm).members()).containsKey(b.id()); // b does not know yet
        return after;
    }

    @ParameterizedTest(name = "removed device dials: {0}")
    @ValueSource(booleans = {true, false})
    void aRemovedDeviceLearnsItsRemovalAndGetsNothingWrittenAfterIt(boolean removedDials) throws Exception {
        Set<EventId> writtenAfter = bIsRemovedWhileAwayAndAWritesOn();
        Recording bStore = new Recording(b.store);

        SyncSession[] s = removedDials ? connect(bStore, b.id(), a.store, a.id(), tick())
            : connect(a.store, a.id(), bStore, b.id(), tick());

        assertThat(s[0].closeReason()).isNull();
        assertThat(b.replica.membership(realm).members()).as("b's view of the members").doesNotContainKey(b.id());
        assertThat(bStore.received).as("events written after the removal").doesNotContainAnyElementsOf(writtenAfter);
        assertThat(bStore.received).allMatch(id -> a.replica.membershipEventIds(realm).contains(id));
        assertThat(b.replica.whyNotWritable(b.lh.queryString("SELECT id FROM realms"))).get().asString()
            .contains("not a member");

        // b writes on locally anyway: it is kept unsynced, and nothing of it reaches a
        long aEvents = a.replica.events().count(realm);
        b.lh.addLore(b.lh.queryString("SELECT id FROM realms"), "b writes after its removal");
        b.replica.captureLocalChanges(tick());
        SyncSession[] again = removedDials ? connect(b.store, b.id(), a.store, a.id(), tick())
            : connect(a.store, a.id(), b.store, b.id(), tick());
        assertThat(again[0].closeReason()).isNull();
        assertThat(a.replica.events().count(realm)).isEqualTo(aEvents);
    }

    @Test
    void aDeviceRemovedWhileItsSessionIsOpenGetsTheRemovalLiveButNoDataWrittenAfterIt() throws Exception {
        Pipe.connect(a, b, tick());
        b.replica.mapRealm(realm, "/home/bob/api", tick());
        Recording bStore = new Recording(b.store);
        SyncSession[] s = connect(a.store, a.id(), bStore, b.id(), tick());
        assertThat(s[0].progress()).singleElement().satisfies(p -> assertThat(p.scope()).isEqualTo(RealmScope.FULL));
        List<StoredKey> stored = new ArrayList<>();
        a.replica.addListener(stored::addAll);
        bStore.received.clear();

        a.replica.removeMember(realm, b.id(), tick());
        for (int i = 0; i < 3; i++) {
            a.lh.addLore(aLocal, "written after b was removed " + i);
        }
        a.replica.captureLocalChanges(tick());
        assertThat(stored).anyMatch(StoredKey::membership).anyMatch(k -> !k.membership());
        s[0].onLocalChange(stored, tick()); // what the driver does after each write
        // b, not knowing yet, asks for the new data too
        List<byte[]> data = stored.stream().filter(k -> !k.membership()).map(k -> k.id().toBytes()).toList();
        s[0].onFrame(new SyncCodec().encode(new SyncMessage.Want(realm, data)), now);
        Pipe.run(s[0], s[1], now);

        assertThat(s[0].closeReason()).isNull();
        assertThat(b.replica.membership(realm).members()).doesNotContainKey(b.id());
        assertThat(bStore.received).isNotEmpty().allMatch(id -> a.replica.membershipEventIds(realm).contains(id));
    }

    @Test
    void aScopedOpenFromAPeerThatDidNotAnnounceScopesEndsTheSession() throws Exception {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults().withMembershipScope(false), false, a.id());
        sa.start(tick());
        sb.start(now);
        Pipe.run(sa, sb, now);

        sa.onFrame(new SyncCodec().encode(new SyncMessage.ScopedOpen(List.of())), tick());

        assertThat(sa.closeReason()).isEqualTo(CloseReason.PROTOCOL_VIOLATION);
    }

    @Test
    void aSecondScopedOpenOrOneThatWidensEndsTheSession() throws Exception {
        SyncSession sa = openAtA();
        sa.onFrame(new SyncCodec().encode(new SyncMessage.ScopedOpen(List.of())), tick());
        assertThat(sa.closeReason()).isEqualTo(CloseReason.PROTOCOL_VIOLATION);
        assertThat(sa.closeMessage()).contains("second ScopedOpen");

        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), true, a.id());
        SyncSession sa2 = new SyncSession(a.store, SessionConfig.defaults(), false, b.id());
        sb.start(tick());
        sa2.start(now);
        sa2.onFrame(sb.pollFrame(), now); // b's Hello; a answers with its Hello and its ScopedOpen
        sa2.onFrame(new SyncCodec().encode(new SyncMessage.ScopedOpen(List.of(
            new SyncMessage.ScopedRealm(realm, a.id(), RealmScope.FULL, new byte[0])))), now);
        assertThat(sa2.closeReason()).isEqualTo(CloseReason.PROTOCOL_VIOLATION);
        assertThat(sa2.closeMessage()).contains("only narrow");
    }

    @Test
    void whatARemovedDeviceWroteOutsideItsFrontierIsVoidedByCausalAuthorityEvenWhenItArrivesAnotherWay() throws Exception {
        bIsRemovedWhileAwayAndAWritesOn();
        String bLocal = b.lh.queryString("SELECT id FROM realms");
        b.lh.addLore(bLocal, "b writes, not knowing it was removed");
        List<byte[]> written = new ArrayList<>();
        for (StoredKey k : b.replica.captureLocalChanges(tick())) {
            written.add(b.replica.sealed(k.id()).orElseThrow());
        }
        assertThat(written).isNotEmpty();

        // as if relayed by a third device, or read from a remote: no session in the way
        IngestResult result = a.replica.ingest(written, tick(), "relay");

        // a voided event is kept, never applied (so every device holds the same set; see Ingestor)
        for (StoredKey k : result.stored()) {
            assertThat(a.replica.authorized(realm, k.id())).as("voided by the removal").isFalse();
        }
        assertThat(a.lh.queryString("SELECT count(*) FROM lores WHERE content = ?", "b writes, not knowing it was removed"))
            .isEqualTo("0");
    }

    // ------------------------------------------------------------------ (c) a peer that lies about its scope

    /** An open session at A with B, where realm is open membership-only; A dialed. */
    SyncSession openAtA() {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        Pipe.run(sa, sb, now);
        assertThat(sa.isOpen()).isTrue();
        assertThat(sa.progress()).singleElement().satisfies(p -> {
            assertThat(p.realm()).isEqualTo(realm);
            assertThat(p.scope()).isEqualTo(RealmScope.MEMBERSHIP_ONLY);
        });
        return sa;
    }

    @Test
    void aRemovedPeerPushingDataThroughAMembershipOnlyRealmHasNothingStored() throws Exception {
        bIsRemovedWhileAwayAndAWritesOn();
        // b wrote while it still believed it was a member
        b.lh.addLore(b.lh.queryString("SELECT id FROM realms"), "b's lore written before it learned of its removal");
        List<byte[]> pushed = new ArrayList<>();
        for (StoredKey k : b.replica.captureLocalChanges(tick())) {
            pushed.add(b.replica.sealed(k.id()).orElseThrow());
        }
        assertThat(pushed).isNotEmpty();
        SyncSession sa = openAtA();
        long before = a.replica.events().count(realm);

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Events(realm, pushed)), tick());

        // dropped, not stored; not a violation, since an honest push can cross the frame that narrowed the realm
        assertThat(sa.isOpen()).as(String.valueOf(sa.closeMessage())).isTrue();
        assertThat(a.replica.events().count(realm)).isEqualTo(before);
    }

    @Test
    void anInviteeAskingForDataOfARealmItHasOnlyMembershipScopeInGetsNone() throws Exception {
        SyncSession sa = openAtA();
        Set<EventId> data = dataEventsOf(a, realm);
        for (SyncMessage.Key k : a.store.invitationEvents(b.id(), realm)) {
            data.remove(EventId.fromBytes(k.id()));
        }
        List<byte[]> ids = data.stream().limit(3).map(EventId::toBytes).toList();
        assertThat(ids).hasSize(3);

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Want(realm, ids)), tick());

        List<SyncMessage> sent = new ArrayList<>();
        for (byte[] f = sa.pollFrame(); f != null; f = sa.pollFrame()) {
            sent.add(new SyncCodec().decode(f));
        }
        assertThat(sent).noneMatch(m -> m instanceof SyncMessage.Events);
        // not a violation: an honest Want can cross the frame that narrowed the realm (found by the simulator)
        assertThat(sa.isOpen()).isTrue();
    }

    @Test
    void unaskedDataPushedToAnInviteeIsNeitherStoredNorCountedAsNotJoined() throws Exception {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        Pipe.run(sa, sb, now);
        assertThat(sb.progress()).singleElement().satisfies(p -> assertThat(p.scope()).isEqualTo(RealmScope.MEMBERSHIP_ONLY));
        Set<EventId> names = new HashSet<>();
        for (SyncMessage.Key k : a.store.invitationEvents(b.id(), realm)) {
            names.add(EventId.fromBytes(k.id()));
        }
        List<byte[]> pushed = new ArrayList<>();
        for (StoredEvent e : a.replica.events().page(realm, 0, 100_000)) {
            EventId id = e.id();
            if (!names.contains(id) && !a.replica.membershipEventIds(realm).contains(id) && pushed.size() < 3) {
                pushed.add(e.sealed());
            }
        }
        long before = b.replica.events().count(realm);

        sb.onFrame(new SyncCodec().encode(new SyncMessage.Events(realm, pushed)), tick());

        assertThat(sb.isOpen()).as(String.valueOf(sb.closeMessage())).isTrue();
        assertThat(b.replica.events().count(realm)).isEqualTo(before);
        assertThat(notJoinedRefusals(b)).isZero();
    }

    @Test
    void anInviteeMayStillAskForMembershipEvents() throws Exception {
        SyncSession sa = openAtA();
        EventId member = a.replica.membershipEventIds(realm).iterator().next();

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Want(realm, List.of(member.toBytes()))), tick());

        SyncMessage sent = new SyncCodec().decode(sa.pollFrame());
        assertThat(sent).isInstanceOf(SyncMessage.Events.class);
        assertThat(sa.closeReason()).isNull();
    }

    @Test
    void aSessionWithAPeerThatDoesNotSpeakScopesStaysAsBefore() throws Exception {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults().withMembershipScope(false), false, a.id());
        sa.start(tick());
        sb.start(now);
        Pipe.run(sa, sb, now);
        assertThat(sa.closeReason()).isNull();
        assertThat(sa.progress()).singleElement().satisfies(p -> assertThat(p.scope()).isEqualTo(RealmScope.FULL));
        assertThat(b.replica.invitations()).extracting(i -> i.realm()).containsExactly(realm);
    }
}
