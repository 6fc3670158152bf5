package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveredPeer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class PeerTableTest {

    private static final String BOB = "BOBBBBBB-BBBBBBBB";
    private final PeerTable table = new PeerTable();
    private final List<PeerChange> changes = new ArrayList<>();

    @Test
    void aDeviceSeenOnTwoLinksIsOnePeerWithBothAddressesAndIsLostWithItsLastSighting() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.2");
        InetAddress b = InetAddress.getByName("192.168.1.2");

        table.put(SightingKey.of("eth0", "Bob (B)"), new NodeAdvert(BOB, "Bob", 1), List.of(a), 7000, changes);
        assertThat(changes).extracting(PeerChange::kind).containsExactly(PeerChange.Kind.FOUND);
        assertThat(changes.get(0).peer()).isEqualTo(new DiscoveredPeer("mdns:" + BOB, dev.lorehub.discovery.PeerSource.MDNS,
                Optional.of(BOB), "Bob", List.of(a), 7000, OptionalInt.of(1)));

        changes.clear();
        table.put(SightingKey.of("wlan0", "Bob (B)"), new NodeAdvert(BOB, "Bob", 1), List.of(b), 7000, changes);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).peer().addresses()).containsExactly(b, a);

        changes.clear();
        table.put(SightingKey.of("wlan0", "BOB (b)"), new NodeAdvert(BOB, "Bob", 1), List.of(b), 7000, changes);
        assertThat(changes).as("same sighting again (names ignore case)").isEmpty();

        table.removeLink("wlan0", changes);
        assertThat(changes).extracting(PeerChange::kind).containsExactly(PeerChange.Kind.FOUND);
        assertThat(changes.get(0).peer().addresses()).containsExactly(a);

        changes.clear();
        table.remove(SightingKey.of("eth0", "Bob (B)"), changes);
        assertThat(changes).extracting(PeerChange::kind).containsExactly(PeerChange.Kind.LOST);
        assertThat(table.peers()).isEmpty();
    }

    @Test
    void anInstanceThatChangesItsDeviceIdLosesTheOldPeer() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.2");
        table.put(SightingKey.of("eth0", "x"), new NodeAdvert(BOB, "Bob", 1), List.of(a), 7000, changes);
        changes.clear();

        table.put(SightingKey.of("eth0", "x"), new NodeAdvert("CAROLCCC-CCCCCCCC", "Carol", 1), List.of(a), 7000, changes);

        assertThat(changes).extracting(c -> c.kind() + " " + c.peer().displayName()).containsExactlyInAnyOrder("FOUND Carol", "LOST Bob");
    }

    @Test
    void theTableIsBounded() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.2");
        for (int i = 0; i < PeerTable.MAX_SIGHTINGS; i++) {
            assertThat(table.put(SightingKey.of("eth0", "n" + i), new NodeAdvert("ID" + i + "XXXXXXXX", "", 1), List.of(a), 1, changes)).isTrue();
        }
        assertThat(table.put(SightingKey.of("eth0", "one more"), new NodeAdvert("MOREXXXXXX", "", 1), List.of(a), 1, changes)).isFalse();
        assertThat(table.peers()).hasSize(PeerTable.MAX_SIGHTINGS);
    }
}
