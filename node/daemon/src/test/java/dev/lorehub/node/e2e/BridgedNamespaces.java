package dev.lorehub.node.e2e;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private Ethernet segment made of network namespaces (DESIGN.md §9): one namespace holds a
 * bridge, and each host gets its own namespace joined to that bridge by a veth pair, with one
 * address {@code <subnet>.<n>/24} on its {@code eth0}. Every interface is created inside these
 * namespaces (the veth pair is created in the bridge namespace with its far end placed straight into
 * the host's), so nothing is ever added to, or sent on, the machine's own interfaces.
 *
 * <p>Namespaces are named {@code lhe2e<pid>-<role>} after the test JVM's pid: {@link #removeStale}
 * removes those a dead JVM left behind (killing, by pid, what still runs inside them) without
 * touching a concurrent run's. {@link #close} removes this run's.
 */
final class BridgedNamespaces implements AutoCloseable {
    static final String PREFIX = "lhe2e";
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern OURS = Pattern.compile("^(" + PREFIX + "(\\d+)-[a-z0-9]+)\\b");
    private static final Logger LOG = LoggerFactory.getLogger(BridgedNamespaces.class);

    /** One host on the segment. */
    record Host(String name, String namespace, String address, String bridgePort) {
    }

    private final String run;
    private final String bridgeNamespace;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> created = new ArrayList<>();

    private BridgedNamespaces(String run) {
        this.run = run;
        this.bridgeNamespace = run + "-br";
    }

    /**
     * Creates the segment with hosts {@code names} at {@code subnet}.1, .2, … If anything fails, what
     * was created is removed again before the exception propagates.
     */
    static BridgedNamespaces create(String subnet, List<String> names) {
        BridgedNamespaces net = new BridgedNamespaces(PREFIX + ProcessHandle.current().pid());
        try {
            net.addNamespace(net.bridgeNamespace);
            net.ip(net.bridgeNamespace, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
            net.ip(net.bridgeNamespace, "link", "set", "br0", "up");
            int n = 1;
            for (String name : names) {
                Host h = new Host(name, net.run + "-" + name, subnet + "." + n++, "port-" + name);
                net.addNamespace(h.namespace());
                net.ip(net.bridgeNamespace, "link", "add", h.bridgePort(), "type", "veth", "peer", "name", "eth0", "netns",
                    h.namespace());
                net.ip(net.bridgeNamespace, "link", "set", h.bridgePort(), "master", "br0");
                net.ip(net.bridgeNamespace, "link", "set", h.bridgePort(), "up");
                net.ip(h.namespace(), "addr", "add", h.address() + "/24", "dev", "eth0");
                net.ip(h.namespace(), "link", "set", "eth0", "up");
                net.ip(h.namespace(), "link", "set", "lo", "up");
                net.hosts.put(name, h);
            }
            return net;
        } catch (RuntimeException | Error e) {
            net.close();
            throw e;
        }
    }

    Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name);
        }
        return h;
    }

    /**
     * Cuts a host off: its port leaves the bridge. Both ends of its veth stay up (the host sees no
     * link change, like a Wi-Fi that stops passing traffic), and every frame is silently lost.
     */
    void cut(String name) {
        ip(bridgeNamespace, "link", "set", host(name).bridgePort(), "nomaster");
    }

    /** Reconnects a host cut off by {@link #cut}. */
    void restore(String name) {
        ip(bridgeNamespace, "link", "set", host(name).bridgePort(), "master", "br0");
    }

    /**
     * Limits the rate of traffic towards a host (token bucket on its bridge port). Returns false,
     * changing nothing, when this kernel has no {@code tbf} queueing discipline.
     */
    boolean limitRateTowards(String name, String rate) {
        Exec.Result r = Exec.run(IP_TIMEOUT, null, List.of("ip", "netns", "exec", bridgeNamespace, "tc", "qdisc", "add", "dev",
            host(name).bridgePort(), "root", "tbf", "rate", rate, "burst", "32kb", "latency", "400ms"));
        if (r.exit() != 0) {
            LOG.warn("cannot limit the rate towards {} ({}); going on unshaped", name, r.err().strip());
            return false;
        }
        return true;
    }

    /** Removes a limit set by {@link #limitRateTowards} (no-op without one). */
    void clearRate(String name) {
        Exec.run(IP_TIMEOUT, null, List.of("ip", "netns", "exec", bridgeNamespace, "tc", "qdisc", "del", "dev",
            host(name).bridgePort(), "root"));
    }

    /** Removes this segment: whatever still runs inside its namespaces is killed (by pid), then the namespaces go. */
    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            remove(created.get(i));
        }
        created.clear();
    }

    /**
     * Removes namespaces named like ours whose creating JVM is gone (a run killed before its
     * cleanup), with whatever still runs in them.
     */
    static void removeStale() {
        Exec.Result list = Exec.run(IP_TIMEOUT, null, List.of("ip", "netns", "list"));
        for (String line : list.out().split("\n")) {
            Matcher m = OURS.matcher(line.strip());
            if (!m.find()) {
                continue;
            }
            long pid = Long.parseLong(m.group(2));
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                LOG.warn("removing namespace {} left behind by an earlier run (pid {})", m.group(1), pid);
                remove(m.group(1));
            }
        }
    }

    private static void remove(String namespace) {
        Exec.Result pids = Exec.run(IP_TIMEOUT, null, List.of("ip", "netns", "pids", namespace));
        for (String p : pids.out().split("\\s+")) {
            if (!p.isBlank()) {
                Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(p.strip()));
                h.ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Exec.Result del = Exec.run(IP_TIMEOUT, null, List.of("ip", "netns", "del", namespace));
        if (del.exit() != 0 && !del.err().contains("No such file")) {
            LOG.warn("could not remove namespace {}: {}", namespace, del.err().strip());
        }
    }

    private void addNamespace(String namespace) {
        Exec.Result r = Exec.run(IP_TIMEOUT, null, List.of("ip", "netns", "add", namespace));
        if (r.exit() != 0) {
            throw new NamespaceException("ip netns add " + namespace + " failed: " + r.err().strip());
        }
        created.add(namespace);
    }

    private void ip(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace));
        cmd.addAll(List.of(args));
        Exec.run(IP_TIMEOUT, null, cmd).ok();
    }

    /** The segment could not be built (typically: no permission to create namespaces). */
    static final class NamespaceException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NamespaceException(String message) {
            super(message);
        }
    }
}
