package dev.lorehub.discovery.testing;

import dev.lorehub.discovery.DiscoveredPeer;
import dev.lorehub.discovery.Discovery;
import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.DiscoveryListener;
import dev.lorehub.discovery.LocalNode;
import dev.lorehub.discovery.PairingAdvertisement;
import dev.lorehub.discovery.PairingCandidate;
import dev.lorehub.discovery.internal.JmDnsTuning;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One discovery node in its own JVM, for tests and benchmarks that put nodes in separate network namespaces
 * (a JVM lives in exactly one). Arguments: {@code <device id> <display name> <address[,address...]> <port> <max seconds>}.
 *
 * <p>On stdin, one command a line: {@code go} creates and starts a discovery; {@code stop} closes it (a later
 * {@code go} starts a fresh one); {@code pair <nameplate>} / {@code unpair} open and close a pairing
 * advertisement; {@code lookup <nameplate> <timeout ms>} looks one up; {@code quit} (or end of input) closes
 * everything and exits. On stdout, one line each: {@code READY} (JVM and JmDNS loaded), {@code STARTED},
 * {@code FOUND <device id> <ms since go> <addresses> <port>}, {@code LOST <device id> <ms since go>},
 * {@code STOPPED}, {@code PAIRING <nameplate>}, {@code UNPAIRED}, {@code CANDIDATES <nameplate> <addr:port,...>},
 * {@code CLOSED}. It exits by itself after {@code max seconds}, so a test that dies cannot leave it behind.
 */
public final class LanNodeMain {

    private LanNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String deviceId = args[0];
        String name = args[1];
        List<InetAddress> addresses = new java.util.ArrayList<>();
        for (String address : args[2].split(",")) {
            addresses.add(InetAddress.getByName(address));
        }
        int port = Integer.parseInt(args[3]);
        long maxSeconds = Long.parseLong(args[4]);

        JmDnsTuning.install(); // load JmDNS now, so that "go" measures discovery rather than class loading
        DiscoveryConfig config = DiscoveryConfig.builder(new LocalNode(deviceId, TestIds.shortId(deviceId), name, port, 1))
                .mdnsAddresses(addresses).build();
        Discovery[] current = new Discovery[1];

        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
                say("TIMEOUT");
                if (current[0] != null) {
                    current[0].close();
                }
                System.exit(3);
            } catch (InterruptedException e) {
                // normal exit
            }
        }, "lan-node-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        say("READY");
        PairingAdvertisement pairing = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            String[] words = line.split(" ");
            if (words[0].equals("go") && current[0] == null) {
                current[0] = Discovery.create(config, new Reporter(System.nanoTime()));
                current[0].start();
                say("STARTED");
            } else if (words[0].equals("stop") && current[0] != null) {
                current[0].close();
                current[0] = null;
                say("STOPPED");
            } else if (words[0].equals("pair") && words.length == 2 && current[0] != null) {
                pairing = current[0].advertisePairing(words[1]);
                say("PAIRING " + words[1]);
            } else if (words[0].equals("unpair") && pairing != null) {
                pairing.close();
                say("UNPAIRED");
            } else if (words[0].equals("lookup") && words.length == 3 && current[0] != null) {
                long timeoutMs = Long.parseLong(words[2]);
                List<PairingCandidate> found = current[0].lookupPairing(words[1], Duration.ofMillis(timeoutMs))
                        .get(timeoutMs + 5000, TimeUnit.MILLISECONDS);
                say("CANDIDATES " + words[1] + " " + found.stream()
                        .map(c -> c.address().getAddress().getHostAddress() + ":" + c.address().getPort())
                        .collect(Collectors.joining(",")));
            }
        }
        if (current[0] != null) {
            current[0].close();
        }
        say("CLOSED");
        System.exit(0);
    }

    /** Prints events with the time since its discovery was started. */
    private static final class Reporter implements DiscoveryListener {
        private final long startedAt;

        Reporter(long startedAt) {
            this.startedAt = startedAt;
        }

        @Override
        public void peerFound(DiscoveredPeer peer) {
            say("FOUND " + peer.deviceId().orElse("-") + " " + sinceStart() + " "
                    + peer.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(",")) + " " + peer.port());
        }

        @Override
        public void peerLost(DiscoveredPeer peer) {
            say("LOST " + peer.deviceId().orElse("-") + " " + sinceStart());
        }

        private long sinceStart() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
