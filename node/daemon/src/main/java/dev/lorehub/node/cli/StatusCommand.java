package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.LogRows;
import dev.lorehub.node.core.Membership;
import dev.lorehub.node.core.Replica;
import dev.lorehub.node.json.Json;
import dev.lorehub.node.runtime.NodeConfig;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.ChangeCapture;
import dev.lorehub.node.store.query.NodeQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
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
        ObjectNode out = JsonOutput.object();
        PeersCommand.Daemon daemon = PeersCommand.Daemon.ask(h);
        boolean running = daemon.running();
        try (NodeQuery view = HomeOption.query(h)) {
            Replica r = view.replica();
            out.put("device", r.deviceId().toString());
            out.put("shortId", r.deviceId().shortForm());
            out.put("dataDir", h.dataDir().toString());
            out.put("running", running);
            out.put("busy", daemon.busy());
            out.put("configError", configProblem);
            out.put("discoveryWarning", daemon.discoveryWarning());
            out.put("restoredAwaitingPeers", r.restoredAwaitingPeers().map(t -> Instant.ofEpochMilli(t).toString()).orElse(null));
            ArrayNode peers = out.putArray("peers");
            Map<DeviceId, Long> lastSyncs = new java.util.HashMap<>();
            for (LogRows.PeerRow p : r.peers()) {
                lastSyncs.put(p.device(), p.lastSyncAt());
            }
            for (PeerStates.State p : PeerStates.of(h, r, daemon.answers())) {
                ObjectNode n = peers.addObject().put("device", p.device().toString()).put("name", p.name())
                    .put("connected", p.connected());
                n.put("lastSync", iso(lastSyncs.get(p.device())));
                n.put("lastContact", iso(p.lastContact()));
                n.put("lastError", p.lastError());
                ArrayNode pr = n.putArray("realms");
                for (PeerStates.RealmState rs : p.realms()) {
                    pr.addObject().put("realm", rs.realm().toString()).put("inSync", rs.inSync())
                        .put("lastSyncedAt", iso(rs.lastSyncedAt())).put("theyLack", rs.theyLack()).put("weLack", rs.weLack());
                }
            }
            ArrayNode realms = out.putArray("realms");
            for (Map.Entry<RealmId, LogRows.SyncedRealmRow> e : new TreeMap<>(r.realms()).entrySet()) {
                if (!e.getValue().joined()) {
                    continue; // an invitation, listed below
                }
                Membership m = r.membership(e.getKey());
                ObjectNode n = realms.addObject().put("realm", e.getKey().toString()).put("name", view.localName(e.getValue()));
                n.put("path", view.localPath(e.getValue()).orElse(null));
                java.util.Optional<dev.lorehub.crypto.DeviceId> removedBy = m.role(r.deviceId()).isPresent()
                    ? java.util.Optional.empty() : removedBy(m, r.deviceId());
                n.put("role", m.role(r.deviceId()).map(x -> x.name().toLowerCase())
                    .orElse(removedBy.isPresent() ? "removed" : "none"));
                n.put("removedBy", removedBy.map(Object::toString).orElse(null));
                n.put("members", m.members().size());
                n.put("events", r.events().count(e.getKey()));
                n.put("unreadable", r.events().opaqueEvents(e.getKey()).size());
                n.put("keyEpoch", m.currentEpoch());
                r.legacyStatus(e.getKey()).ifPresent(l -> n.putObject("previousRelease").put("sealed", l.sealed())
                    .put("seals", l.sealCount()).put("autoSeal", l.autoSealOn())
                    .put("autoSealBy", l.autoSealBy() == null ? null : Instant.ofEpochMilli(l.autoSealBy()).toString()));
            }
            ArrayNode massDeletions = out.putArray("massDeletions");
            for (Replica.MassDeletion md : r.openMassDeletions()) {
                massDeletions.addObject().put("realm", md.realm().toString()).put("at", Instant.ofEpochMilli(md.at()).toString())
                    .put("lores", md.lores()).put("stillDeleted", md.stillDeleted())
                    .put("undoTo", Instant.ofEpochMilli(md.undoTo()).toString())
                    .put("undo", dev.lorehub.node.runtime.Doctor.undoCommand(md));
            }
            ArrayNode invitations = out.putArray("invitations");
            for (Replica.Invitation inv : r.invitations()) {
                invitations.addObject().put("realm", inv.realm().toString()).put("name", inv.name())
                    .put("role", inv.role().name().toLowerCase(java.util.Locale.ROOT))
                    .put("invitedBy", inv.inviter() == null ? null : inv.inviter().toString())
                    .put("founder", inv.founder().toString());
            }
            ArrayNode held = out.putArray("held");
            for (LogRows.HeldCount c : r.events().heldCounts()) {
                held.addObject().put("realm", c.realm().toString()).put("reason", c.reason())
                    .put("events", c.count()).put("example", c.example());
            }
            ArrayNode refused = out.putArray("refused");
            for (LogRows.RefusalRow f : r.events().refusals()) {
                refused.addObject().put("from", f.source()).put("realm", f.realm().toString())
                    .put("reason", f.reason()).put("events", f.count()).put("last", Instant.ofEpochMilli(f.lastAt()).toString())
                    .put("example", f.lastDetail());
            }
            ArrayNode unsynced = out.putArray("unsynced");
            for (LogRows.UnsyncedRow u : r.unsynced()) {
                unsynced.addObject().put("realm", u.realm().toString())
                    .put("kind", u.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("entity", u.entity()).put("reason", u.reason()).put("since", Instant.ofEpochMilli(u.firstAt()).toString());
            }
            out.put("notYetCaptured", ChangeCapture.pendingCount(view.database().connection()));
            out.put("conflicts", r.conflicts().size());
            ArrayNode remotes = out.putArray("remotes");
            java.util.List<dev.lorehub.node.remote.BackendConfig> backends = config == null ? java.util.List.of()
                : config.backends();
            if (!backends.isEmpty()) {
                try (dev.lorehub.node.remote.RemoteState state = dev.lorehub.node.remote.RemoteState.open(h.database())) {
                    var local = dev.lorehub.node.remote.ReplicaEvents.direct(r);
                    for (dev.lorehub.node.remote.BackendConfig b : backends) {
                        dev.lorehub.node.remote.RemoteState.Status st = state.status(b.name());
                        ObjectNode n = remotes.addObject().put("name", b.name());
                        n.put("lastPush", st.lastPush() == null ? null : Instant.ofEpochMilli(st.lastPush()).toString());
                        n.put("lastPull", st.lastPull() == null ? null : Instant.ofEpochMilli(st.lastPull()).toString());
                        n.put("eventsNotOnRemote", dev.lorehub.node.remote.RemoteSync.unpushed(local, state, b.name()));
                        n.put("lastError", st.lastError());
                    }
                }
            }
        }
        int exit = configProblem == null ? 0 : dev.lorehub.node.runtime.NodeException.Reason.CONFIG.exitCode();
        if (json) {
            System.out.println(Json.PRETTY.writeValueAsString(out));
            return exit;
        }
        System.out.println("Device   " + out.get("device").asText() + " (" + out.get("shortId").asText() + ")");
        System.out.println("Data     " + out.get("dataDir").asText() + (!running ? " — node not running"
            : daemon.busy() != null ? " — busy" : " — node running"));
        if (daemon.busy() != null) {
            System.out.println("Busy     " + daemon.busy());
        }
        if (configProblem != null) {
            System.out.println("Config   " + configProblem);
        }
        if (daemon.discoveryWarning() != null) {
            System.out.println("Network  " + daemon.discoveryWarning());
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
                daemon.describe(p.get("connected").asBoolean()),
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

    private static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    /**
     * Who removed {@code self} from the realm, if the membership shows it removed (the latest removal
     * naming it): a removed device still receives the realm's membership, so it learns this.
     */
    static java.util.Optional<dev.lorehub.crypto.DeviceId> removedBy(Membership m, dev.lorehub.crypto.DeviceId self) {
        dev.lorehub.node.core.MembershipEvent latest = null;
        for (dev.lorehub.node.core.MembershipEvent e : m.events()) {
            if (e.change().op() == dev.lorehub.node.core.MembershipChange.Op.REMOVE && self.equals(e.change().subject())
                && (latest == null || e.hlc() > latest.hlc())) {
                latest = e;
            }
        }
        return java.util.Optional.ofNullable(latest).map(dev.lorehub.node.core.MembershipEvent::author);
    }
}
