package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.runtime.ControlRequest;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.PeerStates;
import dev.lorehub.node.runtime.StatusReport;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code status}: this device, its peers and realms, pending work and conflicts. */
@Command(name = "status", description = "Show this device, its peers (per realm: in sync or how far behind), its realms, unsynced "
    + "changes and conflicts.")
final class StatusCommand implements Callable<Integer> {
    final HomeOption home = new HomeOption();

    @Option(names = "--json", description = "Print JSON instead of text")
    boolean json;

    @Option(names = "--check", description = "Print one line and exit 8 when a peer has been behind or unreachable too "
        + "long, conflicts come too often or syncs keep failing (thresholds: \"alerts\" in node.json); 0 otherwise")
    boolean check;

    @Override
    public Integer call() throws Exception {
        NodeHome h = home.home();
        if (check) {
            dev.lorehub.node.runtime.NodeFiles.requireInitialised(h);
            return StatusCheck.run(h, home.config(), System.out);
        }
        // A broken node.json is reported here too (and in the exit code), after what status can show.
        String configProblem = null;
        NodeConfig config = null;
        try {
            config = home.config();
        } catch (NodeConfig.ConfigException e) {
            configProblem = e.getMessage();
        }
        // With a daemon answering, it builds the whole report (live peer states) and this process
        // opens no database; otherwise the same report is built here from a read-only look.
        DaemonAnswer daemon = DaemonAnswer.ask(h, new ControlRequest.Status());
        ObjectNode out;
        if (daemon.answered()) {
            out = (ObjectNode) daemon.reply().get("report");
            out.put("configError", configProblem);
        } else {
            try (NodeQuery view = HomeOption.query(h)) {
                Replica r = view.replica();
                out = StatusReport.build(h, view.database(), r, PeerStates.recorded(r),
                    new StatusReport.Presence(daemon.running(), daemon.busy(), null, configProblem),
                    config == null ? List.of() : config.backends());
            }
        }
        boolean running = out.get("running").asBoolean();
        String busy = text(out, "busy");
        String discoveryWarning = text(out, "discoveryWarning");
        int exit = configProblem == null ? 0 : dev.lorehub.node.runtime.NodeException.Reason.CONFIG.exitCode();
        if (json) {
            JsonOutput.print(out);
            return exit;
        }
        System.out.println("Device   " + out.get("device").asText() + " (" + out.get("shortId").asText() + ")");
        System.out.println("Data     " + out.get("dataDir").asText() + (!running ? " — node not running"
            : busy != null ? " — busy" : " — node running"));
        if (busy != null) {
            System.out.println("Busy     " + busy);
        }
        if (configProblem != null) {
            System.out.println("Config   " + configProblem);
        }
        if (discoveryWarning != null) {
            System.out.println("Network  " + discoveryWarning);
        }
        if (!out.get("restoredAwaitingPeers").isNull()) {
            System.out.println("Restored from a backup made at " + out.get("restoredAwaitingPeers").asText() + ": this device writes "
                + "again once a peer has synced with it (`lorehub-node restore --done` writes without waiting).");
        }
        System.out.println();
        System.out.println("Peers:");
        if (out.get("peers").isEmpty()) {
            System.out.println("  none (pair with `lorehub-node pair`)");
        }
        Map<String, String> realmNames = new java.util.HashMap<>();
        out.get("realms").forEach(n -> realmNames.put(n.get("realm").asText(), n.get("name").asText()));
        out.get("peers").forEach(p -> {
            System.out.printf("  %-9s %-20s %s%s%n", p.get("device").asText().substring(0, 7), p.get("name").asText(),
                DaemonAnswer.connection(out, p.get("connected").asBoolean()),
                p.get("lastContact").isNull() ? "" : ", last contact " + p.get("lastContact").asText());
            if (!p.get("lastError").isNull()) {
                System.out.println("            last error: " + p.get("lastError").asText());
            }
            p.get("realms").forEach(rs -> System.out.println("            " + realmNames.getOrDefault(rs.get("realm").asText(),
                rs.get("realm").asText().substring(0, 12)) + ": " + PeerStates.describe(rs)));
            if (p.get("realms").isEmpty()) {
                System.out.println("            no realm reconciled with it yet" + (p.get("lastSync").isNull() ? ""
                    : " (last full sync " + p.get("lastSync").asText() + ")"));
            }
        });
        System.out.println("Realms:");
        if (out.get("realms").isEmpty()) {
            System.out.println("  none (share one with `lorehub-node realm share`)");
        }
        out.get("realms").forEach(n -> System.out.printf("  %s  %-16s %-6s %d member(s), %d event(s)%s  %s%s%n",
            n.get("realm").asText().substring(0, 12), n.get("name").asText(), n.get("role").asText(), n.get("members").asInt(),
            n.get("events").asLong(), n.get("unreadable").asLong() > 0 ? " (" + n.get("unreadable").asLong() + " unreadable)" : "",
            n.get("path").isNull() ? "not mapped: `lorehub-node realm join " + n.get("realm").asText().substring(0, 12)
                + " --path DIR`" : n.get("path").asText(),
            n.get("removedBy").isNull() ? "" : System.lineSeparator() + "    this device was removed from the realm by "
                + n.get("removedBy").asText().substring(0, 7) + ": it receives only the realm's membership from now on, and "
                + "local changes to it stay unsynced (`lorehub-node unsynced`)"));
        out.get("realms").forEach(n -> {
            if (n.has("previousRelease") && !n.get("previousRelease").get("sealed").asBoolean()) {
                System.out.println("  " + n.get("realm").asText().substring(0, 12) + "  synced before the upgrade, not sealed yet: "
                    + (n.get("role").asText().equals("admin") ? (n.get("previousRelease").get("autoSeal").asBoolean()
                    ? "seals by itself once every member has synced, or run `lorehub-node realm seal --realm "
                    + n.get("realm").asText().substring(0, 12) + "`" : "run `lorehub-node realm seal --realm "
                    + n.get("realm").asText().substring(0, 12) + "`") : "an admin seals it"));
            }
        });
        if (!out.get("massDeletions").isEmpty()) {
            System.out.println("Mass deletions (many lores deleted together, e.g. by `lh import`; undo brings them back on every "
                + "device):");
            out.get("massDeletions").forEach(n -> System.out.printf("  %s  %d lore(s) deleted at %s, %d still gone. Undo: %s%n",
                n.get("realm").asText().substring(0, 12), n.get("lores").asLong(), n.get("at").asText(),
                n.get("stillDeleted").asLong(), n.get("undo").asText()));
        }
        if (!out.get("invitations").isEmpty()) {
            System.out.println("Invitations (run `lorehub-node realm join REALM --path DIR` to sync one here):");
            out.get("invitations").forEach(n -> System.out.printf("  %s  %-16s as %s, from %s%n",
                n.get("realm").asText().substring(0, 12), n.get("name").isNull() ? "(name not known yet)" : n.get("name").asText(),
                n.get("role").asText(), n.get("invitedBy").isNull() ? "?" : n.get("invitedBy").asText().substring(0, 7)));
        }
        if (!out.get("held").isEmpty()) {
            System.out.println("Held aside (not applied, not forwarded; re-examined as membership changes and time passes):");
            out.get("held").forEach(n -> System.out.printf("  %s  %d event(s), %s: %s%n", n.get("realm").asText().substring(0, 12),
                n.get("events").asLong(), n.get("reason").asText().toLowerCase(), n.get("example").asText()));
        }
        if (!out.get("refused").isEmpty()) {
            System.out.println("Refused (see `lorehub-node log --refused`):");
            out.get("refused").forEach(n -> System.out.printf("  from %-9s %5d × %-13s last %s: %s%n",
                n.get("from").asText().length() > 7 ? n.get("from").asText().substring(0, 7) : n.get("from").asText(),
                n.get("events").asLong(), n.get("reason").asText().toLowerCase(), n.get("last").asText(),
                n.get("example").asText().length() > 90 ? n.get("example").asText().substring(0, 90) + "…"
                    : n.get("example").asText()));
        }
        if (!out.get("unsynced").isEmpty()) {
            System.out.println("Local changes that cannot sync (" + out.get("unsynced").size() + "; they sync by themselves once "
                + "possible, or `lorehub-node unsynced discard` gives them up):");
            out.get("unsynced").forEach(n -> System.out.printf("  %s %s: %s%n", n.get("kind").asText(), n.get("entity").asText(),
                n.get("reason").asText()));
        }
        if (!out.get("remotes").isEmpty()) {
            System.out.println("Remotes:");
            out.get("remotes").forEach(n -> System.out.printf("  %-16s last push %s, last pull %s, %d event(s) not on it yet%s%n",
                n.get("name").asText(), n.get("lastPush").isNull() ? "never" : n.get("lastPush").asText(),
                n.get("lastPull").isNull() ? "never" : n.get("lastPull").asText(), n.get("eventsNotOnRemote").asLong(),
                n.get("lastError").isNull() ? "" : "; last error: " + n.get("lastError").asText()));
        }
        if (out.get("notYetCaptured").asLong() > 0) {
            System.out.println("lh writes not yet captured: " + out.get("notYetCaptured").asLong()
                + (running ? " (captured within a second)" : " (captured when the node starts)"));
        }
        System.out.println("Conflicts: " + out.get("conflicts").asInt() + (out.get("conflicts").asInt() > 0
            ? " (see `lorehub-node conflicts`)" : ""));
        return exit;
    }

    /** A text field of the report, null when it is null. */
    private static String text(ObjectNode report, String field) {
        return report.hasNonNull(field) ? report.get(field).asText() : null;
    }
}
