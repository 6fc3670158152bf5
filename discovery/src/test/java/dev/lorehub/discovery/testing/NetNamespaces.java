package dev.lorehub.discovery.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private LAN made of Linux network namespaces: {@code hosts} namespaces, each with one veth interface
 * {@code eth0} at {@code 10.231.1.<i>/24} (plus a multicast route), all plugged into a bridge that lives in
 * its own namespace. Nothing is created in, or routed to, the machine's own namespace, so traffic on this
 * LAN never reaches a real interface.
 *
 * <p>Names are {@code lhdisc-<pid>-<n>-<role>}; {@link #close()} deletes them all (deleting a namespace
 * deletes its veth ends and the bridge). {@link #createLan} first deletes leftovers of earlier runs whose
 * process is gone (a run killed with SIGKILL cannot clean up after itself). Needs root and iproute2.
 */
public final class NetNamespaces implements AutoCloseable {

    public static final String PREFIX = "lhdisc-";
    private static final AtomicInteger LANS = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_S = 10;

    private final List<String> created = new ArrayList<>();
    private final String base;
    private final int hosts;

    private NetNamespaces(String base, int hosts) {
        this.base = base;
        this.hosts = hosts;
    }

    /** Why namespaces cannot be used here, or null if they can: needs root and the {@code ip} tool. */
    public static String unavailableReason() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            boolean root = status.stream().anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
            if (!root) {
                return "not running as root (network namespaces need root; CI runs as root)";
            }
        } catch (IOException e) {
            return "cannot read /proc/self/status (not Linux?)";
        }
        if (!onPath("ip")) {
            return "the 'ip' tool (iproute2) is not installed";
        }
        return null;
    }

    public static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Builds the LAN; on any failure removes whatever was created and rethrows. */
    public static NetNamespaces createLan(int hosts) throws IOException {
        if (hosts < 1 || hosts > 200) {
            throw new IllegalArgumentException("hosts must be 1-200");
        }
        removeStale();
        NetNamespaces lan = new NetNamespaces(PREFIX + ProcessHandle.current().pid() + "-" + LANS.incrementAndGet(), hosts);
        try {
            lan.build();
        } catch (IOException | RuntimeException e) {
            lan.close();
            throw e;
        }
        return lan;
    }

    private void build() throws IOException {
        String bridge = base + "-br";
        add(bridge);
        run("ip", "-n", bridge, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        run("ip", "-n", bridge, "link", "set", "br0", "up");
        for (int i = 1; i <= hosts; i++) {
            String host = namespace(i);
            add(host);
            run("ip", "-n", bridge, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns", host);
            run("ip", "-n", bridge, "link", "set", "v" + i, "master", "br0", "up");
            run("ip", "-n", host, "link", "set", "lo", "up");
            run("ip", "-n", host, "addr", "add", address(i).getHostAddress() + "/24", "dev", "eth0");
            run("ip", "-n", host, "link", "set", "eth0", "up");
            run("ip", "-n", host, "route", "add", "224.0.0.0/4", "dev", "eth0");
        }
    }

    private void add(String namespace) throws IOException {
        run("ip", "netns", "add", namespace);
        created.add(namespace);
    }

    /** The namespace of host {@code i} (1-based). */
    public String namespace(int i) {
        checkHost(i);
        return base + "-h" + i;
    }

    /** The address of host {@code i} (1-based): {@code 10.231.1.<i>}. */
    public InetAddress address(int i) {
        checkHost(i);
        try {
            return InetAddress.getByAddress(new byte[]{10, (byte) 231, 1, (byte) i});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A process builder running {@code command} inside host {@code i}'s namespace. */
    public ProcessBuilder inHost(int i, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
        full.addAll(command);
        return new ProcessBuilder(full);
    }

    /** Runs {@code command} in host {@code i}'s namespace and returns its output (bounded in time). */
    public String runInHost(int i, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(i)));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private void checkHost(int i) {
        if (i < 1 || i > hosts) {
            throw new IllegalArgumentException("no host " + i);
        }
    }

    /** Deletes every namespace this LAN created. Never throws. */
    @Override
    public void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                run("ip", "netns", "del", created.get(i));
            } catch (IOException | RuntimeException e) {
                System.err.println("could not delete namespace " + created.get(i) + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    /** Deletes namespaces named by this class whose creating process no longer exists. */
    public static void removeStale() throws IOException {
        for (String line : run("ip", "netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = name.substring(PREFIX.length()).split("-");
            long pid;
            try {
                pid = Long.parseLong(parts[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            try {
                run("ip", "netns", "del", name);
            } catch (IOException e) {
                System.err.println("could not delete stale namespace " + name + ": " + e.getMessage());
            }
        }
    }

    /** Runs a command, bounded in time; returns stdout+stderr, throws if it fails. */
    public static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed (" + process.exitValue() + "): " + output.strip());
        }
        return output;
    }
}
