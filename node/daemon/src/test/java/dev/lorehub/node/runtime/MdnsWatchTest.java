package dev.lorehub.node.runtime;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The discovery warning, the sync-port frame of pairing and the address shown for --peer, without a network. */
class MdnsWatchTest {
    private static final String FILE = "/home/ann/.lorehub/node/node.json";

    @Test
    void mdnsSilentForAWhileIsReportedNamingStaticPeers() {
        assertThat(MdnsWatch.warning(true, false, MdnsWatch.MDNS_QUIET_MILLIS - 1, List.of(), FILE)).isEmpty();
        assertThat(MdnsWatch.warning(true, true, 3_600_000, List.of(), FILE)).as("a paired device is visible").isEmpty();
        assertThat(MdnsWatch.warning(true, false, 3 * 60_000, List.of(), FILE)).get().asString()
            .startsWith("mDNS has found none of your paired devices for 3 min")
            .contains("\"staticPeers\" in " + FILE).contains("192.168.1.20:7465");
        assertThat(MdnsWatch.warning(true, false, 5 * 3_600_000, List.of("10.0.0.7:7465"), FILE)).get().asString()
            .contains("for 5 h").contains("lists 10.0.0.7:7465");
    }

    @Test
    void mdnsOffIsAlwaysReported() {
        assertThat(MdnsWatch.warning(false, false, 0, List.of(), FILE)).get().asString()
            .startsWith("mDNS is off").contains("staticPeers");
    }

    @Test
    void theSyncPortFrameIsNeverAPairingMessage() {
        byte[] frame = java.util.Arrays.copyOf(PairingService.SYNC_PORT_MAGIC, PairingService.SYNC_PORT_MAGIC.length + 2);
        frame[frame.length - 2] = (byte) (7465 >>> 8);
        frame[frame.length - 1] = (byte) 7465;
        assertThat(PairingService.syncPortIn(frame)).isEqualTo(7465);
        assertThat(frame[0]).as("pairing messages start with their version byte, 0x01").isNotEqualTo((byte) 1);
        assertThat(PairingService.syncPortIn(new byte[] {1, 1, 0, 0})).isEqualTo(-1);
        assertThat(PairingService.syncPortIn(java.util.Arrays.copyOf(frame, frame.length - 1))).isEqualTo(-1);
    }

    @Test
    void aWildcardListenerIsShownAsAnAddressOtherDevicesCanDial() throws Exception {
        String shown = NodeOperations.reachableAddress(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 41234));
        assertThat(shown).endsWith(":41234").doesNotStartWith("0.0.0.0");
        assertThat(NodeOperations.reachableAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5)))
            .isEqualTo("127.0.0.1:5");
    }
}
