package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.LocalNode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceNamesTest {

    private static final String ID = "ABCDEFGH-IJKLMNOP-QRSTUVWX-YZ234567";

    @Test
    void instanceNameIsDisplayNameAndShortId() {
        assertThat(InstanceNames.node(new LocalNode(ID, "ABCDEFGH", "Ada's laptop", 1, 1), 0)).isEqualTo("Ada's laptop (ABCDEFGH)");
        assertThat(InstanceNames.pairing("42", new LocalNode(ID, "ABCDEFGH", "Ada", 1, 1), 0)).isEqualTo("pairing 42 (ABCDEFGH)");
    }

    @Test
    void secondAndLaterLinksGetTheirOwnName() {
        assertThat(InstanceNames.node(new LocalNode(ID, "ABCDEFGH", "Ada", 1, 1), 1)).isEqualTo("Ada (ABCDEFGH) #2");
        assertThat(InstanceNames.pairing("1234567890123456789012345678901x", new LocalNode(ID, "ABCDEFGHIJKLMNOP", "Ada", 1, 1), 8)
                .getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    }

    @Test
    void instanceNameAvoidsWhatJmDnsCannotCarryAndFitsOneLabel() {
        String name = InstanceNames.node(new LocalNode(ID, "ABCDEFGHIJKLMNOP", "v1.2\\x\ty " + "\u00fc".repeat(60), 1, 1), 8);

        assertThat(name).startsWith("v1-2-x y ").endsWith(" (ABCDEFGHIJKLMNOP) #9").doesNotContain(".");
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    }

    @Test
    void hostNamesDifferPerAddressAndFitOneLabel() throws Exception {
        LocalNode node = new LocalNode(ID, "ABCDEFGHIJKLMNOP", "Ada", 1, 1);

        assertThat(InstanceNames.host(node, InetAddress.getByName("10.231.1.2"))).isEqualTo("lorehub-abcdefghijklmnop-10-231-1-2");
        String v6 = InstanceNames.host(node, InetAddress.getByName("fe80::1234:5678:9abc:def0"));
        assertThat(v6).matches("lorehub-abcdefghijklmnop-[0-9a-f]{8}");
        assertThat(v6.length()).isLessThanOrEqualTo(63);
    }
}
