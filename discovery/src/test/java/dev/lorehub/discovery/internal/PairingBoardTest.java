package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.PairingCandidate;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PairingBoardTest {

    @Test
    void candidatesListEveryAddressOfEveryAdvertiserOfTheNameplate() throws Exception {
        PairingBoard board = new PairingBoard();
        InetAddress a = InetAddress.getByName("10.0.0.2");
        InetAddress b = InetAddress.getByName("10.0.0.3");
        board.put(SightingKey.of("eth0", "pairing 42 (A)"), "pairing 42 (A)", new PairingAdvert("42", 1), List.of(a), 7000);
        board.put(SightingKey.of("wlan0", "pairing 42 (A)"), "pairing 42 (A)", new PairingAdvert("42", 1), List.of(a), 7000);
        board.put(SightingKey.of("eth0", "pairing 42 (B)"), "pairing 42 (B)", new PairingAdvert("42", 1), List.of(b), 7001);
        board.put(SightingKey.of("eth0", "pairing 7 (C)"), "pairing 7 (C)", new PairingAdvert("7", 1), List.of(b), 7002);

        assertThat(board.candidates("42")).containsExactly(
                new PairingCandidate("42", "pairing 42 (A)", new InetSocketAddress(a, 7000), 1),
                new PairingCandidate("42", "pairing 42 (B)", new InetSocketAddress(b, 7001), 1));

        board.removeLink("eth0");
        assertThat(board.candidates("42")).extracting(PairingCandidate::advertiser).containsExactly("pairing 42 (A)");
        board.remove(SightingKey.of("wlan0", "PAIRING 42 (a)"));
        assertThat(board.candidates("42")).isEmpty();
    }
}
