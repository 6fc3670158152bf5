package dev.lorehub.node.sync;

import dev.lorehub.node.testing.NodesFixture;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.core.StoredEvent;
import dev.lorehub.node.testing.Pipe;
import dev.lorehub.node.testing.TestNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session carries the events of the realms open in it, both ways: B, a member of realm X only,
 * can neither push events of another realm through X's session nor read one by asking for its id.
 */
class RealmBoundaryTest extends NodesFixture {
    TestNode a;
    TestNode b;
    RealmId x;

    @BeforeEach
    void aSharesRealmXWithB() throws Exception {
        a = node("a", 1);
        b = node("b", 2);
        x = share(a, "api", 3);
        a.replica.addMember(x, b.replica.publicKeys(), Role.WRITE, tick());
        Pipe.connect(a, b, tick());
        b.replica.mapRealm(x, "/home/bob/api", tick());
    }

    /** A new realm founded by {@code owner} with {@code lores} lores. */
    RealmId share(TestNode owner, String name, int lores) throws Exception {
        String local = owner.lh.addRealm(name, "/home/" + owner.name + "/" + name);
        for (int i = 0; i < lores; i++) {
            owner.lh.addLore(local, name + " lore " + i);
        }
        owner.replica.captureLocalChanges(tick());
        return owner.replica.shareRealm(local, tick());
    }

    /** An open session at A with B (A dialed), and B's side of it. */
    SyncSession[] openSession() {
        SyncSession sa = new SyncSession(a.store, SessionConfig.defaults(), true, b.id());
        SyncSession sb = new SyncSession(b.store, SessionConfig.defaults(), false, a.id());
        sa.start(tick());
        sb.start(now);
        Pipe.run(sa, sb, now);
        assertThat(sa.isOpen()).isTrue();
        assertThat(sa.realms()).containsExactly(x);
        return new SyncSession[] {sa, sb};
    }

    @Test
    void eventsOfAnotherRealmSmuggledInRealmXsFrameEndTheSessionAndNothingIsStored() throws Exception {
        RealmId y = share(b, "secret", 5); // B's own realm; A is no member of it
        List<byte[]> smuggled = new ArrayList<>();
        for (StoredEvent e : b.replica.events().page(y, 0, 1000)) {
            smuggled.add(e.sealed());
        }
        assertThat(smuggled).hasSizeGreaterThan(5);
        long xBefore = a.replica.events().count(x);
        SyncSession sa = openSession()[0];

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Events(x, smuggled)), tick());

        assertThat(sa.closeReason()).isEqualTo(CloseReason.PROTOCOL_VIOLATION);
        assertThat(sa.closeMessage()).contains("realm " + x).contains("realm " + y);
        assertThat(a.replica.events().count(y)).isZero();
        assertThat(a.replica.realms()).doesNotContainKey(y);
        assertThat(a.replica.events().count(x)).isEqualTo(xBefore);
    }

    @Test
    void oneForeignEventAmongRealmXsOwnSpoilsTheWholeFrame() throws Exception {
        RealmId y = share(b, "secret", 1);
        SyncSession sa = openSession()[0];
        String bx = b.lh.queryString("SELECT id FROM realms WHERE path = ?", "/home/bob/api");
        b.lh.addLore(bx, "an honest new lore in x");
        List<byte[]> frame = new ArrayList<>();
        for (var k : b.replica.captureLocalChanges(tick())) {
            frame.add(b.replica.sealed(k.id()).orElseThrow());
        }
        assertThat(frame).isNotEmpty();
        frame.add(b.replica.events().page(y, 0, 1).get(0).sealed());
        long xBefore = a.replica.events().count(x);

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Events(x, frame)), tick());

        assertThat(sa.closeReason()).isEqualTo(CloseReason.PROTOCOL_VIOLATION);
        assertThat(a.replica.events().count(x)).isEqualTo(xBefore);
    }

    @Test
    void aWantForAnotherRealmsEventIdGetsNothing() throws Exception {
        RealmId y = share(a, "private", 3); // A's realm that B is not in
        List<byte[]> yIds = new ArrayList<>();
        for (StoredEvent e : a.replica.events().page(y, 0, 1000)) {
            yIds.add(e.id().toBytes());
        }
        SyncSession sa = openSession()[0];

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Want(x, yIds)), tick());

        List<SyncMessage> sent = new ArrayList<>();
        for (byte[] f = sa.pollFrame(); f != null; f = sa.pollFrame()) {
            sent.add(new SyncCodec().decode(f));
        }
        for (SyncMessage m : sent) {
            if (m instanceof SyncMessage.Events e) {
                for (byte[] event : e.events()) {
                    for (StoredEvent secret : a.replica.events().page(y, 0, 1000)) {
                        assertThat(Arrays.equals(event, secret.sealed())).as("an event of realm Y was served").isFalse();
                    }
                }
            }
        }
        assertThat(sent).noneMatch(m -> m instanceof SyncMessage.Events);
        assertThat(sa.closeReason()).isNull();
    }

    @Test
    void aWantForItsOwnRealmsEventIsServed() throws Exception {
        StoredEvent first = a.replica.events().page(x, 0, 1).get(0);
        SyncSession sa = openSession()[0];

        sa.onFrame(new SyncCodec().encode(new SyncMessage.Want(x, List.of(first.id().toBytes()))), tick());

        SyncMessage sent = new SyncCodec().decode(sa.pollFrame());
        assertThat(sent).isInstanceOfSatisfying(SyncMessage.Events.class, e -> {
            assertThat(e.realm()).isEqualTo(x);
            assertThat(e.events()).singleElement().isEqualTo(first.sealed());
        });
    }
}
