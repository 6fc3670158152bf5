package dev.lorehub.node.upgrade;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EntityKind;
import dev.lorehub.node.core.EventCodec;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.MembershipChange;
import dev.lorehub.node.core.MembershipEvent;
import dev.lorehub.node.core.MembershipFold;
import dev.lorehub.node.core.StoredEvent;
import dev.lorehub.node.testing.TestNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever order the membership events of a legacy realm arrive in (the release's own events, a
 * removed admin's backdated forgery, seals of the current format), building incrementally, as the
 * ingest does (events that wait are offered again, refused ones are offered again by peers that
 * hold them), gives the history that folding the whole set gives.
 */
class LegacyOrderTest {
    private static Path dir;
    private static List<MembershipEvent> unsealed;
    private static List<MembershipEvent> withSeal;
    private static RealmId realm;

    @BeforeContainer
    static void events() throws Exception {
        dir = Files.createTempDirectory("legacy-order");
        ReleaseFixture fixture = new ReleaseFixture();
        realm = fixture.realm();
        Path copy = fixture.copyDevice("ann-laptop", dir.resolve("copy"));
        Path home = Files.createDirectories(dir.resolve("a"));
        Files.copy(copy.resolve("lorehub.db"), home.resolve("lorehub.db"));
        Files.copy(copy.resolve("node/realm-keys.json"), home.resolve("keys.json"));
        try (TestNode a = TestNode.reopen("a", dir, DeviceIdentity.load(copy.resolve("node/identity.key")))) {
            unsealed = new ArrayList<>(membership(a));
            unsealed.add(decode(fixture.forged("membership")));
            a.replica.sealLegacy(realm, System.currentTimeMillis());
            withSeal = new ArrayList<>(membership(a));
            withSeal.add(decode(fixture.forged("membership")));
        }
    }

    @AfterContainer
    static void clean() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static List<MembershipEvent> membership(TestNode a) throws Exception {
        List<MembershipEvent> out = new ArrayList<>();
        for (StoredEvent e : a.replica.events().eventsOfKind(realm, EntityKind.MEMBER)) {
            out.add(new MembershipEvent(e.id(), e.hlc(), e.author(),
                (MembershipChange) a.replica.decode(e).orElseThrow()));
        }
        return out;
    }

    private static MembershipEvent decode(byte[] sealed) {
        var opened = SealedEnvelope.open(sealed, (r, e) -> java.util.Optional.empty());
        return new MembershipEvent(EventId.of(sealed), opened.header().timestamp(), opened.author(),
            (MembershipChange) new EventCodec().decode(opened.plaintext()));
    }

    @Property(tries = 40)
    void anyArrivalOrderGivesTheFoldOfTheSet(@ForAll long seed) {
        for (List<MembershipEvent> set : List.of(unsealed, withSeal)) {
            Membership whole = MembershipFold.fold(realm, set);
            List<MembershipEvent> order = new ArrayList<>(set);
            Collections.shuffle(order, new Random(seed));
            Membership m = Membership.empty(realm);
            boolean progress = true;
            for (int round = 0; progress && round < 50; round++) {
                progress = false;
                for (MembershipEvent e : order) {
                    if (m.contains(e.id()) || m.keptLegacy().containsKey(e.id())) {
                        continue;
                    }
                    Membership.Admission a = m.admit(e).admission();
                    progress |= a == Membership.Admission.ADMITTED || a == Membership.Admission.KEPT;
                }
            }
            assertThat(m.members()).isEqualTo(whole.members());
            assertThat(m.heads()).isEqualTo(whole.heads());
            assertThat(m.sealed()).isEqualTo(whole.sealed());
            assertThat(m.legacyChain()).isEqualTo(whole.legacyChain());
            assertThat(m.currentEpoch()).isEqualTo(whole.currentEpoch());
        }
        Membership sealedFold = MembershipFold.fold(realm, withSeal);
        assertThat(sealedFold.sealed()).isTrue();
        assertThat(MembershipFold.fold(realm, unsealed).sealed()).isFalse();
        assertThat(sealedFold.members().size()).as("the forged grant of admin counts only without the seal")
            .isEqualTo(MembershipFold.fold(realm, unsealed).members().size() - 1);
    }
}
