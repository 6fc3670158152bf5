package dev.lorehub.discovery.lan;

import dev.lorehub.discovery.testing.ChildNode;
import dev.lorehub.discovery.testing.NetNamespaces;
import dev.lorehub.discovery.testing.TestIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A standard DNS tool sees our records the way DNS-SD defines them: {@code dig} (bind9 dnsutils) sends
 * legacy unicast mDNS queries (RFC 6762 §6.7) from another namespace to a node and must find the service
 * type, the instance, its SRV, its TXT keys and its host address. Skipped, with the reason, without root
 * or without {@code dig}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsSdInteropTest {

    private static final int PORT = 7391;

    @BeforeAll
    static void needsNamespacesAndDig() {
        String reason = NetNamespaces.unavailableReason();
        assumeTrue(reason == null, () -> "SKIPPED DNS-SD interop test: " + reason);
        assumeTrue(NetNamespaces.onPath("dig"), "SKIPPED DNS-SD interop test: 'dig' is not installed (apt-get install dnsutils)");
    }

    @Test
    void digBrowsesAndResolvesTheServiceLikeAnyOther() throws Exception {
        try (NetNamespaces lan = NetNamespaces.createLan(2); ChildNode ada = ChildNode.start(lan, 1, "Ada", PORT, 50)) {
            ada.awaitReady(Duration.ofSeconds(20));
            ada.go();
            ada.send("pair 42");
            String server = "@" + lan.address(1).getHostAddress();
            String shortId = TestIds.shortId(ada.deviceId());
            String host = "lorehub-" + shortId.toLowerCase() + "-10-231-1-1.local.";
            String instance = "Ada\\032\\(" + shortId + "\\)._lorehub._tcp.local.";

            // The node answers once it has announced itself (about 2 s after start).
            AtomicReference<String> types = new AtomicReference<>("");
            await("the node to answer dig").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .ignoreException(IOException.class).until(() -> {
                types.set(dig(lan, server, "_services._dns-sd._udp.local", "PTR"));
                return types.get().contains("_lorehub._tcp.local.") && types.get().contains("_lorehub-pair._tcp.local.");
            });

            assertThat(lines(dig(lan, server, "_lorehub._tcp.local", "PTR"))).contains(instance);
            assertThat(lines(dig(lan, server, instance, "SRV"))).contains("0 0 " + PORT + " " + host);
            assertThat(lines(dig(lan, server, instance, "TXT")))
                    .contains("\"txtvers=1\" \"id=" + ada.deviceId() + "\" \"pv=1\" \"dn=Ada\"");
            assertThat(lines(dig(lan, server, host, "A"))).contains(lan.address(1).getHostAddress());

            String pairing = "pairing\\03242\\032\\(" + shortId + "\\)._lorehub-pair._tcp.local.";
            assertThat(lines(dig(lan, server, "_lorehub-pair._tcp.local", "PTR"))).contains(pairing);
            assertThat(lines(dig(lan, server, pairing, "TXT"))).as("nothing but the public nameplate")
                    .contains("\"txtvers=1\" \"np=42\" \"pv=1\"");
        }
    }

    /** {@code dig +short}: one answer per line (our responder also includes related records). */
    private static String dig(NetNamespaces lan, String server, String name, String type) throws IOException {
        return lan.runInHost(2, "dig", "+short", "+time=1", "+tries=2", "-p", "5353", server, name, type);
    }

    private static List<String> lines(String output) {
        return output.lines().map(String::strip).toList();
    }
}
