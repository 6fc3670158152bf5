package dev.lorehub.discovery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticPeerTest {

    @Test
    void parsesHostNamesIpv4AndBracketedIpv6() {
        assertThat(StaticPeer.parse("nas.local:7391")).isEqualTo(new StaticPeer("nas.local", 7391));
        assertThat(StaticPeer.parse(" 10.0.0.5:1 ")).isEqualTo(new StaticPeer("10.0.0.5", 1));
        assertThat(StaticPeer.parse("[fe80::1]:65535")).isEqualTo(new StaticPeer("fe80::1", 65535));
        assertThat(StaticPeer.parse("[fe80::1]:65535").toString()).isEqualTo("[fe80::1]:65535");
    }

    @Test
    void rejectsWhatIsNotHostColonPort() {
        for (String bad : new String[]{"", "host", ":7391", "host:", "host:0", "host:65536", "host:12a", "fe80::1:7391",
                "[fe80::1]7391", "[fe80::1", "a b:1", "host:123456"}) {
            assertThatThrownBy(() -> StaticPeer.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
