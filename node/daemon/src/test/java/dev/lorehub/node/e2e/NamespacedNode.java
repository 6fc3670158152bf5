package dev.lorehub.node.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One device of the end-to-end test: its namespace, data directory, project directory, daemon, CLI and database. */
final class NamespacedNode {
    private static final Pattern DEVICE = Pattern.compile("device identity (\\S+)");
    private static final Pattern SHORT = Pattern.compile("Short id: (\\S+)");

    final String name;
    final BridgedNamespaces.Host host;
    final Path dataDir;
    final Path project;
    final NodeDaemon daemon;
    final NodeCli cli;
    final LoreDbProbe db;
    String deviceId;
    String shortId;

    NamespacedNode(String name, BridgedNamespaces.Host host, Path jar, Path root, Path logs) {
        this.name = name;
        this.host = host;
        this.dataDir = root.resolve(name + "-data");
        this.project = root.resolve(name + "-work").resolve("api");
        try {
            Files.createDirectories(project);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.daemon = new NodeDaemon(host, jar, dataDir, logs.resolve("node-" + name + ".log"));
        this.cli = new NodeCli(host, jar, dataDir, project, logs.resolve("node-" + name + ".commands.txt"));
        this.db = new LoreDbProbe(dataDir.resolve("lorehub.db"));
    }

    /**
     * {@code init}, then a node.json that binds sync and mDNS to this namespace's address only
     * (never "auto", never 0.0.0.0), plus {@code extra} keys.
     */
    void init(String extra) {
        Exec.Result r = cli.run("init", "--name", "node-" + name).ok();
        Matcher d = DEVICE.matcher(r.out());
        Matcher s = SHORT.matcher(r.out());
        if (!d.find() || !s.find()) {
            throw new AssertionError("init printed no device id: " + r);
        }
        deviceId = d.group(1);
        shortId = s.group(1);
        String json = "{\n  \"displayName\": \"node-" + name + "\",\n  \"port\": 7465,\n  \"bind\": [\"" + host.address()
            + "\"],\n  \"mdns\": [\"" + host.address() + "\"]" + (extra.isEmpty() ? "" : ",\n  " + extra) + "\n}\n";
        try {
            Files.writeString(dataDir.resolve("node/node.json"), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "node-" + name + " (" + shortId + ", " + host.namespace() + " " + host.address() + ")";
    }
}
