package dev.lorehub.node.runtime;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The node's configuration, {@code node/node.json} in the data directory, shaped like LoreHub's
 * {@code sync} block where it applies. Every key is optional; an unknown key or a wrong type is an
 * error naming the key.
 *
 * <pre>{@code
 * {
 *   "enabled": true,                 // false: `start` refuses to run
 *   "mode": "automatic",             // automatic: live push; manual: full resync every `interval` only
 *   "interval": 300,                 // seconds between full resyncs in manual mode
 *   "displayName": "ann-laptop",     // shown to peers (default: the host name)
 *   "port": 7465,                    // TCP port for sync (0: any free port)
 *   "bind": ["0.0.0.0"],             // addresses the sync server listens on
 *   "mdns": ["auto"],                // addresses mDNS runs on: "auto" = every non-loopback IPv4 address, [] = off
 *   "staticPeers": ["10.0.0.7:7465"],// peers to dial on networks that block multicast
 *   "conflicts": { "autoResolve": false }, // true: keep each conflict's deterministic winner without asking
 *   "dashboard": { "enabled": true, "port": 7466 }, // the local web dashboard and /metrics, on 127.0.0.1 only (0: any port)
 *   "alerts": { "behindMinutes": 30, "unreachableMinutes": 1440, "conflictsPerHour": 20, "failedSyncs": 5 },
 *   "backends": [ {"type": "git", "remote": "origin", "branch": "lorehub-sync"} ], // remotes: see BackendConfig
 *   "autoJoin": ["GUFHIX2"]          // your own paired devices whose realms are joined without asking when a local
 *                                    // project has the realm's git remote (default: none; `realm join` asks)
 * }
 * }</pre>
 */
public record NodeConfig(boolean enabled, Mode mode, int interval, String displayName, int port, List<String> bind,
                         List<String> mdns, List<String> staticPeers, Conflicts conflicts, Dashboard dashboard,
                         Alerts alerts, List<dev.lorehub.node.remote.BackendConfig> backends, List<String> autoJoin) {
    /** Default sync port. */
    public static final int DEFAULT_PORT = 7465;

    /** When the node syncs. */
    public enum Mode {
        /** Changes are pushed to connected peers at once. */
        AUTOMATIC,
        /** Peers are fully reconciled every {@code interval} seconds, nothing in between. */
        MANUAL;

        @JsonCreator
        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("mode must be \"automatic\" or \"manual\", got \"" + text + "\"");
        }
    }

    /** The {@code conflicts} block. */
    public record Conflicts(@JsonProperty("autoResolve") boolean autoResolve) {
    }

    /**
     * The {@code dashboard} block: the local web dashboard and {@code /metrics}, served on
     * 127.0.0.1 only.
     *
     * @param enabled false: no dashboard, no /metrics
     * @param port    TCP port on 127.0.0.1 (0: any free port; if the port is taken, a free one is used and logged)
     */
    public record Dashboard(boolean enabled, int port) {
        /** Default dashboard port (the sync port plus one). */
        public static final int DEFAULT_PORT = 7466;

        @JsonCreator
        public Dashboard(@JsonProperty("enabled") Boolean enabled, @JsonProperty("port") Integer port) {
            this(enabled == null || enabled, port == null ? DEFAULT_PORT : port);
        }

        public Dashboard {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("\"dashboard.port\" must be within 0..65535, got " + port);
            }
        }
    }

    /**
     * The {@code alerts} block: when {@code status --check} (and the dashboard) report a problem.
     *
     * @param behindMinutes      a connected peer still not in sync after this long
     * @param unreachableMinutes a paired peer not reached for this long
     * @param conflictsPerHour   more conflicts recorded than this within the last hour
     * @param failedSyncs        this many sync sessions with one peer failed in a row
     */
    public record Alerts(int behindMinutes, int unreachableMinutes, int conflictsPerHour, int failedSyncs) {
        @JsonCreator
        public Alerts(@JsonProperty("behindMinutes") Integer behindMinutes,
                      @JsonProperty("unreachableMinutes") Integer unreachableMinutes,
                      @JsonProperty("conflictsPerHour") Integer conflictsPerHour,
                      @JsonProperty("failedSyncs") Integer failedSyncs) {
            this(behindMinutes == null ? 30 : behindMinutes, unreachableMinutes == null ? 1440 : unreachableMinutes,
                conflictsPerHour == null ? 20 : conflictsPerHour, failedSyncs == null ? 5 : failedSyncs);
        }

        public Alerts {
            positive("alerts.behindMinutes", behindMinutes);
            positive("alerts.unreachableMinutes", unreachableMinutes);
            positive("alerts.conflictsPerHour", conflictsPerHour);
            positive("alerts.failedSyncs", failedSyncs);
        }

        private static void positive(String key, int value) {
            if (value < 1) {
                throw new IllegalArgumentException("\"" + key + "\" must be at least 1, got " + value);
            }
        }

        /** Every default. */
        public static Alerts defaults() {
            return new Alerts(null, null, null, null);
        }
    }

    @JsonCreator
    public NodeConfig(@JsonProperty("enabled") Boolean enabled, @JsonProperty("mode") Mode mode,
                      @JsonProperty("interval") Integer interval, @JsonProperty("displayName") String displayName,
                      @JsonProperty("port") Integer port, @JsonProperty("bind") List<String> bind,
                      @JsonProperty("mdns") List<String> mdns, @JsonProperty("staticPeers") List<String> staticPeers,
                      @JsonProperty("conflicts") Conflicts conflicts, @JsonProperty("dashboard") Dashboard dashboard,
                      @JsonProperty("alerts") Alerts alerts,
                      @JsonProperty("backends") com.fasterxml.jackson.databind.JsonNode backends,
                      @JsonProperty("autoJoin") List<String> autoJoin) {
        this(enabled == null || enabled, mode == null ? Mode.AUTOMATIC : mode, interval == null ? 300 : interval,
            displayName, port == null ? DEFAULT_PORT : port, bind == null ? List.of("0.0.0.0") : List.copyOf(bind),
            mdns == null ? List.of("auto") : List.copyOf(mdns), staticPeers == null ? List.of() : List.copyOf(staticPeers),
            conflicts == null ? new Conflicts(false) : conflicts, dashboard == null ? new Dashboard(null, null) : dashboard,
            alerts == null ? Alerts.defaults() : alerts, dev.lorehub.node.remote.BackendConfig.parseList(backends),
            autoJoin == null ? List.of() : List.copyOf(autoJoin));
    }

    public NodeConfig {
        backends = List.copyOf(backends);
        autoJoin = List.copyOf(autoJoin);
        if (interval < 1) {
            throw new IllegalArgumentException("\"interval\" must be at least 1 second, got " + interval);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("\"port\" must be within 0..65535, got " + port);
        }
    }

    /** Every default. */
    public static NodeConfig defaults() {
        return new NodeConfig(null, null, null, null, null, null, null, null, null, null, null, (com.fasterxml.jackson.databind.JsonNode) null, null);
    }

    /**
     * This configuration bound to loopback only, on any free port (the dashboard too): tests and
     * the demo never touch real interfaces, and several nodes fit on one machine.
     */
    public NodeConfig loopbackOnly() {
        return new NodeConfig(enabled, mode, interval, displayName, 0, List.of("127.0.0.1"), List.of("127.0.0.1"), staticPeers,
            conflicts, new Dashboard(dashboard.enabled(), 0), alerts, backends, autoJoin);
    }

    /**
     * For a node run just for one command while no daemon runs (e.g. {@code pair}): its sync server
     * on loopback only, any free port; the rest as configured.
     */
    public NodeConfig forOneCommand() {
        return new NodeConfig(enabled, mode, interval, displayName, 0, List.of("127.0.0.1"), mdns, staticPeers, conflicts,
            dashboard, alerts, backends, autoJoin);
    }

    public NodeConfig withPort(int newPort) {
        return new NodeConfig(enabled, mode, interval, displayName, newPort, bind, mdns, staticPeers, conflicts, dashboard, alerts,
            backends, autoJoin);
    }

    public NodeConfig withDisplayName(String name) {
        return new NodeConfig(enabled, mode, interval, name, port, bind, mdns, staticPeers, conflicts, dashboard, alerts, backends,
            autoJoin);
    }

    public NodeConfig withDashboard(Dashboard newDashboard) {
        return new NodeConfig(enabled, mode, interval, displayName, port, bind, mdns, staticPeers, conflicts, newDashboard, alerts,
            backends, autoJoin);
    }

    public NodeConfig withAlerts(Alerts newAlerts) {
        return new NodeConfig(enabled, mode, interval, displayName, port, bind, mdns, staticPeers, conflicts, dashboard, newAlerts,
            backends, autoJoin);
    }

    /**
     * Which founders' realms are joined without asking (by git remote): those of the paired devices
     * that {@code autoJoin} names (full id or short form). A device named there but not paired
     * counts for nothing, so a realm a stranger founds is never joined automatically.
     */
    public java.util.function.Predicate<dev.lorehub.crypto.DeviceId> autoJoinFounders(
        java.util.Set<dev.lorehub.crypto.DeviceId> paired) {
        return founder -> paired.contains(founder) && autoJoin.stream().anyMatch(founder::matchesPrefix);
    }

    /**
     * Reads {@code file}; defaults when it does not exist.
     *
     * @throws ConfigException naming the file, the key and what is wrong
     */
    public static NodeConfig load(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            return defaults();
        } catch (IOException e) {
            throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
        }
        return parse(json, file.toString());
    }

    /**
     * Parses configuration text; {@code source} names it in errors.
     *
     * @throws ConfigException naming the source and the key, and saying what it must be and what it is
     */
    public static NodeConfig parse(String json, String source) {
        return NodeConfigReader.read(json, source);
    }

    /** What is wrong with a display name (empty, control characters, too long), or null if nothing is. */
    public static String displayNameProblem(String name) {
        return NodeConfigReader.displayNameProblem(name);
    }

    /** A configuration problem ({@link NodeException.Reason#CONFIG}); the message names the file and key and says what to change. */
    public static final class ConfigException extends NodeException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super(message, Reason.CONFIG);
        }
    }
}
