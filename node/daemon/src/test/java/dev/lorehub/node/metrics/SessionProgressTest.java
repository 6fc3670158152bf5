package dev.lorehub.node.metrics;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.node.core.EventId;
import dev.lorehub.node.sync.SyncMessage;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A session's catch-up: what its reconciliation found missing each way, what moved since, rate and ETA. */
class SessionProgressTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void countsDownBothWaysWithRateAndEta() {
        SecureRandom random = SeededRandom.of(5);
        RealmId realm = RealmId.random(random);
        SessionProgress p = new SessionProgress(DeviceIdentity.generate(random).id(), T0);
        List<SyncMessage.Key> have = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] id = new byte[EventId.LENGTH];
            random.nextBytes(id);
            have.add(new SyncMessage.Key(i, id));
        }
        p.reconciled(realm, have, 300);
        SessionProgress.View start = p.view(T0);
        assertThat(start.realms()).singleElement().satisfies(r -> {
            assertThat(r.reconciled()).isTrue();
            assertThat(r.weLack()).isEqualTo(300);
            assertThat(r.peerLacks()).isEqualTo(100);
            assertThat(r.total()).isEqualTo(400);
            assertThat(r.done()).isZero();
        });
        assertThat(start.etaSeconds()).as("no rate yet").isEqualTo(-1);

        for (int i = 0; i < 50; i++) {
            EventId id = EventId.fromBytes(have.get(i).id());
            assertThat(p.backlogRealm(id)).contains(realm);
            p.sent(realm, id, 100, T0 + 10 * i);
            assertThat(p.backlogRealm(id)).as("sent once").isEmpty();
        }
        p.received(realm, 150, 15_000, T0 + 1_000);
        p.received(realm, 50, 5_000, T0 + 2_000);
        SessionProgress.View mid = p.view(T0 + 2_000);
        assertThat(mid.realms().get(0).weLack()).isEqualTo(100);
        assertThat(mid.realms().get(0).peerLacks()).isEqualTo(50);
        assertThat(mid.remaining()).isEqualTo(150);
        assertThat(mid.eventsPerSecond()).isEqualTo(124.5); // 249 events in the 2 s after the first sample
        assertThat(mid.etaSeconds()).isEqualTo(2);
        p.received(realm, 120, 12_000, T0 + 3_000);
        assertThat(p.view(T0 + 3_000).realms().get(0).weLack()).as("never below zero (live pushes)").isZero();
        byte[] unknown = new byte[EventId.LENGTH];
        assertThat(p.backlogRealm(EventId.fromBytes(unknown))).isEmpty();
    }
}
