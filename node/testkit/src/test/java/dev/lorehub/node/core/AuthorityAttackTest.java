package dev.lorehub.node.core;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacks of the authority issue, each by a paired device that was once trusted, played
 * against real replicas on real SQLite files: the forged events are signed with the attacker's
 * real key and, where it still holds one, an old realm key. Each is refused (or kept without
 * effect) with a typed reason that the record of refusals shows, while honest devices keep
 * syncing.
 */
class AuthorityAttackTest extends NodesFixture {
    TestNode founder;
    TestNode honest;
    TestNode attacker;
    RealmId realm;
    String founderRealm;

    @BeforeEach
    void aRealmWithAnHonestMemberAndOneThatWillTurn() throws Exception {
        founder = node("founder", 1);
        honest = node("honest", 2);
        attacker = node("attacker", 3);
        founderRealm = founder.lh.addRealm("api", "/f/api");
        founder.lh.addLore(founderRealm, "the first lore");
        founder.replica.captureLocalChanges(tick());
        realm = founder.replica.shareRealm(founderRealm, tick());
        founder.replica.addMember(realm, honest.replica.publicKeys(), Role.WRITE, tick());
        join(honest, "/h/api");
    }

    /** n learns of the realm, joins it and syncs its data with the founder. */
    void join(TestNode n, String path) {
        Pipe.connect(founder, n, tick());
        n.replica.mapRealm(realm, path, tick());
        Pipe.connect(founder, n, tick());
    }

    /** Seals a body as {@code author} would, placed in the causal history it claims. */
    static byte[] forge(DeviceIdentity author, RealmId realm, EventBody body, long hlc, EpochKey key) {
        boolean encrypted = key != null;
        return SealedEnvelope.seal(new EnvelopeHeader(realm, encrypted ? key.epoch() : 0, hlc, encrypted),
            new EventCodec().encode(body), key, author, SeededRandom.of(hlc));
    }

    static EntityChange newLore(String id, String content, Causality causality) {
        return new EntityChange(EntityKind.LORE, id, false, List.of(),
            new TreeMap<>(Map.of(Field.CONTENT, content, Field.TYPE, "wisdom", Field.ORIGIN, "{\"type\":\"manual\"}")),
            new TreeMap<>(), causality);
    }

    long refusals(TestNode n, RejectReason reason) throws Exception {
        return n.replica.events().refusals().stream().filter(r -> r.reason().equals(reason.name()))
            .mapToLong(LogRows.RefusalRow::count).sum();
    }

    @Test
    void aRevokedAdminCannotBackdateARemovalOfTheFounderOrTakeTheRealm() throws Exception {
        founder.replica.addMember(realm, attacker.replica.publicKeys(), Role.ADMIN, tick());
        join(attacker, "/x/api");
        List<EventId> headsItKnew = attacker.replica.membership(realm).heads();
        long lastSeen = attacker.replica.membership(realm).maxHlc(headsItKnew);
        founder.replica.removeMember(realm, attacker.id(), tick());
        Pipe.connect(founder, honest, tick());
        // the revoked admin signs "remove the founder" and "add my puppet as admin", stamped just
        // after the last event it saw, citing the membership it had then
        DeviceIdentity puppet = DeviceIdentity.generate(SeededRandom.of(77));
        MembershipChange removeFounder = new MembershipChange(MembershipChange.Op.REMOVE, founder.id(), null, null, 0,
            List.of(), null, null, new Causality(headsItKnew, 40, EventId.of(new byte[] {1})));
        MembershipChange addPuppet = new MembershipChange(MembershipChange.Op.ADD, puppet.id(), Role.ADMIN,
            puppet.publicKeys().encode(), 0, List.of(), null, null, new Causality(headsItKnew, 41, EventId.of(new byte[] {2})));
        List<byte[]> forged = List.of(forge(attacker.identity, realm, removeFounder, lastSeen + 1, null),
            forge(attacker.identity, realm, addPuppet, lastSeen + 2, null));
        for (TestNode victim : List.of(founder, honest)) {
            IngestResult r = victim.replica.ingest(forged, tick(), "attacker");
            assertThat(r.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.UNAUTHORIZED);
            Membership m = victim.replica.membership(realm);
            assertThat(m.role(founder.id())).contains(Role.ADMIN);
            assertThat(m.role(attacker.id())).isEmpty();
            assertThat(m.role(puppet.id())).isEmpty(); // admitted (it was valid in its past) but voided
        }
        assertThat(refusals(honest, RejectReason.UNAUTHORIZED)).isEqualTo(1);
        // the founder's later changes still count everywhere
        founder.replica.setRole(realm, honest.id(), Role.READ, tick());
        Pipe.connect(founder, honest, tick());
        assertThat(honest.replica.membership(realm).role(honest.id())).contains(Role.READ);
    }

    @Test
    void aRevokedWritersBackdatedLoreIsAppliedNowhereButWhatItWroteBeforeStays() throws Exception {
        founder.replica.addMember(realm, attacker.replica.publicKeys(), Role.WRITE, tick());
        join(attacker, "/x/api");
        String attackerRealm = attacker.lh.queryString("SELECT id FROM realms");
        attacker.lh.addLore(attackerRealm, "written before the removal");
        attacker.replica.captureLocalChanges(tick());
        Pipe.connect(founder, attacker, tick()); // the founder sees it, then removes the writer
        EpochKey oldKey = attacker.replica.keyring(realm).orElseThrow().current();
        List<EventId> heads = attacker.replica.membership(realm).heads();
        LogRows.ChainLink tip = attacker.replica.events().chainTip(realm, attacker.id()).orElseThrow();
        founder.replica.removeMember(realm, attacker.id(), tick());
        Pipe.connect(founder, honest, tick());
        assertThat(honest.lh.queryString("SELECT count(*) FROM lores WHERE content = 'written before the removal'"))
            .isEqualTo("1");
        // forged after the removal under the old key, backdated, extending its own chain ...
        byte[] extending = forge(attacker.identity, realm, newLore("00000000-0000-4000-8000-0000000000a1", "backdated",
            new Causality(heads, tip.seq() + 1, tip.id())), founder.replica.clockValue() - 500_000, oldKey);
        // ... and one forking its chain to claim an earlier place
        byte[] forking = forge(attacker.identity, realm, newLore("00000000-0000-4000-8000-0000000000a2", "forked",
            new Causality(heads, 1, null)), founder.replica.clockValue() - 400_000, oldKey);
        for (TestNode victim : List.of(founder, honest)) {
            victim.replica.ingest(List.of(extending, forking), tick(), "attacker");
            assertThat(victim.lh.queryString("SELECT count(*) FROM lores WHERE content IN ('backdated', 'forked')"))
                .isEqualTo("0");
            assertThat(victim.lh.queryString("SELECT count(*) FROM lores WHERE content = 'written before the removal'"))
                .isEqualTo("1");
        }
        assertThat(honest.digest()).isEqualTo(founder.digest());
    }

    @Test
    void farFutureStampsAreHeldAndNeverDragTheClock() throws Exception {
        List<EventId> heads = honest.replica.membership(realm).heads();
        EpochKey key = honest.replica.keyring(realm).orElseThrow().current();
        long fiveYears = 5L * 365 * 24 * 3_600_000L;
        byte[] future = forge(honest.identity, realm, newLore("00000000-0000-4000-8000-0000000000b1", "from the future",
            new Causality(heads, 1, null)), (now + fiveYears) << HybridClock.LOGICAL_BITS, key);
        IngestResult r = founder.replica.ingest(List.of(future), tick(), "honest");
        assertThat(r.held()).isEqualTo(1);
        assertThat(r.stored()).isEmpty();
        assertThat(HybridClock.millis(founder.replica.clockValue())).isLessThan(now + HybridClock.MAX_FORWARD_MILLIS);
        assertThat(founder.replica.events().heldCounts()).extracting(LogRows.HeldCount::reason).containsExactly("FUTURE");
        assertThat(founder.lh.queryString("SELECT count(*) FROM lores WHERE content = 'from the future'")).isEqualTo("0");
        // not forwarded: held events are in no reconciliation set
        assertThat(founder.replica.keys(realm)).extracting(StoredKey::id).doesNotContain(EventId.of(future));
        // a second copy is a duplicate, not a second hold
        assertThat(founder.replica.ingest(List.of(future), tick(), "honest").duplicates()).isEqualTo(1);
    }

    @Test
    void aWriterOfOneRealmCannotHijackALoreOfAnotherByItsId() throws Exception {
        // the founder has a second realm Y with a lore; the attacker is a writer of realm X only
        String yLocal = founder.lh.addRealm("secret", "/f/secret");
        String victimLore = founder.lh.addLore(yLocal, "a secret of realm Y");
        founder.replica.captureLocalChanges(tick());
        founder.replica.shareRealm(yLocal, tick());
        founder.replica.addMember(realm, attacker.replica.publicKeys(), Role.WRITE, tick());
        join(attacker, "/x/api");
        byte[] hijack = forge(attacker.identity, realm, newLore(victimLore, "overwritten from realm X",
            new Causality(attacker.replica.membership(realm).heads(), 1, null)), founder.replica.clockValue() + 10,
            attacker.replica.keyring(realm).orElseThrow().current());
        IngestResult r = founder.replica.ingest(List.of(hijack), tick(), "attacker");
        assertThat(r.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.CROSS_REALM);
        assertThat(founder.lh.queryString("SELECT content FROM lores WHERE id = ?", victimLore)).isEqualTo("a secret of realm Y");
        assertThat(founder.lh.queryString("SELECT realm_id FROM lores WHERE id = ?", victimLore)).isEqualTo(yLocal);
        // the victim's next edit flows to realm Y only
        founder.lh.updateLoreContent(victimLore, "still a secret");
        List<StoredKey> written = founder.replica.captureLocalChanges(tick());
        assertThat(written).extracting(StoredKey::realm).doesNotContain(realm);
        assertThat(refusals(founder, RejectReason.CROSS_REALM)).isEqualTo(1);
    }

    @Test
    void aFloodOfMembershipEventsFromAStrangerKeyIsNeitherStoredNorHeld() throws Exception {
        DeviceIdentity stranger = DeviceIdentity.generate(SeededRandom.of(66));
        List<EventId> heads = founder.replica.membership(realm).heads();
        List<byte[]> junk = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            MembershipChange c = new MembershipChange(MembershipChange.Op.ADD, stranger.id(), Role.ADMIN,
                stranger.publicKeys().encode(), 0, List.of(), null, null, new Causality(heads, i + 1,
                i == 0 ? null : EventId.of(new byte[] {(byte) i})));
            junk.add(forge(stranger, realm, c, founder.replica.clockValue() + 10 + i, null));
        }
        long before = founder.replica.events().count(realm);
        IngestResult r = founder.replica.ingest(junk, tick(), "honest");
        assertThat(r.rejected()).hasSize(500).allSatisfy(x -> assertThat(x.reason()).isEqualTo(RejectReason.UNAUTHORIZED));
        assertThat(founder.replica.events().count(realm)).isEqualTo(before);
        assertThat(founder.replica.events().heldCounts()).isEmpty();
        assertThat(refusals(founder, RejectReason.UNAUTHORIZED)).isEqualTo(500);
    }

    @Test
    void aRealmAPeerNamesIsOnlyAnInvitationAndIsNeverMappedOntoAnUnsharedProjectUnasked() throws Exception {
        // the peer shares a realm whose git remote matches a project the victim never shared
        String peerRealm = attacker.lh.addRealm("api", "/x/api", "git@example.org:team/api.git");
        attacker.lh.addLore(peerRealm, "lure");
        attacker.replica.captureLocalChanges(tick());
        RealmId offered = attacker.replica.shareRealm(peerRealm, tick());
        attacker.replica.addMember(offered, honest.replica.publicKeys(), Role.WRITE, tick());
        String unshared = honest.lh.addRealm("api", "/h/private-api", "https://example.org/team/api");
        honest.lh.addLore(unshared, "private notes");
        honest.replica.captureLocalChanges(tick());
        Pipe.connect(attacker, honest, tick());
        assertThat(honest.replica.invitations()).extracting(Replica.Invitation::realm).containsExactly(offered);
        assertThat(honest.lh.queryString("SELECT count(*) FROM lores WHERE content = 'lure'")).isEqualTo("0");
        assertThat(honest.replica.autoMapByGitRemote(tick(), f -> false)).isEmpty(); // auto-join is opt-in
        Pipe.connect(attacker, honest, tick());
        assertThat(attacker.lh.queryString("SELECT count(*) FROM lores WHERE content = 'private notes'")).isEqualTo("0");
        // a realm named without any grant to this device is not shown, and is forgotten after the grace period
        String other = attacker.lh.addRealm("bait", "/x/bait");
        RealmId noGrant = attacker.replica.shareRealm(other, tick());
        honest.replica.acceptInvitation(noGrant, attacker.id(), attacker.id(), now);
        assertThat(honest.replica.invitations()).extracting(Replica.Invitation::realm).doesNotContain(noGrant);
        honest.replica.pruneInvitations(now + Replica.INVITATION_GRACE_MILLIS + 1);
        assertThat(honest.replica.realms()).doesNotContainKey(noGrant).containsKey(offered);
    }
}
