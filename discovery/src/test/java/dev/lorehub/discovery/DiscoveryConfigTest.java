package dev.lorehub.discovery;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoveryConfigTest {

    private static final String ID = "ABCDEFGH-IJKLMNOP-QRSTUVWX-YZ234567";

    @Test
    void defaultsAcceptExactlyOurProtocolVersionAndCheckIdsSyntactically() {
        DiscoveryConfig config = DiscoveryConfig.builder(new LocalNode(ID, "ABCDEFGH", "Ada", 7391, 3)).build();

        assertThat(config.minProtocolVersion()).isEqualTo(3);
        assertThat(config.maxProtocolVersion()).isEqualTo(3);
        assertThat(config.mdnsAddresses()).isEmpty();
        assertThat(config.staticPeerPolicy()).isEqualTo(StaticPeerPolicy.DEFAULT);
        assertThat(DiscoveryConfig.BASIC_DEVICE_ID_SYNTAX.test(ID)).isTrue();
        assertThat(DiscoveryConfig.BASIC_DEVICE_ID_SYNTAX.test("-" + ID)).isFalse();
        assertThat(DiscoveryConfig.BASIC_DEVICE_ID_SYNTAX.test("short")).isFalse();
        assertThat(DiscoveryConfig.BASIC_DEVICE_ID_SYNTAX.test(ID + "/x")).isFalse();
    }

    @Test
    void ourOwnIdMustPassTheValidator() {
        assertThatThrownBy(() -> DiscoveryConfig.builder(new LocalNode(ID, "ABCDEFGH", "Ada", 7391, 1))
                .deviceIdValidator(text -> false).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("own device id");
    }

    @Test
    void wildcardAndMulticastAddressesAreRefused() throws Exception {
        DiscoveryConfig.Builder builder = DiscoveryConfig.builder(new LocalNode(ID, "ABCDEFGH", "Ada", 7391, 1));
        assertThatThrownBy(() -> builder.mdnsAddresses(List.of(InetAddress.getByName("0.0.0.0"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.mdnsAddresses(List.of(InetAddress.getByName("224.0.0.251"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.mdnsAddresses(List.of(InetAddress.getLoopbackAddress(), InetAddress.getLoopbackAddress())).build()
                .mdnsAddresses()).containsExactly(InetAddress.getLoopbackAddress());
    }

    @Test
    void localNodeIsValidated() {
        assertThatThrownBy(() -> new LocalNode(ID, "has space", "Ada", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalNode(ID, "ABCD", " ", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalNode(ID, "ABCD", "Ada", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LocalNode(ID, "ABCD", "Ada", 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
